/**
 * The git facts the stages read from their checkout, through action/git's runGit (no shell, no secrets,
 * no inherited GIT_* variables). The checkout is the one the workflow made (actions/checkout with
 * `fetch-depth: 0`, so the remote-tracking branches `origin/*` are there).
 */
import { assertBranchName, assertRevision, switchToBranch } from '../git/branch.js';
import { runGit } from '../git/run-git.js';

/** The remote the checkout's remote-tracking branches come from. */
export const REMOTE = 'origin';

/** The commit HEAD names. */
export async function headSha(cwd: string): Promise<string> {
  return (await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd })).stdout.trim();
}

/** Whether `revision` names a commit in the checkout. */
export async function hasCommit(cwd: string, revision: string): Promise<boolean> {
  assertRevision(revision);
  const { exitCode } = await runGit(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], {
    cwd,
    okExitCodes: [0, 1, 128],
  });
  return exitCode === 0;
}

/**
 * Switches the checkout to the story's `branch` before the developer works: its local branch if it has one,
 * else one started from the remote's branch of that name (a revision, or a run repeated after a push),
 * else from the remote's default branch, else from HEAD. Returns the commit the work starts from: the
 * guards judge what the developer changes after it.
 */
export async function prepareBranch(
  cwd: string,
  branch: string,
  defaultBranch: string,
): Promise<{ base: string; resumed: boolean }> {
  assertBranchName(branch);
  assertBranchName(defaultBranch);
  const remoteBranch = `${REMOTE}/${branch}`;
  const resumed = await hasCommit(cwd, remoteBranch);
  const startPoint = resumed
    ? remoteBranch
    : (await hasCommit(cwd, `${REMOTE}/${defaultBranch}`))
      ? `${REMOTE}/${defaultBranch}`
      : 'HEAD';
  await switchToBranch({ cwd, branch, startPoint });
  return { base: await headSha(cwd), resumed };
}

/**
 * The unified diff of what `head` changes since it left `base` (`git diff base...head`, the pull request
 * view), with the flags that keep user configuration from changing its format.
 */
export async function diffSince(cwd: string, base: string, head: string): Promise<string> {
  assertRevision(base);
  assertRevision(head);
  const { stdout } = await runGit(
    [
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--no-relative',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      '--find-renames',
      `${base}...${head}`,
      '--',
    ],
    { cwd },
  );
  return stdout;
}
