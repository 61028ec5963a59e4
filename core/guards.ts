/**
 * The guards that run before every commit of an agent's work (design §6): no unfinished work on added
 * lines, no test without a real assertion or without a reference to project code, no change to a
 * protected path, a diff within the size limits, and no cited file that does not exist. Pure: the caller
 * reads the diff, the file list and the texts; these functions only judge them.
 *
 * The policy for a failure is fixed: the findings go back to the agent once ({@link GUARD_RETRIES}); if
 * the next attempt still fails, the stage fails naming the guards ({@link decideAfterGuards}).
 */
import type { FileDiff } from './diff.js';
import type { Policy } from './policy.js';
import { findMissingCitedFiles } from './guards/cited-files.js';
import { findOversizedDiff } from './guards/diff-size.js';
import { findProtectedPathChanges } from './guards/protected-paths.js';
import { testLanguageOf } from './guards/test-files.js';
import { findAssertionFreeTests } from './guards/test-quality.js';
import { findUnfinishedWork } from './guards/unfinished-work.js';
import { GUARD_NAMES } from './guards/violation.js';
import type { GuardName, Violation } from './guards/violation.js';

export { GUARD_NAMES } from './guards/violation.js';
export type { GuardName, Violation } from './guards/violation.js';
export { testLanguageOf } from './guards/test-files.js';
export type { TestLanguage } from './guards/test-files.js';
export { citedPath } from './guards/cited-files.js';

/** What the guards judge. */
export interface GuardInput {
  /** The change: the staged diff against the base, parsed by `parseUnifiedDiff`. */
  readonly diff: readonly FileDiff[];
  readonly policy: Pick<Policy, 'protected_paths' | 'limits'>;
  /** Every file of the repository after the change, repository-relative. */
  readonly existingFiles: ReadonlySet<string>;
  /** The files the agent's summary cites (paths, optionally with `:line` or `#L1-L2`). */
  readonly citedFiles: readonly string[];
  /**
   * The text after the change of modified files the caller read, by path. A modified test file found
   * here is judged as a whole; one that is not is judged on its added lines only. (Added files are always
   * judged as a whole: their added lines are the file.)
   */
  readonly contents?: ReadonlyMap<string, string>;
  /** Names under which the project's own code is imported (package.json name, Go module, crate name). */
  readonly projectModules?: readonly string[];
}

/** The text of a test file as far as it is known: the whole file, or only its added lines. */
function testSource(file: FileDiff, contents: ReadonlyMap<string, string> | undefined) {
  const text = contents?.get(file.path);
  if (text !== undefined) {
    const lines = text.split('\n').map((line, index) => ({ line: index + 1, text: line.replace(/\r$/, '') }));
    return { path: file.path, lines, complete: true };
  }
  return { path: file.path, lines: file.added, complete: file.change === 'added' };
}

/**
 * Runs every guard and returns all findings, ordered by guard: protected paths, diff size, unfinished
 * work, assertion-free tests, missing cited files. An empty list means the change may be committed.
 */
export function runGuards(input: GuardInput): Violation[] {
  const project = { files: input.existingFiles, modules: input.projectModules ?? [] };
  const live = input.diff.filter((file) => file.change !== 'deleted' && !file.binary);
  return [
    ...findProtectedPathChanges(input.diff, input.policy.protected_paths),
    ...findOversizedDiff(input.diff, input.policy.limits),
    ...live.flatMap((file) => findUnfinishedWork(file, testLanguageOf(file.path) !== null)),
    ...live
      .filter((file) => testLanguageOf(file.path) !== null)
      .flatMap((file) => findAssertionFreeTests(testSource(file, input.contents), project)),
    ...findMissingCitedFiles(input.citedFiles, input.existingFiles),
  ];
}

/** Times the guard findings go back to the agent before the stage fails (design §6: once). */
export const GUARD_RETRIES = 1;

/** The most findings listed in the feedback to the agent; the rest are counted. */
export const MAX_FEEDBACK_VIOLATIONS = 30;

export type GuardDecision =
  | { readonly action: 'commit' }
  | { readonly action: 'retry'; readonly guards: readonly GuardName[]; readonly feedback: string }
  | { readonly action: 'fail'; readonly guards: readonly GuardName[]; readonly reason: string };

/** The distinct guards of `violations`, in the order of {@link GUARD_NAMES}. */
export function failedGuards(violations: readonly Violation[]): GuardName[] {
  const names = new Set(violations.map((v) => v.guard));
  return GUARD_NAMES.filter((name) => names.has(name));
}

/** The findings as a bounded list for the agent or a comment: one line each, the rest counted. */
export function formatViolations(
  violations: readonly Violation[],
  max: number = MAX_FEEDBACK_VIOLATIONS,
): string {
  const shown = violations.slice(0, max).map((v) => `- [${v.guard}] ${v.message}`);
  const rest = violations.length - shown.length;
  return [...shown, ...(rest > 0 ? [`- ... and ${rest} more finding${rest === 1 ? '' : 's'}`] : [])].join(
    '\n',
  );
}

/**
 * What to do after the guards ran on attempt `attempt` (1 for the agent's first try): commit when there
 * is no finding; send the findings back while `attempt` is at most {@link GUARD_RETRIES}; otherwise fail
 * the stage with a reason that names the guards.
 */
export function decideAfterGuards(violations: readonly Violation[], attempt: number): GuardDecision {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${String(attempt)}`);
  }
  if (violations.length === 0) return { action: 'commit' };
  const guards = failedGuards(violations);
  if (attempt <= GUARD_RETRIES) {
    const feedback = [
      `The change was not committed: ${violations.length} finding${violations.length === 1 ? '' : 's'} of the guards ${guards.join(', ')}.`,
      'Fix every finding below, then finish again. This is the only retry: if a guard still fails, the stage fails.',
      formatViolations(violations),
    ].join('\n');
    return { action: 'retry', guards, feedback };
  }
  const reason = [
    `The guards ${guards.join(', ')} still failed after ${GUARD_RETRIES} ${GUARD_RETRIES === 1 ? 'retry' : 'retries'}:`,
    formatViolations(violations),
  ].join('\n');
  return { action: 'fail', guards, reason };
}
