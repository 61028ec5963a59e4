/**
 * The result document of a stage run (design §5, core/results.ts): built here, validated before it leaves
 * the stage, and carrying the model usage of every role that ran, so a failed run still reports what it
 * spent. A stage that throws still ends in a document: {@link StageRun.guard} turns the error into a
 * `failed` outcome with the reason.
 */
import { parseStageResult } from '../../core/results.js';
import type { StageResult, Usage, UsageFields } from '../../core/results.js';
import type { AgentRole, Stage } from '../../core/roles.js';
import { redactSecrets } from '../../core/sanitize.js';
import { addUsage, ZERO_USAGE } from '../agent/usage.js';
import { fullName } from '../github/repository.js';
import type { RunIdentity } from './types.js';

/** The longest failure reason a result document carries (core/results: 4,000 characters). */
export const MAX_REASON_CHARS = 4000;

/** Model usage of one run, per role and in total. */
export class UsageLedger {
  private readonly byRole = new Map<AgentRole, UsageFields>();

  /** Adds what one agent run of `role` used. */
  add(role: AgentRole, usage: UsageFields): void {
    this.byRole.set(role, addUsage(this.byRole.get(role) ?? ZERO_USAGE, usage));
  }

  /** Everything used so far, all roles (what an agent's budget is reduced by). */
  spent(): UsageFields {
    return [...this.byRole.values()].reduce(addUsage, ZERO_USAGE);
  }

  /** The usage of the result document: the totals, and `by_role` when any role ran. */
  usage(): Usage {
    const total = this.spent();
    return this.byRole.size === 0 ? { ...total } : { ...total, by_role: Object.fromEntries(this.byRole) };
  }
}

/** A result document that does not pass core/results: a bug in the stage, reported with every problem. */
export class InvalidResultError extends Error {
  constructor(readonly problems: string[]) {
    super(`the stage built an invalid result document: ${problems.join('; ')}`);
    this.name = 'InvalidResultError';
  }
}

/** `text` on one bounded line-set: secrets redacted, at most `max` characters (cut with an ellipsis). */
export function boundedReason(text: string, max: number = MAX_REASON_CHARS): string {
  const clean = redactSecrets(text).text.trim() || 'the stage failed without a reason';
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/**
 * One stage run's bookkeeping: who it is, what it has learned that the document names (the pull request,
 * the head), and the usage ledger. Its methods build validated documents.
 */
export class StageRun {
  readonly ledger = new UsageLedger();
  /** The pull request under work, once known. */
  pr: number | undefined;
  /** The head commit the run produced or judged, once known. */
  headSha: string | undefined;

  constructor(
    readonly stage: Stage,
    readonly identity: RunIdentity,
  ) {}

  /** The document with `outcome`; throws InvalidResultError when it does not validate. */
  document(outcome: Record<string, unknown>): StageResult {
    const { identity } = this;
    const candidate = {
      schema_version: 1,
      stage: this.stage,
      run_key: identity.runKey,
      repository: fullName(identity.repository),
      issue: identity.issue,
      ...(identity.story === undefined ? {} : { story: identity.story }),
      ...(this.pr === undefined ? {} : { pr: this.pr }),
      ...(this.headSha === undefined ? {} : { head_sha: this.headSha }),
      usage: this.ledger.usage(),
      outcome,
    };
    const parsed = parseStageResult(candidate);
    if (!parsed.ok) throw new InvalidResultError(parsed.errors);
    return parsed.result;
  }

  succeeded(produced: Record<string, unknown>): StageResult {
    return this.document({ status: 'succeeded', ...produced });
  }

  needsClarification(questions: readonly string[]): StageResult {
    return this.document({ status: 'needs_clarification', questions: [...questions] });
  }

  failed(reason: string): StageResult {
    return this.document({ status: 'failed', reason: boundedReason(reason) });
  }

  /**
   * Runs the stage's body; an error it throws becomes a `failed` document with the reason (and the usage
   * so far). Only an invalid document of the failure itself is thrown on: nothing can be written then.
   */
  async guard(body: () => Promise<StageResult>): Promise<StageResult> {
    try {
      return await body();
    } catch (error) {
      return this.failed(describeError(error));
    }
  }
}

/** One line for an error: GitHub's answers name the status and request, everything else its message. */
export function describeError(error: unknown): string {
  if (error instanceof InvalidResultError) return error.message;
  const request = (error as { request?: { method?: string; url?: string } } | null)?.request;
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number' && request?.method && request.url) {
    const path = request.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
    return `GitHub answered ${status} to ${request.method} ${path}: ${message}`;
  }
  return message;
}
