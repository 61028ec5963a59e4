/** The diff-size guard: one change stays small enough to review (policy `limits`). Pure. */
import type { FileDiff } from '../diff.js';
import type { Policy } from '../policy.js';
import type { Violation } from './violation.js';

/**
 * Lock files a package manager writes: they count as changed files, but not their lines, because adding
 * one dependency can rewrite thousands of them and no reviewer reads those lines.
 */
export const LOCK_FILES: ReadonlySet<string> = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'Cargo.lock',
  'go.sum',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'Gemfile.lock',
  'composer.lock',
  'gradle.lockfile',
]);

const isLockFile = (path: string): boolean => LOCK_FILES.has(path.slice(path.lastIndexOf('/') + 1));

/**
 * A finding for each limit the diff exceeds: files touched (`limits.max_changed_files`) and lines added
 * plus removed (`limits.max_changed_lines`; binary files and lock files count as files only).
 */
export function findOversizedDiff(diff: readonly FileDiff[], limits: Policy['limits']): Violation[] {
  let added = 0;
  let removed = 0;
  for (const file of diff) {
    if (isLockFile(file.path)) continue;
    added += file.added.length;
    removed += file.removed.length;
  }
  const lines = added + removed;
  const found: Violation[] = [];
  if (diff.length > limits.max_changed_files) {
    found.push({
      guard: 'diff_too_large',
      message: `The change touches ${diff.length} files; the limit is ${limits.max_changed_files} (policy limits.max_changed_files). Leave out changes the story does not need, or ask for the story to be split.`,
    });
  }
  if (lines > limits.max_changed_lines) {
    found.push({
      guard: 'diff_too_large',
      message: `The change adds and removes ${lines} lines (${added} added, ${removed} removed, lock files not counted); the limit is ${limits.max_changed_lines} (policy limits.max_changed_lines). Leave out changes the story does not need, or ask for the story to be split.`,
    });
  }
  return found;
}
