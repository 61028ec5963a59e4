import { describe, expect, it } from '@jest/globals';
import { APIConnectionError, APIError, AnthropicError } from '@anthropic-ai/sdk';
import {
  backoffMs,
  classifyModelError,
  retryAfterMs,
  withModelRetries,
} from '../../../action/agent/retry.js';
import type { RetrySettings } from '../../../action/agent/retry.js';

const settings: RetrySettings = {
  maxRetries: 3,
  maxRetryAfterMs: 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
};
const NOW = Date.parse('2030-01-01T00:00:00Z');

/** An SDK error as the client builds it from a response. */
const apiError = (status: number, headers: Record<string, string> = {}, body: unknown = {}) =>
  APIError.generate(status, body as object, undefined, new Headers(headers));

describe('retryAfterMs', () => {
  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), NOW)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), NOW)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }), NOW)).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(NOW + 7000).toUTCString() }), NOW)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterMs(new Headers(), NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});

describe('classifyModelError', () => {
  it('retries rate limits, overload, server errors, timeouts and connection errors', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 529]) {
      expect(classifyModelError(apiError(status), settings, NOW).retry).toBe(true);
    }
    expect(classifyModelError(new APIConnectionError({ message: 'reset' }), settings, NOW)).toEqual({
      retry: true,
      message: 'connection failed: reset',
    });
  });

  it('never retries the spend limit, other 4xx, or x-should-retry: false', () => {
    const spend = apiError(
      429,
      {},
      {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'limit',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
      },
    );
    expect(classifyModelError(spend, settings, NOW)).toMatchObject({
      retry: false,
      failure: { reason: 'spend_limit' },
    });
    for (const status of [400, 401, 403, 404, 413, 422]) {
      expect(classifyModelError(apiError(status), settings, NOW)).toMatchObject({
        retry: false,
        failure: { reason: 'model_request_rejected', status },
      });
    }
    expect(classifyModelError(apiError(503, { 'x-should-retry': 'false' }), settings, NOW)).toMatchObject({
      retry: false,
      failure: { reason: 'model_unavailable', status: 503 },
    });
    expect(classifyModelError(apiError(400, { 'x-should-retry': 'true' }), settings, NOW).retry).toBe(true);
  });

  it('fails at once when retry-after exceeds the cap', () => {
    expect(classifyModelError(apiError(429, { 'retry-after': '60' }), settings, NOW)).toMatchObject({
      retry: true,
      retryAfterMs: 60_000,
    });
    expect(classifyModelError(apiError(529, { 'retry-after': '61' }), settings, NOW)).toMatchObject({
      retry: false,
      failure: { reason: 'model_unavailable', status: 529 },
    });
  });

  it('turns other SDK errors into a rejection and throws programming errors on', () => {
    expect(classifyModelError(new AnthropicError('bad option'), settings, NOW)).toEqual({
      retry: false,
      failure: { reason: 'model_request_rejected', message: 'bad option' },
    });
    expect(() => classifyModelError(new TypeError('x is undefined'), settings, NOW)).toThrow(TypeError);
  });
});

describe('backoffMs', () => {
  it('doubles from the base up to the cap, jittered between half and all of it', () => {
    expect([0, 1, 2, 3, 4].map((retry) => backoffMs(retry, settings, () => 0))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect([0, 1, 2, 3, 4].map((retry) => backoffMs(retry, settings, () => 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
  });
});

describe('withModelRetries', () => {
  const deps = (sleeps: number[]) => ({
    sleep: async (ms: number) => void sleeps.push(ms),
    random: () => 0,
    now: () => NOW,
  });

  it('stops after maxRetries retries, with the attempts counted', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withModelRetries(
      async () => {
        calls++;
        throw apiError(529);
      },
      settings,
      deps(sleeps),
    );
    expect(result).toEqual({
      ok: false,
      attempts: 4,
      failure: { reason: 'model_unavailable', status: 529, message: 'gave up after 4 attempt(s): 529 {}' },
    });
    expect(calls).toBe(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('waits a retry-after instead of the backoff, and returns the value', async () => {
    const sleeps: number[] = [];
    const answers = [apiError(429, { 'retry-after': '3' })];
    const result = await withModelRetries(
      async () => {
        const next = answers.shift();
        if (next) throw next;
        return 'ok';
      },
      settings,
      deps(sleeps),
    );
    expect(result).toEqual({ ok: true, value: 'ok', attempts: 2 });
    expect(sleeps).toEqual([3000]);
  });

  it('makes no retry at all with maxRetries 0', async () => {
    const sleeps: number[] = [];
    const result = await withModelRetries(
      async () => {
        throw apiError(500);
      },
      { ...settings, maxRetries: 0 },
      deps(sleeps),
    );
    expect(result.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });
});
