/**
 * Runs `git` for the offline GitHub's own bookkeeping on its bare repositories: an argument array (no
 * shell), an environment cleaned of the caller's `GIT_*` variables and of the user's global and system
 * config (a developer's `init.defaultBranch`, signing or hooks settings must not change what the fake
 * stores), and the C locale so messages are stable.
 *
 * The state API is synchronous — tests, the demo and the REST handlers call it without awaiting — so these
 * commands run with `spawnSync`. Each one takes a few milliseconds; the long-running transfers (clone,
 * fetch, push) are streamed asynchronously by `http.ts` instead. Nothing here may wait on this process's
 * own HTTP server: it would never answer while the event loop is blocked.
 */
import { spawnSync } from 'node:child_process';

/** The environment of every git process the fake starts: the caller's minus `GIT_*`, plus `extra`. */
export function gitEnvironment(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('GIT_')) base[name] = value;
  }
  return {
    ...base,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/** A git command exited with a status its caller did not expect. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${status ?? 'signal'}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

export interface GitRunOptions {
  /** Bytes written to standard input. */
  input?: string | Buffer;
  /** Variables added to the environment (identities, dates). */
  env?: Readonly<Record<string, string>>;
  /** Working directory (a temporary worktree); default the process's. */
  cwd?: string;
  /** Exit statuses that are answers rather than failures (`merge-tree` exits 1 for conflicts). */
  ok?: readonly number[];
}

export interface GitRunResult {
  stdout: Buffer;
  stderr: string;
  status: number;
}

/** Output can be a whole blob; a repository of the testbed never holds anything near this. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/**
 * Runs `git <args>` and waits for it. Throws a {@link GitCommandError} when it exits with a status not in
 * `options.ok` (default only 0), or cannot start.
 */
export function runGit(args: readonly string[], options: GitRunOptions = {}): GitRunResult {
  const result = spawnSync('git', [...args], {
    input: options.input ?? '',
    env: gitEnvironment(options.env),
    maxBuffer: MAX_OUTPUT_BYTES,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  if (result.error !== undefined) throw result.error;
  const status = result.status;
  const stderr = result.stderr.toString('utf8');
  if (status === null || !(options.ok ?? [0]).includes(status))
    throw new GitCommandError(args, status, stderr);
  return { stdout: result.stdout, stderr, status };
}

/** Runs git against the bare repository `gitDir`. */
export function runGitIn(gitDir: string, args: readonly string[], options: GitRunOptions = {}): GitRunResult {
  return runGit([`--git-dir=${gitDir}`, ...args], options);
}
