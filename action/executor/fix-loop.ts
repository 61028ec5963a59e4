/**
 * The fix loop (design §6): run the checks; when one fails, hand its trimmed output to the developer for
 * a fix and run them all again, at most `fixAttempts` times (policy `implement.fix_attempts`). It ends in
 * an explicit success or an explicit failure carrying the last output, never in a silent success.
 */
import { describeFailure, runChecks } from './run-checks.js';
import type { CheckCommand, CheckResult, RunChecksOptions } from './run-checks.js';

/** What `fix` is told: which round this is and what failed. */
export interface FixRequest {
  /** 1 for the first fix. */
  readonly attempt: number;
  /** Fix attempts left after this one. */
  readonly remaining: number;
  /** The check that failed, with its trimmed output. */
  readonly failed: CheckResult;
  /** One line saying why it failed. */
  readonly summary: string;
}

export interface FixLoopOptions extends RunChecksOptions {
  readonly commands: readonly CheckCommand[];
  /** Rounds of fixing allowed after the first run (0: run once, no fix). */
  readonly fixAttempts: number;
  /** Asks the developer to fix the failure; its errors propagate (a broken fixer is not a failed check). */
  readonly fix: (request: FixRequest) => Promise<void>;
}

/** One run of the checks. */
export interface CheckRound {
  readonly ok: boolean;
  readonly results: readonly CheckResult[];
}

export type FixLoopOutcome =
  | {
      readonly ok: true;
      /** Fixes that were needed before the checks passed. */
      readonly fixesApplied: number;
      readonly rounds: readonly CheckRound[];
    }
  | {
      readonly ok: false;
      readonly fixesApplied: number;
      readonly rounds: readonly CheckRound[];
      /** The last failing check, with its trimmed output. */
      readonly failed: CheckResult;
      /** Why the stage fails, naming the check and the attempts made. */
      readonly reason: string;
    };

/**
 * Runs `commands`; after each failing run calls `fix` and runs them again, until they pass or
 * `fixAttempts` fixes have been tried. The failure outcome's `reason` names the check, how it failed and
 * how many fixes were tried.
 */
export async function runWithFixes(options: FixLoopOptions): Promise<FixLoopOutcome> {
  const { commands, fixAttempts, fix } = options;
  if (!Number.isSafeInteger(fixAttempts) || fixAttempts < 0) {
    throw new RangeError(`fixAttempts must be a whole number of at least 0, got ${String(fixAttempts)}`);
  }
  const rounds: CheckRound[] = [];
  for (let fixesApplied = 0; ; fixesApplied += 1) {
    const round = await runChecks(commands, options);
    rounds.push(round);
    if (round.ok) return { ok: true, fixesApplied, rounds };
    const failed = round.results[round.results.length - 1] as CheckResult;
    const summary = describeFailure(failed);
    if (fixesApplied >= fixAttempts) {
      const tried =
        fixAttempts === 0
          ? 'no fix attempts allowed'
          : `after ${fixAttempts} fix attempt${fixAttempts === 1 ? '' : 's'}`;
      return { ok: false, fixesApplied, rounds, failed, reason: `${summary} (${tried})` };
    }
    await fix({ attempt: fixesApplied + 1, remaining: fixAttempts - fixesApplied - 1, failed, summary });
  }
}
