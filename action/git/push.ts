/**
 * Pushes the story's branch (design §6–7): to a URL the caller gives, with the token in an HTTP header
 * that git reads from an environment variable (`--config-env`), so the token is never in the command line,
 * in `.git/config`, in the remote URL or in any output. Only a fast-forward of a non-default branch is
 * pushed: no force, no push to the default branch.
 *
 * The repository's own config is read first and refused when it could redirect or observe the push
 * (URL rewrites, proxies, credential helpers, extra headers, hooks, includes): the work under delivery
 * may have written `.git/config`, and the push is the one step that holds a token.
 */
import { assertBranchName } from './branch.js';
import { GitError, runGit } from './run-git.js';

/** The environment variable through which git receives the auth header. */
export const AUTH_HEADER_VARIABLE = 'AIO_GIT_HTTP_AUTH_HEADER';

/** Local config keys that could send the push, or the token, elsewhere, or run code during it. */
const UNSAFE_LOCAL_KEY =
  /^(?:url\..*\.(?:insteadof|pushinsteadof)|http\..*|https\..*|credential\..*|core\.(?:sshcommand|hookspath|askpass|gitproxy|fsmonitor)|remote\..*\.(?:proxy|receivepack|uploadpack|vcs|pushurl)|include\..*|includeif\..*|protocol\..*)$/i;

/** The `Authorization` header git sends for a GitHub App installation token (as actions/checkout does). */
export function authHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/** Refuses a remote URL that is not a plain https/http/ssh/file URL or absolute path, or that holds credentials. */
export function assertRemoteUrl(url: string): void {
  if (/^\//.test(url)) return;
  if (!/^(?:https?|ssh|file):\/\//i.test(url)) {
    throw new RangeError(
      `the remote ${JSON.stringify(url)} is not an https, http, ssh or file URL or an absolute path`,
    );
  }
  const parsed = new URL(url);
  if (/^https?:$/i.test(parsed.protocol) && (parsed.username !== '' || parsed.password !== '')) {
    throw new RangeError(
      'the remote URL holds credentials; pass the token separately so it is never stored or shown',
    );
  }
}

/** Refuses to push when the repository's local config holds a key that could redirect or observe the push. */
export async function assertSafeLocalConfig(cwd: string): Promise<void> {
  const { stdout } = await runGit(['config', '--local', '--list', '--name-only'], {
    cwd,
    okExitCodes: [0, 1],
  });
  const unsafe = stdout.split('\n').filter((key) => UNSAFE_LOCAL_KEY.test(key.trim()));
  if (unsafe.length > 0) {
    throw new RangeError(
      `refusing to push: the repository config sets ${[...new Set(unsafe)].join(', ')}, which could redirect or observe the push; remove it (actions/checkout: persist-credentials: false)`,
    );
  }
}

export interface PushOptions {
  readonly cwd: string;
  /** Where to push, without credentials (e.g. `https://github.com/o/r.git`). */
  readonly remoteUrl: string;
  /** The branch to push HEAD to; never the default branch. */
  readonly branch: string;
  /** The repository's default branch, as GitHub reports it. */
  readonly defaultBranch: string;
  /** An installation token for https remotes; sent only as a header through the environment. */
  readonly token?: string;
}

export interface PushResult {
  readonly branch: string;
  readonly sha: string;
  /** True when the push created the branch on the remote; false for a fast-forward or no change. */
  readonly created: boolean;
}

/**
 * Pushes HEAD of `cwd` to `refs/heads/<branch>` at `remoteUrl` as a fast-forward. Refuses the default
 * branch (compared case-insensitively, as a case-insensitive file system on the server would), an unsafe
 * URL or local config, and reports a rejected non-fast-forward as such: it never forces.
 */
export async function push(options: PushOptions): Promise<PushResult> {
  assertBranchName(options.branch);
  if (options.branch.toLowerCase() === options.defaultBranch.toLowerCase()) {
    throw new RangeError(
      `refusing to push to the default branch ${options.defaultBranch}; agents push only to their own branch`,
    );
  }
  assertRemoteUrl(options.remoteUrl);
  await assertSafeLocalConfig(options.cwd);
  const secrets =
    options.token === undefined
      ? []
      : [options.token, authHeader(options.token), authHeader(options.token).split(' ').pop()!];
  const auth = options.token === undefined ? [] : [`--config-env=http.extraheader=${AUTH_HEADER_VARIABLE}`];
  const refspec = `HEAD:refs/heads/${options.branch}`;
  const args = [
    ...auth,
    '-c',
    'credential.helper=',
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'http.followRedirects=false',
    '-c',
    'push.followTags=false',
    '-c',
    'push.gpgSign=false',
    'push',
    '--no-verify',
    '--porcelain',
    '--recurse-submodules=no',
    options.remoteUrl,
    refspec,
  ];
  const env: Record<string, string> =
    options.token === undefined ? {} : { [AUTH_HEADER_VARIABLE]: authHeader(options.token) };
  let stdout: string;
  try {
    ({ stdout } = await runGit(args, { cwd: options.cwd, env, secrets }));
  } catch (error) {
    if (
      error instanceof GitError &&
      /\[rejected\]|non-fast-forward|fetch first/.test(`${error.stdout}\n${error.stderr}`)
    ) {
      throw new GitError(
        `the remote branch ${options.branch} has commits that this one does not; refusing to force-push. Start again from the remote branch.`,
        error.exitCode,
        error.stderr,
        error.stdout,
      );
    }
    throw error;
  }
  const line = stdout.split('\n').find((l) => l.includes(`\t${refspec}\t`)) ?? '';
  const { stdout: head } = await runGit(['rev-parse', 'HEAD'], { cwd: options.cwd });
  return { branch: options.branch, sha: head.trim(), created: line.startsWith('*') };
}
