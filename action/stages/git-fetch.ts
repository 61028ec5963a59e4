/**
 * Fetching what a stage needs into its checkout, whatever depth the workflow checked it out with: the
 * default branch and the story's branch for implement (a revision continues the pushed branch), the base
 * of the pull request and enough history for its merge base for review. The token travels exactly as for
 * a push (action/git push.ts): as an HTTP header git reads from an environment variable, never in the
 * command line, the URL, `.git/config` or any output; the checkout's own config is refused when it could
 * redirect or observe the fetch.
 */
import { assertBranchName } from '../git/branch.js';
import { assertRemoteUrl, assertSafeLocalConfig, AUTH_HEADER_VARIABLE, authHeader } from '../git/push.js';
import { runGit } from '../git/run-git.js';
import { REMOTE } from './git-workspace.js';

export interface FetchSource {
  /** The repository's URL, without credentials (the push URL). */
  remoteUrl: string;
  /** The token for an https remote. */
  token?: string;
}

async function fetch(
  cwd: string,
  source: FetchSource,
  args: readonly string[],
): Promise<{ exitCode: number; stderr: string }> {
  assertRemoteUrl(source.remoteUrl);
  await assertSafeLocalConfig(cwd);
  const header = source.token === undefined ? undefined : authHeader(source.token);
  const { exitCode, stderr } = await runGit(
    [
      ...(header === undefined ? [] : [`--config-env=http.extraheader=${AUTH_HEADER_VARIABLE}`]),
      '-c',
      'credential.helper=',
      '-c',
      'core.hooksPath=/dev/null',
      '-c',
      'http.followRedirects=false',
      'fetch',
      '--no-tags',
      '--no-recurse-submodules',
      '--quiet',
      ...args,
    ],
    {
      cwd,
      env: header === undefined ? {} : { [AUTH_HEADER_VARIABLE]: header },
      secrets: source.token === undefined ? [] : [source.token, header as string],
      okExitCodes: [0, 128],
    },
  );
  return { exitCode, stderr };
}

/**
 * Updates the remote-tracking branch `origin/<branch>` from the repository. Resolves false when the
 * repository has no such branch; rejects for any other failure.
 */
export async function fetchBranch(cwd: string, source: FetchSource, branch: string): Promise<boolean> {
  assertBranchName(branch);
  const { exitCode, stderr } = await fetch(cwd, source, [
    source.remoteUrl,
    `+refs/heads/${branch}:refs/remotes/${REMOTE}/${branch}`,
  ]);
  if (exitCode === 0) return true;
  if (/couldn't find remote ref/i.test(stderr)) return false;
  throw new Error(`git fetch of ${branch} failed: ${stderr.trim()}`);
}

/** Whether the checkout is shallow (a depth-limited clone, where merge bases may be missing). */
export async function isShallow(cwd: string): Promise<boolean> {
  return (await runGit(['rev-parse', '--is-shallow-repository'], { cwd })).stdout.trim() === 'true';
}

/** Fetches the whole history of the checkout's current commits, so merge bases can be found. */
export async function unshallow(cwd: string, source: FetchSource): Promise<void> {
  const { exitCode, stderr } = await fetch(cwd, source, ['--unshallow', source.remoteUrl]);
  if (exitCode !== 0) throw new Error(`git fetch --unshallow failed: ${stderr.trim()}`);
}
