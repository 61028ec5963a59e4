/** The diff-size guard: one change stays small enough to review (policy `limits`). Pure. */
import { diffStats } from '../diff.js';
import type { FileDiff } from '../diff.js';
import type { Policy } from '../policy.js';
import type { Violation } from './violation.js';

/**
 * A finding for each limit the diff exceeds: files touched (`limits.max_changed_files`) and lines added
 * plus removed (`limits.max_changed_lines`; binary files count as files only).
 */
export function findOversizedDiff(diff: readonly FileDiff[], limits: Policy['limits']): Violation[] {
  const stats = diffStats(diff);
  const lines = stats.added + stats.removed;
  const found: Violation[] = [];
  if (stats.files > limits.max_changed_files) {
    found.push({
      guard: 'diff_too_large',
      message: `The change touches ${stats.files} files; the limit is ${limits.max_changed_files} (policy limits.max_changed_files). Leave out changes the story does not need, or ask for the story to be split.`,
    });
  }
  if (lines > limits.max_changed_lines) {
    found.push({
      guard: 'diff_too_large',
      message: `The change adds and removes ${lines} lines (${stats.added} added, ${stats.removed} removed); the limit is ${limits.max_changed_lines} (policy limits.max_changed_lines). Leave out changes the story does not need, or ask for the story to be split.`,
    });
  }
  return found;
}
