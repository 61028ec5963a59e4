/**
 * The tool-use loop of one agent run (design §6): one role, its prompt, its tools, its model, until the
 * model calls a terminal tool or a limit stops it. Every way out is explicit: a completed result (plan,
 * verdict or finish report), a request for clarification, or a failure with its reason — never a silent
 * success. Each outcome carries the run's usage (tokens, cost, cache hit ratio) and what sanitising the
 * untrusted inputs removed.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { UsageFields } from '../../core/results.js';
import type { AgentRole } from '../../core/roles.js';
import { describeReport } from '../../core/sanitize.js';
import type { CommandToolOptions } from './command-tool.js';
import { buildRequest, firstMessage, stablePrefix } from './conversation.js';
import type { SanitizedInput, UntrustedInput } from './conversation.js';
import { withModelRetries } from './retry.js';
import type { ModelFailureReason, RetryDeps } from './retry.js';
import type { AgentSettings, Budget } from './settings.js';
import type { AgentTool, TerminalResult, ToolContext } from './tool.js';
import { ToolError } from './tool-error.js';
import { toolboxForRole } from './toolbox.js';
import { ZERO_USAGE, addUsage, cacheHitRatio, costUsd, priceOf, tokenCounts, totalTokens } from './usage.js';
import { openWorkspace } from './workspace.js';

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;
type ToolResultBlockParam = Anthropic.Messages.ToolResultBlockParam;
type ToolUseBlock = Anthropic.Messages.ToolUseBlock;

export interface AgentRunInput {
  role: AgentRole;
  /** The role's prompt, read from the default branch (prompts.ts loadRolePrompt). */
  rolePrompt: string;
  /** The mechanical repository brief; repository data, so it is sanitised and fenced too. */
  brief: string;
  /** What to do, written by the stage; must not contain untrusted text (that goes in `untrusted`). */
  task: string;
  /** Issue, story, diff, comments…: sanitised and fenced in the first user message. */
  untrusted: readonly UntrustedInput[];
  /** The absolute path of the checkout the tools work in. */
  workspaceRoot: string;
  /** Globs no tool may write (policy protected_paths). */
  protectedPaths: readonly string[];
  /** The developer's run_command allow-list and limits; only the developer has run_command. */
  commands?: CommandToolOptions;
  settings: AgentSettings;
}

export interface AgentDeps extends RetryDeps {
  /** The SDK client, with maxRetries 0 (client.ts createModelClient). */
  client: Anthropic;
  /** One line per notable event (tool calls, retries), for the job log; never secrets or file contents. */
  log?(line: string): void;
}

export type RunFailureReason =
  | ModelFailureReason
  | 'turn_limit'
  | 'budget_exceeded'
  | 'too_many_bad_tool_calls'
  | 'model_refused'
  | 'unexpected_stop_reason';

/** What every outcome reports about the run. */
export interface RunReport {
  role: AgentRole;
  model: string;
  /** The price-table entry the cost was computed with (usage.ts priceOf). */
  pricedAs: string;
  /** Model responses received. */
  turns: number;
  /** HTTP requests sent to the API, retries included. */
  requests: number;
  usage: UsageFields;
  /** Share of input tokens read from the prompt cache, 0 to 1. */
  cacheHitRatio: number;
  toolCalls: number;
  /** Tool calls answered with an error (unknown tool, invalid input, refused, failed). */
  toolErrors: number;
  /** Files the run wrote or edited, sorted. */
  filesChanged: string[];
  /** What sanitising the brief and each untrusted input removed. */
  sanitized: SanitizedInput[];
}

export type AgentRunResult = RunReport &
  (
    | { status: 'completed'; result: Exclude<TerminalResult, { kind: 'clarification' }> }
    | { status: 'needs_clarification'; questions: string[] }
    | { status: 'failed'; reason: RunFailureReason; message: string }
  );

const HANDLED_STOP_REASONS = new Set(['tool_use', 'end_turn', 'max_tokens', 'stop_sequence']);

/** Why no further request fits the budget (`strictly`: only when exceeded, not merely used up), or undefined. */
function budgetProblem(usage: UsageFields, budget: Budget, strictly: boolean): string | undefined {
  const tokens = totalTokens(usage);
  const over = (used: number, limit: number) => (strictly ? used > limit : used >= limit);
  if (over(tokens, budget.maxTokens)) {
    return `the token budget is ${strictly ? 'exceeded' : 'used up'}: ${tokens} tokens used of ${budget.maxTokens} allowed (policy budget.max_tokens_per_story)`;
  }
  if (over(usage.cost_usd, budget.maxCostUsd)) {
    return `the cost budget is ${strictly ? 'exceeded' : 'used up'}: $${usage.cost_usd.toFixed(4)} spent of $${budget.maxCostUsd.toFixed(4)} allowed (policy budget.max_cost_usd_per_story)`;
  }
  return undefined;
}

/** The assistant's reply as it must be sent back: empty text blocks dropped (the API refuses them). */
function assistantTurn(content: Anthropic.Messages.ContentBlock[]): ContentBlockParam[] {
  return content.flatMap((block): ContentBlockParam[] => {
    if (block.type === 'text') return block.text === '' ? [] : [{ type: 'text', text: block.text }];
    if (block.type === 'tool_use')
      return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
    // Other blocks (e.g. thinking) go back exactly as received, as the API requires.
    return [block as unknown as ContentBlockParam];
  });
}

/** Whether an error is an operating-system error from a file or process operation (it has a `code`). */
// Duck-typed, not instanceof: Node's own errors may come from another realm (e.g. under a test VM).
const isSystemError = (error: unknown): error is NodeJS.ErrnoException =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as NodeJS.ErrnoException).code === 'string' &&
  typeof (error as NodeJS.ErrnoException).message === 'string';

/**
 * Runs the loop. Resolves with the outcome for every model-side problem (errors, limits, bad tool calls);
 * rejects only for a programming error or a workspace root that does not exist.
 */
export async function runAgent(input: AgentRunInput, deps: AgentDeps): Promise<AgentRunResult> {
  const { settings, role } = input;
  // Log lines carry model-chosen text (tool names, paths): control characters are blanked so none can
  // start a new line in the job log, where `::command::` lines are workflow commands.
  const log = (line: string) => deps.log?.(line.replace(/\p{Cc}/gu, ' '));
  const workspace = await openWorkspace(input.workspaceRoot, input.protectedPaths);
  const tools = toolboxForRole(role, {
    maxStories: settings.maxStories,
    ...(input.commands ? { commands: input.commands } : {}),
  });
  const byName = new Map<string, AgentTool>(tools.map((tool) => [tool.name, tool]));
  const terminalNames = tools.filter((tool) => tool.terminal).map((tool) => tool.name);
  const { prefix, report: briefReport } = stablePrefix(
    input.rolePrompt,
    input.brief,
    tools,
    settings.maxUntrustedChars,
  );
  const first = firstMessage(input.task, input.untrusted, settings.maxUntrustedChars);
  const messages: MessageParam[] = [first.message];
  for (const { label, report: removed } of [briefReport, ...first.reports]) {
    const summary = describeReport(removed);
    if (summary) log(`${role}: sanitised ${label}: ${summary}`);
  }
  const { price, pricedAs } = priceOf(settings.model);
  const context: ToolContext = { workspace, filesChanged: new Set() };
  let usage = ZERO_USAGE;
  let turns = 0;
  let requests = 0;
  let toolCalls = 0;
  let toolErrors = 0;
  let badStreak = 0;

  const report = (): RunReport => ({
    role,
    model: settings.model,
    pricedAs,
    turns,
    requests,
    usage,
    cacheHitRatio: cacheHitRatio(usage),
    toolCalls,
    toolErrors,
    filesChanged: [...context.filesChanged].sort(),
    sanitized: [briefReport, ...first.reports],
  });
  const fail = (reason: RunFailureReason, message: string): AgentRunResult => {
    log(`${role}: failed (${reason}): ${message}`);
    return { ...report(), status: 'failed', reason, message };
  };
  const tooManyBadCalls = () =>
    fail(
      'too_many_bad_tool_calls',
      `${badStreak} tool calls in a row were refused or invalid (limit ${settings.maxConsecutiveToolErrors})`,
    );

  /** Runs one tool call; a refusal or failure becomes an error result for the model. */
  const execute = async (
    call: ToolUseBlock,
    alone: boolean,
  ): Promise<
    { kind: 'result'; block: ToolResultBlockParam } | { kind: 'terminal'; result: TerminalResult }
  > => {
    toolCalls++;
    try {
      const tool = byName.get(call.name);
      if (!tool) {
        throw new ToolError(
          'invalid',
          `there is no tool "${call.name}" for the ${role} role; your tools are: ${tools.map((t) => t.name).join(', ')}`,
        );
      }
      if (tool.terminal && !alone) {
        throw new ToolError(
          'invalid',
          `call ${call.name} alone, in a reply of its own, after you have seen the results of your other tool calls`,
        );
      }
      const outcome = await tool.invoke(call.input, context);
      badStreak = 0;
      log(`${role}: ${call.name} ok`);
      if (outcome.kind === 'terminal') return { kind: 'terminal', result: outcome.result };
      return {
        kind: 'result',
        block: { type: 'tool_result', tool_use_id: call.id, content: outcome.content },
      };
    } catch (error) {
      if (!(error instanceof ToolError) && !isSystemError(error)) throw error;
      const kind = error instanceof ToolError ? error.kind : 'failed';
      toolErrors++;
      badStreak++;
      log(`${role}: ${JSON.stringify(call.name.slice(0, 64))} ${kind}: ${error.message.split('\n')[0]}`);
      return {
        kind: 'result',
        block: {
          type: 'tool_result',
          tool_use_id: call.id,
          content: `${kind}: ${error.message}`,
          is_error: true,
        },
      };
    }
  };

  for (let turn = 1; turn <= settings.maxTurns; turn++) {
    const exhausted = budgetProblem(usage, settings.budget, false);
    if (exhausted) return fail('budget_exceeded', exhausted);
    const body = buildRequest(settings.model, settings.maxOutputTokens, prefix, messages);
    const response = await withModelRetries(
      () => {
        requests++;
        return deps.client.messages.create(body, { timeout: settings.requestTimeoutMs });
      },
      settings.retry,
      {
        sleep: deps.sleep,
        random: deps.random,
        now: deps.now,
        onRetry: (attempt, delayMs, message) => {
          log(`${role}: model request attempt ${attempt} failed (${message}); retrying in ${delayMs} ms`);
          deps.onRetry?.(attempt, delayMs, message);
        },
      },
    );
    if (!response.ok) return fail(response.failure.reason, response.failure.message);
    const message = response.value;
    turns++;
    const counts = tokenCounts(message.usage);
    usage = addUsage(usage, { ...counts, cost_usd: costUsd(counts, price) });
    const exceeded = budgetProblem(usage, settings.budget, true);
    if (exceeded) return fail('budget_exceeded', exceeded);
    if (message.stop_reason === 'refusal')
      return fail('model_refused', 'the model refused to continue (stop_reason refusal)');
    if (!HANDLED_STOP_REASONS.has(message.stop_reason ?? '')) {
      return fail(
        'unexpected_stop_reason',
        `the model stopped with stop_reason ${String(message.stop_reason)}`,
      );
    }
    const reply = assistantTurn(message.content);
    if (reply.length > 0) messages.push({ role: 'assistant', content: reply });

    const calls = message.content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
    if (calls.length === 0) {
      badStreak++;
      log(`${role}: reply without a tool call (stop_reason ${message.stop_reason})`);
      if (badStreak >= settings.maxConsecutiveToolErrors) return tooManyBadCalls();
      const cut =
        message.stop_reason === 'max_tokens'
          ? ' Your reply was cut off at the output limit: be shorter.'
          : '';
      messages.push({
        role: 'user',
        content: [
          {
            type: 'text',
            text: `You replied without calling a tool.${cut} Work only through your tools, and end the run by calling ${terminalNames.join(' or ')}.`,
          },
        ],
      });
      continue;
    }

    const results: ToolResultBlockParam[] = [];
    for (const call of calls) {
      const executed = await execute(call, calls.length === 1);
      if (executed.kind === 'result') {
        results.push(executed.block);
        continue;
      }
      // A terminal call is always alone in its reply, so nothing is left unanswered here.
      const terminal = executed.result;
      if (terminal.kind === 'clarification') {
        log(`${role}: needs clarification`);
        return { ...report(), status: 'needs_clarification', questions: terminal.questions };
      }
      log(`${role}: completed (${terminal.kind})`);
      return { ...report(), status: 'completed', result: terminal };
    }
    if (badStreak >= settings.maxConsecutiveToolErrors) return tooManyBadCalls();
    messages.push({ role: 'user', content: results });
  }
  return fail('turn_limit', `no result after ${settings.maxTurns} turns (policy budget.max_turns)`);
}
