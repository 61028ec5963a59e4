/**
 * Runs `git` for delivery: always through execFile with an argument array (no shell, so a branch name or
 * a message full of `$(...)`, backticks or quotes is data, never code), with an environment that has no
 * secrets and no inherited `GIT_*` steering, and with every known secret redacted from what it reports.
 */
import { execFile } from 'node:child_process';
import { childEnvironment } from '../agent/child-env.js';

export interface RunGitOptions {
  readonly cwd: string;
  /** Variables added to the child's environment (an author identity, the auth header variable). */
  readonly env?: Readonly<Record<string, string>>;
  /** Text written to git's standard input (a commit message with `-F -`). */
  readonly input?: string;
  /** Values that must never appear in an error message or returned output. */
  readonly secrets?: readonly string[];
  /** Exit codes that are answers rather than errors (`git diff --quiet` exits 1 for "there are changes"). */
  readonly okExitCodes?: readonly number[];
}

export interface GitOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** A git command failed; the message names the command and holds its stderr, secrets redacted. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly stdout: string = '',
  ) {
    super(message);
    this.name = 'GitError';
  }
}

const REDACTED = '[redacted]';
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** `text` with every occurrence of each non-empty secret replaced. */
export function redact(text: string, secrets: readonly string[] = []): string {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/**
 * The child's environment: this process's, secrets removed (shared with the agent's tools), every `GIT_*`
 * variable removed (a stray `GIT_DIR`, `GIT_CONFIG_PARAMETERS` or `GIT_TRACE_CURL` would change what git
 * does or prints), then: no terminal prompts, SSH in batch mode, the C locale so messages are stable.
 */
function gitEnvironment(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(childEnvironment(process.env).env).filter(([name]) => !name.startsWith('GIT_')),
  );
  return {
    ...base,
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    ...extra,
  };
}

/** The git subcommand in `args`, past global options (`-c key=value`, `--config-env=...`). */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '-c') i += 1;
    else if (!args[i]!.startsWith('-')) return args[i]!;
  }
  return '';
}

/**
 * Runs `git <args>` in `options.cwd` and returns its output. Rejects with a GitError when git exits with a
 * code not in `okExitCodes` (default: only 0) or cannot start.
 */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<GitOutput> {
  const secrets = options.secrets ?? [];
  const ok = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      { cwd: options.cwd, env: gitEnvironment(options.env), encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (exitCode !== null && ok.includes(exitCode)) {
          resolve({ stdout: redact(stdout, secrets), stderr: redact(stderr, secrets), exitCode });
          return;
        }
        const reason = stderr.trim() || (error?.message ?? 'unknown error');
        reject(
          new GitError(
            redact(`git ${subcommand(args)} failed: ${reason}`, secrets),
            exitCode,
            redact(stderr, secrets),
            redact(stdout, secrets),
          ),
        );
      },
    );
    child.stdin?.on('error', () => {
      // git may exit before reading its input (e.g. on a bad argument); the exit code reports that.
    });
    child.stdin?.end(options.input ?? '');
  });
}
