import { describe, expect, it } from '@jest/globals';
import { createModelClient } from '../../../action/agent/client.js';
import { agentSettings, commandAllowList } from '../../../action/agent/settings.js';
import {
  MODEL_PRICES,
  ZERO_USAGE,
  addUsage,
  cacheHitRatio,
  costUsd,
  priceOf,
  tokenCounts,
  totalTokens,
} from '../../../action/agent/usage.js';
import { defaultPolicy, resolvePolicy } from '../../../core/policy.js';

describe('priceOf', () => {
  it('prices a model by its longest listed prefix', () => {
    expect(priceOf('claude-sonnet-4-5')).toEqual({
      price: MODEL_PRICES['claude-sonnet-4-5'],
      pricedAs: 'claude-sonnet-4-5',
    });
    expect(priceOf('claude-sonnet-4-5-20250929').pricedAs).toBe('claude-sonnet-4-5');
    expect(priceOf('claude-opus-4-5-20251101').price.input).toBe(5);
    expect(priceOf('claude-opus-4-20250514').price.input).toBe(15);
    expect(priceOf('claude-haiku-4-5').price).toEqual({
      input: 1,
      output: 5,
      cacheWrite: 1.25,
      cacheRead: 0.1,
    });
  });

  it('prices an unknown model as the most expensive entry, so the budget errs towards stopping', () => {
    expect(priceOf('some-future-model')).toEqual({
      price: MODEL_PRICES['claude-opus-4-1'],
      pricedAs: 'claude-opus-4-1',
    });
    expect(priceOf('claude-sonnet-45').pricedAs).toBe('claude-opus-4-1');
  });
});

describe('usage arithmetic', () => {
  const counts = {
    input_tokens: 1000,
    output_tokens: 200,
    cache_creation_input_tokens: 400,
    cache_read_input_tokens: 3000,
  };

  it('prices cache writes and reads apart', () => {
    // (1000 × 3 + 200 × 15 + 400 × 3.75 + 3000 × 0.3) / 1e6
    expect(costUsd(counts, MODEL_PRICES['claude-sonnet-4-5']!)).toBeCloseTo(0.0084, 12);
  });

  it('reads null cache fields as zero', () => {
    expect(
      tokenCounts({
        input_tokens: 5,
        output_tokens: 6,
        cache_read_input_tokens: null,
        cache_creation_input_tokens: null,
      }),
    ).toEqual({
      input_tokens: 5,
      output_tokens: 6,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
  });

  it('adds usages, counts every token and computes the cache hit ratio', () => {
    const once = { ...counts, cost_usd: 0.1 };
    const sum = addUsage(addUsage(ZERO_USAGE, once), { ...once, cost_usd: 0.2 });
    expect(sum).toEqual({
      input_tokens: 2000,
      output_tokens: 400,
      cache_creation_input_tokens: 800,
      cache_read_input_tokens: 6000,
      cost_usd: 0.3,
    });
    expect(totalTokens(sum)).toBe(9200);
    expect(cacheHitRatio(sum)).toBeCloseTo(6000 / 8800, 12);
    expect(cacheHitRatio(ZERO_USAGE)).toBe(0);
  });
});

describe('agentSettings', () => {
  it('takes the model, turns, retries and story limits from the policy', () => {
    const policy = defaultPolicy();
    const settings = agentSettings(policy, 'security', ZERO_USAGE);
    expect(settings).toMatchObject({
      model: policy.models.security,
      maxTurns: policy.budget.max_turns,
      budget: {
        maxTokens: policy.budget.max_tokens_per_story,
        maxCostUsd: policy.budget.max_cost_usd_per_story,
      },
      retry: {
        maxRetries: policy.retries.model_requests,
        maxRetryAfterMs: policy.retries.max_retry_after_seconds * 1000,
      },
      maxStories: policy.plan.max_stories,
    });
    expect(agentSettings(policy, 'story-alignment', ZERO_USAGE).model).toBe(policy.models['story-alignment']);
  });

  it('leaves the story the budget earlier runs did not spend, never below zero', () => {
    const resolved = resolvePolicy({ budget: { max_tokens_per_story: 10_000, max_cost_usd_per_story: 1 } });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors));
    const spent = {
      input_tokens: 3000,
      output_tokens: 1000,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: 0.25,
    };
    expect(agentSettings(resolved.policy, 'developer', spent).budget).toEqual({
      maxTokens: 6000,
      maxCostUsd: 0.75,
    });
    const overspent = { ...spent, input_tokens: 50_000, cost_usd: 2 };
    expect(agentSettings(resolved.policy, 'developer', overspent).budget).toEqual({
      maxTokens: 0,
      maxCostUsd: 0,
    });
  });

  it('allows the detected commands and the policy ones, without repeats', () => {
    const resolved = resolvePolicy({
      implement: { allowed_commands: ['make check', 'npm test'], command_timeout_minutes: 3 },
    });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors));
    expect(commandAllowList(resolved.policy, ['npm test', 'npm run lint'])).toEqual({
      allowedCommands: ['npm test', 'npm run lint', 'make check'],
      timeoutMs: 180_000,
    });
  });
});

describe('createModelClient', () => {
  it('needs the model key', () => {
    expect(() => createModelClient({})).toThrow('ANTHROPIC_API_KEY is not set');
  });

  it('takes the base URL from ANTHROPIC_BASE_URL and turns the SDK retries off', () => {
    const client = createModelClient({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
    expect(client.baseURL).toBe('http://127.0.0.1:9');
    expect(client.maxRetries).toBe(0);
    expect(createModelClient({ ANTHROPIC_API_KEY: 'k' }).baseURL).toBe('https://api.anthropic.com');
  });
});
