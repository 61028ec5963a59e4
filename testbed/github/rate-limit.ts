/**
 * GitHub's primary rate limit, counted per credential per hour, with the `x-ratelimit-*` headers on every
 * answer (Octokit's throttling plugin reads them). Past the limit, requests get GitHub's 403.
 */
import type { Caller } from './auth.js';
import { GitHubError } from './errors.js';

const WINDOW_MS = 60 * 60 * 1000;

interface Window {
  startedAt: number;
  used: number;
}

/** The headers of one answer. */
export type RateLimitHeaders = Record<string, string>;

/** Per-credential request counters. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  /** @param limit requests per hour per credential (GitHub: 5,000 for installations and users). */
  constructor(private readonly limit: number) {}

  /**
   * Counts one request of `caller` at `now` and returns its headers. Throws a 403 GitHubError (with the
   * headers) when the caller has used up its hour. Anonymous callers share one counter, as per IP.
   */
  consume(caller: Caller, now: Date): RateLimitHeaders {
    const key = keyOf(caller);
    let window = this.windows.get(key);
    if (window === undefined || now.getTime() - window.startedAt >= WINDOW_MS) {
      window = { startedAt: now.getTime(), used: 0 };
      this.windows.set(key, window);
    }
    const headers = (used: number): RateLimitHeaders => ({
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(this.limit - used, 0)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(Math.ceil((window.startedAt + WINDOW_MS) / 1000)),
      'x-ratelimit-resource': 'core',
    });
    if (window.used >= this.limit) {
      throw new GitHubError(
        403,
        'API rate limit exceeded.',
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
        { headers: headers(window.used) },
      );
    }
    window.used += 1;
    return headers(window.used);
  }

  /** Forgets every counter. */
  clear(): void {
    this.windows.clear();
  }
}

function keyOf(caller: Caller): string {
  switch (caller.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'app':
      return `app:${caller.app.id}`;
    case 'installation':
      return `installation:${caller.installation.id}`;
    case 'user':
      return `user:${caller.account.id}`;
  }
}
