/** Creates or switches to the branch of a story's work (design §3: `ai/<issue>-<slug>`). */
import { isValidBranchName } from '../../core/branch.js';
import { runGit } from './run-git.js';

/** Refuses a value that git would read as an option, or a branch name git would refuse. */
export function assertBranchName(branch: string): void {
  if (!isValidBranchName(branch)) {
    throw new RangeError(
      `${JSON.stringify(branch)} is not a valid branch name (git check-ref-format --branch)`,
    );
  }
}

/** Refuses a revision that git would read as an option, or one holding whitespace or control characters. */
export function assertRevision(revision: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (revision === '' || revision.startsWith('-') || /[\s\u0000-\u001f]/.test(revision)) {
    throw new RangeError(`${JSON.stringify(revision)} is not a revision`);
  }
}

/**
 * Switches the work tree in `cwd` to `branch`, creating it at `startPoint` (default: HEAD) when it does
 * not exist yet; a revision of existing work switches to the branch as it is. Uncommitted changes are
 * carried over, as `git switch` does.
 */
export async function switchToBranch(options: {
  readonly cwd: string;
  readonly branch: string;
  readonly startPoint?: string;
}): Promise<{ branch: string; created: boolean }> {
  assertBranchName(options.branch);
  const exists =
    (
      await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${options.branch}`], {
        cwd: options.cwd,
        okExitCodes: [0, 1],
      })
    ).exitCode === 0;
  if (exists) {
    await runGit(['switch', '--no-guess', options.branch], { cwd: options.cwd });
    return { branch: options.branch, created: false };
  }
  if (options.startPoint !== undefined) assertRevision(options.startPoint);
  const start = options.startPoint === undefined ? [] : [options.startPoint];
  await runGit(['switch', '--no-track', '-c', options.branch, ...start], { cwd: options.cwd });
  return { branch: options.branch, created: true };
}
