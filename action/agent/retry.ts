/**
 * Bounded retries of model requests (checklist F 42–47). The SDK's own retries are off (maxRetries 0)
 * because it waits for any retry-after however long and retries a spend-limit 429; this module decides
 * instead:
 *
 * - retried, with exponential backoff and jitter: 408, 409, 429, 5xx (529 overloaded included), connection
 *   errors and timeouts, a response body that is not JSON, and any status marked `x-should-retry: true`;
 * - never retried: a 429 whose `error.details.error_code` is `enforced_spend_limit_reached`, a response
 *   marked `x-should-retry: false`, and every other 4xx (400, 401, 403, 404, 413, 422, …);
 * - `retry-after-ms` / `retry-after` (seconds or an HTTP date) is waited exactly, when within the policy's
 *   `max_retry_after_seconds`; a longer one fails at once instead of blocking the job.
 */
import { APIConnectionError, APIError, APIUserAbortError, AnthropicError } from '@anthropic-ai/sdk';

export interface RetrySettings {
  /** Retries after the first attempt (policy retries.model_requests). */
  maxRetries: number;
  /** Longest retry-after honoured; longer fails the request (policy retries.max_retry_after_seconds). */
  maxRetryAfterMs: number;
  /** Backoff before the first retry; doubles with each further one. */
  baseDelayMs: number;
  /** Cap of one backoff. */
  maxDelayMs: number;
}

/** Why model requests failed for good. */
export type ModelFailureReason = 'spend_limit' | 'model_unavailable' | 'model_request_rejected';

export interface ModelFailure {
  reason: ModelFailureReason;
  message: string;
  /** The HTTP status of the last response, when there was one. */
  status?: number;
}

/** What to do after one failed attempt. */
export type ErrorDecision =
  { retry: true; retryAfterMs?: number; message: string } | { retry: false; failure: ModelFailure };

/** The server's requested wait in milliseconds, from `retry-after-ms` or `retry-after`, if any. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  const millis = headers?.get('retry-after-ms');
  if (millis && Number.isFinite(Number(millis))) return Math.max(0, Number(millis));
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `529 overloaded_error Overloaded`; without a readable body, the SDK's message (it starts with the status). */
const describe = (error: APIError) =>
  error.apiMessage === null
    ? error.message
    : `${error.status ?? 'no status'} ${error.type ?? ''} ${error.apiMessage}`.replace(/\s+/g, ' ').trim();

/** Whether `error` is an error object of that name, whatever realm (global scope) created it. */
const isNamedError = (error: unknown, name: string): error is Error =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

/**
 * Classifies one error thrown by the SDK. Other errors (programming errors) are thrown on, never disguised
 * as a model failure; the one exception is a SyntaxError, which is how an unparseable response surfaces.
 */
export function classifyModelError(error: unknown, settings: RetrySettings, now: number): ErrorDecision {
  if (error instanceof APIUserAbortError) {
    return {
      retry: false,
      failure: { reason: 'model_request_rejected', message: 'the request was aborted' },
    };
  }
  if (error instanceof APIConnectionError) {
    return { retry: true, message: `connection failed: ${error.message}` };
  }
  // The SDK parses the response body itself; a body cut off in transit surfaces as a SyntaxError. It is
  // matched by name: fetch's JSON parser may throw it from another realm, where instanceof fails.
  if (isNamedError(error, 'SyntaxError'))
    return { retry: true, message: `unreadable response: ${error.message}` };
  if (!(error instanceof APIError)) {
    if (error instanceof AnthropicError) {
      return { retry: false, failure: { reason: 'model_request_rejected', message: error.message } };
    }
    throw error;
  }
  const status = error.status ?? 0;
  const message = describe(error);
  if (error.errorCode === 'enforced_spend_limit_reached') {
    return {
      retry: false,
      failure: {
        reason: 'spend_limit',
        status,
        message: `the API spend limit is reached (${message}); not retried`,
      },
    };
  }
  const serverSays = error.headers?.get('x-should-retry');
  const retryable =
    serverSays === 'true' ||
    (serverSays !== 'false' && (status === 408 || status === 409 || status === 429 || status >= 500));
  if (!retryable) {
    const reason = status === 429 || status >= 500 ? 'model_unavailable' : 'model_request_rejected';
    const why = serverSays === 'false' ? 'the server said not to retry' : 'not retryable';
    return { retry: false, failure: { reason, status, message: `${message} (${why})` } };
  }
  const wait = retryAfterMs(error.headers, now);
  if (wait !== undefined && wait > settings.maxRetryAfterMs) {
    return {
      retry: false,
      failure: {
        reason: 'model_unavailable',
        status,
        message: `${message}; the API asked to wait ${Math.ceil(wait / 1000)} s, more than the ${Math.floor(settings.maxRetryAfterMs / 1000)} s the policy allows (retries.max_retry_after_seconds)`,
      },
    };
  }
  return wait === undefined ? { retry: true, message } : { retry: true, retryAfterMs: wait, message };
}

/** The backoff before retry number `retry` (0-based): base × 2^retry capped, then between half and all of it. */
export function backoffMs(retry: number, settings: RetrySettings, random: () => number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryDeps {
  /** Waits `ms` milliseconds (tests record the request instead of waiting). */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1) for jitter. */
  random(): number;
  /** Milliseconds since the epoch, for retry-after dates. */
  now(): number;
  /** Told about each retry before its wait, for the log. */
  onRetry?(attempt: number, delayMs: number, message: string): void;
}

export type RetryResult<T> =
  { ok: true; value: T; attempts: number } | { ok: false; failure: ModelFailure; attempts: number };

/**
 * Calls `attempt` until it succeeds, a failure is final, or `settings.maxRetries` retries are spent (the
 * result then says `model_unavailable` with the last error). Resolves, never rejects, for SDK errors.
 */
export async function withModelRetries<T>(
  attempt: () => Promise<T>,
  settings: RetrySettings,
  deps: RetryDeps,
): Promise<RetryResult<T>> {
  for (let attempts = 1; ; attempts++) {
    try {
      return { ok: true, value: await attempt(), attempts };
    } catch (error) {
      const decision = classifyModelError(error, settings, deps.now());
      if (!decision.retry) return { ok: false, failure: decision.failure, attempts };
      const retry = attempts - 1;
      if (retry >= settings.maxRetries) {
        const status = error instanceof APIError ? error.status : undefined;
        return {
          ok: false,
          attempts,
          failure: {
            reason: 'model_unavailable',
            ...(status === undefined ? {} : { status }),
            message: `gave up after ${attempts} attempt(s): ${decision.message}`,
          },
        };
      }
      const delay = decision.retryAfterMs ?? backoffMs(retry, settings, deps.random);
      deps.onRetry?.(attempts, delay, decision.message);
      await deps.sleep(delay);
    }
  }
}
