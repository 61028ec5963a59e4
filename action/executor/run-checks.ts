/**
 * The executor: runs the build, test and lint commands of a stack in order, each with its time limit and
 * in an environment without secrets (checklist 29), and reports each outcome with its output trimmed to
 * what matters (design §6). The first failing command stops the run: later checks would only report the
 * same breakage again, and the developer fixes one thing at a time.
 */
import type { Policy } from '../../core/policy.js';
import { childEnvironment } from '../agent/child-env.js';
import { runProcess } from './run-process.js';
import { DEFAULT_TRIMMED_CHARS, trimOutput } from './trim-output.js';

/** One check: a name for people (`build`, `test`, `lint`), the trusted command line and its time limit. */
export interface CheckCommand {
  readonly name: string;
  readonly command: string;
  readonly timeoutMs: number;
}

export interface CheckResult {
  readonly name: string;
  readonly command: string;
  /** True only for an exit code of 0 within the time limit. */
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly startError: string | null;
  readonly durationMs: number;
  /** The output, trimmed by `trimOutput`: failures first, then its start and end. */
  readonly output: string;
}

export interface ChecksOutcome {
  /** True when every command ran and passed. */
  readonly ok: boolean;
  /** The results of the commands that ran, in order; the last one failed when `ok` is false. */
  readonly results: readonly CheckResult[];
}

export interface RunChecksOptions {
  readonly cwd: string;
  /** The environment to take the child's from, secrets removed (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Bound of each result's trimmed output, in characters. */
  readonly maxOutputChars?: number;
}

/** Raw output held per command before trimming: enough for any report, bounded in memory. */
const MAX_CAPTURE_CHARS = 2_000_000;

/** The time limit of one command under the policy (`implement.command_timeout_minutes`). */
export function commandTimeoutMs(policy: Pick<Policy, 'implement'>): number {
  return policy.implement.command_timeout_minutes * 60_000;
}

/** One line saying why a check failed, for a log, a comment or a stage's failure reason. */
export function describeFailure(result: CheckResult): string {
  const what = `${result.name} (\`${result.command}\`)`;
  if (result.startError !== null) return `${what} could not start: ${result.startError}`;
  if (result.timedOut)
    return `${what} timed out after ${Math.round(result.durationMs / 1000)} s and was stopped`;
  if (result.exitCode === null) return `${what} was killed by ${result.signal ?? 'a signal'}`;
  return `${what} failed with exit code ${result.exitCode}`;
}

/**
 * Runs `commands` one after the other in `options.cwd` until one fails. An empty list is an error: "no
 * check ran" must never read as "every check passed".
 */
export async function runChecks(
  commands: readonly CheckCommand[],
  options: RunChecksOptions,
): Promise<ChecksOutcome> {
  if (commands.length === 0)
    throw new RangeError('no command to run: an empty list of checks would pass vacuously');
  const { env } = childEnvironment(options.env ?? process.env);
  const results: CheckResult[] = [];
  for (const check of commands) {
    if (!(check.timeoutMs > 0)) throw new RangeError(`${check.name}: timeoutMs must be above 0`);
    const run = await runProcess(check.command, {
      cwd: options.cwd,
      env,
      timeoutMs: check.timeoutMs,
      maxCaptureChars: MAX_CAPTURE_CHARS,
    });
    const ok = run.exitCode === 0 && !run.timedOut && run.startError === null;
    results.push({
      name: check.name,
      command: check.command,
      ok,
      exitCode: run.exitCode,
      signal: run.signal,
      timedOut: run.timedOut,
      startError: run.startError,
      durationMs: run.durationMs,
      output: trimOutput(run.output, options.maxOutputChars ?? DEFAULT_TRIMMED_CHARS),
    });
    if (!ok) return { ok: false, results };
  }
  return { ok: true, results };
}
