/**
 * Runs `git` for the checkout equivalent: an argument array (no shell), asynchronously (the fetch may go
 * to the offline GitHub's HTTP server in this very process), shielded from the developer's global and
 * system git config, with a stable locale.
 */
import { spawn } from 'node:child_process';

export interface GitResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the git processes: the job's machine variables minus `GIT_*`, plus isolation. */
export function gitEnvironment(machineEnv: Record<string, string>): Record<string, string> {
  const env = Object.fromEntries(Object.entries(machineEnv).filter(([name]) => !name.startsWith('GIT_')));
  return { ...env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
}

/** Runs git in `cwd`; resolves with its status and output (never rejects for a non-zero exit). */
export function git(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  signal: AbortSignal,
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
