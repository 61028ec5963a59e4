/**
 * The knobs of one agent run, and how they come from the policy: the role's model (`models`), the turn
 * limit and the story's remaining token/cost budget (`budget`), model retries (`retries`), the largest
 * plan (`plan.max_stories`), and for the developer's commands the allow-list and time limit (`implement`).
 */
import type { Policy } from '../../core/policy.js';
import type { UsageFields } from '../../core/results.js';
import type { AgentRole } from '../../core/roles.js';
import { commandTimeoutMs } from '../executor/run-checks.js';
import type { RetrySettings } from './retry.js';
import { totalTokens } from './usage.js';

export interface Budget {
  /** Tokens (input, output, cache writes and reads) this run may use. */
  maxTokens: number;
  /** US dollars this run may cost. */
  maxCostUsd: number;
}

export interface AgentSettings {
  model: string;
  /** Model requests (turns) this run may make, retries not counted. */
  maxTurns: number;
  budget: Budget;
  retry: RetrySettings;
  /** Time limit of one model request, in milliseconds. */
  requestTimeoutMs: number;
  /** `max_tokens` of each request. */
  maxOutputTokens: number;
  /** Bad tool calls (unknown, invalid, refused, failed) in a row after which the run fails. */
  maxConsecutiveToolErrors: number;
  /** Longest text kept of each untrusted input (and of the brief), in characters. */
  maxUntrustedChars: number;
  /** The largest plan submit_plan accepts. */
  maxStories: number;
}

/** Defaults the policy does not set; each can be overridden in the settings passed to runAgent. */
export const RUN_DEFAULTS = {
  requestTimeoutMs: 5 * 60_000,
  maxOutputTokens: 8192,
  maxConsecutiveToolErrors: 5,
  maxUntrustedChars: 40_000,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
} as const;

/**
 * The settings of a `role` run under `policy`, with the budget the story has left after `spent` (what
 * earlier runs of the same story used, all roles and rounds). A budget already spent is 0, and the run
 * then fails before its first request.
 */
export function agentSettings(policy: Policy, role: AgentRole, spent: UsageFields): AgentSettings {
  return {
    model: policy.models[role],
    maxTurns: policy.budget.max_turns,
    budget: {
      maxTokens: Math.max(0, policy.budget.max_tokens_per_story - totalTokens(spent)),
      maxCostUsd: Math.max(0, policy.budget.max_cost_usd_per_story - spent.cost_usd),
    },
    retry: {
      maxRetries: policy.retries.model_requests,
      maxRetryAfterMs: policy.retries.max_retry_after_seconds * 1000,
      baseDelayMs: RUN_DEFAULTS.baseDelayMs,
      maxDelayMs: RUN_DEFAULTS.maxDelayMs,
    },
    requestTimeoutMs: RUN_DEFAULTS.requestTimeoutMs,
    maxOutputTokens: RUN_DEFAULTS.maxOutputTokens,
    maxConsecutiveToolErrors: RUN_DEFAULTS.maxConsecutiveToolErrors,
    maxUntrustedChars: RUN_DEFAULTS.maxUntrustedChars,
    maxStories: policy.plan.max_stories,
  };
}

/**
 * The commands the developer may run: the detected build/test/lint commands, then the policy's
 * `implement.allowed_commands`, without repeats, and their time limit in milliseconds.
 */
export function commandAllowList(
  policy: Policy,
  detectedCommands: readonly string[],
): { allowedCommands: string[]; timeoutMs: number } {
  return {
    allowedCommands: [...new Set([...detectedCommands, ...policy.implement.allowed_commands])],
    timeoutMs: commandTimeoutMs(policy),
  };
}
