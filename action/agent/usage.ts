/**
 * Token usage and its cost: per-model prices (US dollars per million tokens, cache writes and reads
 * priced apart), the running total of a run, and the share of input served from the prompt cache.
 *
 * The usage shape is core/results.ts UsageFields, so a run's usage goes into a result document as is.
 */
import type { UsageFields } from '../../core/results.js';

export interface ModelPrice {
  /** Input tokens not read from the cache. */
  input: number;
  output: number;
  /** Input tokens written to the cache (5-minute lifetime: 1.25 × input). */
  cacheWrite: number;
  /** Input tokens read from the cache (0.1 × input). */
  cacheRead: number;
}

const price = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead: input * 0.1,
});

/**
 * List prices in US dollars per million tokens, by model id prefix (a dated id such as
 * `claude-sonnet-4-5-20250929` takes the price of its longest listed prefix).
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4-1': price(15, 75),
  'claude-opus-4': price(15, 75),
  'claude-sonnet-4-5': price(3, 15),
  'claude-sonnet-4': price(3, 15),
  'claude-3-7-sonnet': price(3, 15),
  'claude-haiku-4-5': price(1, 5),
  'claude-3-5-haiku': price(0.8, 4),
};

/**
 * The price of `model` and the table entry it was priced as. A model the table does not know is priced as
 * the most expensive entry, so the cost budget errs on the side of stopping early, never of overspending.
 */
export function priceOf(
  model: string,
  table: Readonly<Record<string, ModelPrice>> = MODEL_PRICES,
): {
  price: ModelPrice;
  pricedAs: string;
} {
  const known = Object.keys(table)
    .filter((key) => model === key || model.startsWith(`${key}-`))
    .sort((a, b) => b.length - a.length)[0];
  const pricedAs =
    known ??
    Object.keys(table).sort(
      (a, b) => table[b]!.input + table[b]!.output - (table[a]!.input + table[a]!.output),
    )[0];
  if (pricedAs === undefined) throw new Error('the model price table is empty');
  return { price: table[pricedAs]!, pricedAs };
}

export type TokenCounts = Omit<UsageFields, 'cost_usd'>;

export const ZERO_USAGE: UsageFields = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
  cost_usd: 0,
});

/** The API's usage object (cache fields may be null or missing) as token counts. */
export function tokenCounts(usage: {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}): TokenCounts {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
  };
}

/** What `counts` cost at `price`, in US dollars. */
export function costUsd(counts: TokenCounts, price: ModelPrice): number {
  return (
    (counts.input_tokens * price.input +
      counts.output_tokens * price.output +
      counts.cache_creation_input_tokens * price.cacheWrite +
      counts.cache_read_input_tokens * price.cacheRead) /
    1_000_000
  );
}

/** The sum of two usages; cost rounded to a millionth of a dollar so sums do not drift in the last digits. */
export function addUsage(a: UsageFields, b: UsageFields): UsageFields {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
    cost_usd: Math.round((a.cost_usd + b.cost_usd) * 1_000_000) / 1_000_000,
  };
}

/** Every token billed: input, output, cache writes and cache reads. */
export const totalTokens = (usage: TokenCounts): number =>
  usage.input_tokens +
  usage.output_tokens +
  usage.cache_read_input_tokens +
  usage.cache_creation_input_tokens;

/** The share of input tokens read from the prompt cache, 0 to 1 (0 when there was no input). */
export function cacheHitRatio(usage: TokenCounts): number {
  const input = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return input === 0 ? 0 : usage.cache_read_input_tokens / input;
}
