/**
 * An approximate prompt cache, so the fake's usage figures behave like the API's: a prefix (tools, then
 * system, then messages, block by block) up to a `cache_control` breakpoint is written on first sight and
 * read on later requests whose prefix is byte-for-byte the same. As the API does, each breakpoint also
 * finds a hit up to 20 blocks before it. Tokens are estimated at 4 bytes of JSON each; the minimum
 * cacheable length and cache lifetimes are not modelled.
 */
import { createHash } from 'node:crypto';
import { blocksOf, isObject } from './contract.js';
import type { Json } from './contract.js';

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Estimated tokens of a text: 4 UTF-8 bytes each, rounded up. */
export const estimateTokens = (text: string): number => Math.ceil(Buffer.byteLength(text, 'utf8') / 4);

interface Segment {
  /** Hash of the prefix up to and including this block. */
  hash: string;
  /** Tokens of the prefix up to and including this block. */
  tokens: number;
  breakpoint: boolean;
}

/** The request as a chain of blocks in cache order; `cache_control` itself is not part of the content. */
function segments(body: Json): Segment[] {
  const parts: { text: string; breakpoint: boolean }[] = [];
  const add = (value: Json, context: Json = {}) => {
    const { cache_control, ...rest } = value;
    parts.push({ text: JSON.stringify({ ...context, ...rest }), breakpoint: Boolean(cache_control) });
  };
  for (const tool of Array.isArray(body.tools) ? body.tools : []) if (isObject(tool)) add(tool);
  for (const block of blocksOf(body.system)) add(block, { in: 'system' });
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (isObject(message)) for (const block of blocksOf(message.content)) add(block, { role: message.role });
  }
  let hash = '';
  let tokens = 0;
  return parts.map(({ text, breakpoint }) => {
    hash = createHash('sha256').update(hash).update(text).digest('hex');
    tokens += estimateTokens(text);
    return { hash, tokens, breakpoint };
  });
}

const LOOKBACK_BLOCKS = 20;

export class PromptCacheSimulator {
  private readonly written = new Set<string>();

  /** The input side of a request's usage; records the prefixes this request writes to the cache. */
  usageFor(body: unknown): CacheUsage {
    if (!isObject(body))
      return { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const chain = segments(body);
    const total = chain.at(-1)?.tokens ?? 0;
    const breakpoints = chain.flatMap((segment, index) => (segment.breakpoint ? [index] : []));
    let hit = -1;
    for (const at of breakpoints) {
      for (let index = at; index >= Math.max(0, at - LOOKBACK_BLOCKS); index--) {
        if (this.written.has(chain[index]!.hash)) {
          hit = Math.max(hit, index);
          break;
        }
      }
    }
    const read = hit >= 0 ? chain[hit]!.tokens : 0;
    const lastBreakpoint = breakpoints.at(-1) ?? -1;
    const created = lastBreakpoint > hit ? chain[lastBreakpoint]!.tokens - read : 0;
    for (const at of breakpoints) this.written.add(chain[at]!.hash);
    return {
      input_tokens: total - read - created,
      cache_creation_input_tokens: created,
      cache_read_input_tokens: read,
    };
  }
}
