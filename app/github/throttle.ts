/**
 * Bounded rate-limit handling for Probot's Octokit (`ProbotOctokit.defaults({ throttle })`). Probot's own
 * handlers retry every rate limit forever; these retry at most `maxRetries` times and never wait longer
 * than `maxRetryAfterSeconds` (policy `retries.github_requests`, `retries.max_retry_after_seconds`), then
 * let the 403/429 surface as an error the caller reports (checklist 36, 37).
 */

export interface RateLimitBounds {
  /** Retries of one request after a primary or secondary rate limit. */
  maxRetries: number;
  /** A wait longer than this fails the request instead. */
  maxRetryAfterSeconds: number;
  /** Told about each decision, for logs; optional. */
  onDecision?: (decision: RateLimitDecision) => void;
}

export interface RateLimitDecision {
  kind: 'primary' | 'secondary';
  method: string;
  url: string;
  retryAfterSeconds: number;
  retryCount: number;
  retry: boolean;
}

type Handler = (
  retryAfter: number,
  options: { method?: string; url?: string },
  octokit: unknown,
  retryCount: number,
) => boolean;

/** The `onRateLimit` and `onSecondaryRateLimit` handlers of @octokit/plugin-throttling, bounded. */
export function boundedRateLimitHandlers(bounds: RateLimitBounds): {
  onRateLimit: Handler;
  onSecondaryRateLimit: Handler;
} {
  const decide =
    (kind: RateLimitDecision['kind']): Handler =>
    (retryAfter, options, _octokit, retryCount) => {
      const retry = retryCount < bounds.maxRetries && retryAfter <= bounds.maxRetryAfterSeconds;
      bounds.onDecision?.({
        kind,
        method: options.method ?? 'GET',
        url: options.url ?? '',
        retryAfterSeconds: retryAfter,
        retryCount,
        retry,
      });
      return retry;
    };
  return { onRateLimit: decide('primary'), onSecondaryRateLimit: decide('secondary') };
}
