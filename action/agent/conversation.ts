/**
 * The requests of a run. Every request starts with the same stable prefix — tools, then the system
 * blocks (role prompt, then the repository brief) with a `cache_control` breakpoint on the last system
 * block — built once per run and sent byte-identical each turn (checklist F 48). Untrusted inputs go only
 * in the first user message, sanitised and fenced (checklist C 24–25). A moving breakpoint on the last
 * block of the two latest user messages lets each turn read the conversation so far from the cache.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { prepareUntrusted } from '../../core/sanitize.js';
import type { SanitizeReport } from '../../core/sanitize.js';
import { apiTool } from './toolbox.js';
import type { ApiTool } from './toolbox.js';
import type { AgentTool } from './tool.js';

type MessageParam = Anthropic.Messages.MessageParam;
type TextBlockParam = Anthropic.Messages.TextBlockParam;
type UserMessageParam = Anthropic.Messages.UserMessageParam;

const EPHEMERAL = { type: 'ephemeral' } as const;

/** The part of every request that never changes during a run. */
export interface StablePrefix {
  system: TextBlockParam[];
  tools: ApiTool[];
}

/**
 * One untrusted input, e.g. `{ label: 'issue #12 body', text }`. The label is written by the stage (it
 * names the input) and shows outside the fence; only `text` may come from untrusted sources.
 */
export interface UntrustedInput {
  label: string;
  text: string;
}

/** What sanitising one input removed, for the log. */
export interface SanitizedInput {
  label: string;
  report: SanitizeReport;
}

/**
 * The stable prefix: the role prompt as the first system block, the brief (repository data: sanitised and
 * fenced) as the second, with the cache breakpoint, and the tools' API definitions in toolbox order.
 */
export function stablePrefix(
  rolePrompt: string,
  brief: string,
  tools: readonly AgentTool[],
  maxChars: number,
): { prefix: StablePrefix; report: SanitizedInput } {
  const { block, report } = prepareUntrusted('repository brief', brief, { maxChars });
  return {
    prefix: {
      system: [
        { type: 'text', text: rolePrompt },
        { type: 'text', text: block, cache_control: EPHEMERAL },
      ],
      tools: tools.map(apiTool),
    },
    report: { label: 'repository brief', report },
  };
}

/**
 * The first user message: the task (trusted text written by the stage, never containing untrusted
 * input), then each untrusted input sanitised (at most `maxChars` each) and fenced in its own block.
 */
export function firstMessage(
  task: string,
  inputs: readonly UntrustedInput[],
  maxChars: number,
): { message: MessageParam; reports: SanitizedInput[] } {
  const reports: SanitizedInput[] = [];
  const blocks: TextBlockParam[] = [{ type: 'text', text: task }];
  for (const input of inputs) {
    const { block, report } = prepareUntrusted(input.label, input.text, { maxChars });
    blocks.push({ type: 'text', text: block });
    reports.push({ label: input.label, report });
  }
  return { message: { role: 'user', content: blocks }, reports };
}

/** `message` with a cache breakpoint on its last block (a copy; the original stays unmarked). */
function markLastBlock(message: UserMessageParam): UserMessageParam {
  if (typeof message.content === 'string') {
    return {
      role: 'user',
      content: [{ type: 'text', text: message.content, cache_control: EPHEMERAL }],
    };
  }
  const blocks = [...message.content];
  const last = blocks.at(-1);
  if (last && 'type' in last && (last.type === 'text' || last.type === 'tool_result')) {
    blocks[blocks.length - 1] = { ...last, cache_control: EPHEMERAL };
  }
  return { role: 'user', content: blocks };
}

/**
 * One request body. Keys in a fixed order (model, max_tokens, system, tools, messages) so that the bytes
 * before `"messages"` are identical on every turn of a run.
 */
export function buildRequest(
  model: string,
  maxTokens: number,
  prefix: StablePrefix,
  messages: readonly MessageParam[],
): Anthropic.Messages.MessageCreateParamsNonStreaming {
  const userIndexes = messages.flatMap((message, index) => (message.role === 'user' ? [index] : []));
  const marked = new Set(userIndexes.slice(-2));
  return {
    model,
    max_tokens: maxTokens,
    system: prefix.system,
    tools: prefix.tools,
    messages: messages.map((message, index) =>
      message.role === 'user' && marked.has(index) ? markLastBlock(message) : message,
    ),
  };
}
