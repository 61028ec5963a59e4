/**
 * Measuring every GitHub API call the app makes: an Octokit plugin that wraps `request` (outermost, so one
 * call counts once, with its final status and its whole time, retries and waits included), and the
 * throttling plugin's rate-limit handlers wrapped to count each rate limit and the wait it costs.
 */
import type { ProbotOctokit } from 'probot';
import { statusOf } from '../github/errors.js';
import type { AppMetrics } from './metrics.js';

type OctokitClass = typeof ProbotOctokit;

/** The throttling plugin's handler: whether to retry after `retryAfter` seconds (may be async). */
type RateLimitHandler = (
  retryAfter: number,
  options: unknown,
  octokit: unknown,
  retryCount: number,
) => unknown;

const MEASURED = Symbol('ai-orchestrator.measured');

/**
 * The route label of a request: the path template Octokit was called with (`/repos/{owner}/{repo}/issues`),
 * without its query. Pagination's follow-up requests use GitHub's absolute `Link` addresses, which name
 * concrete repositories; they are labelled `(next page)` so no repository name becomes a label.
 */
export function routeOf(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return '(next page)';
  const path = url.split('?')[0] ?? url;
  return path
    .split('/')
    .map((segment) => (/^\d+$/.test(segment) ? '{id}' : segment))
    .join('/');
}

function measured(kind: 'primary' | 'secondary', handler: unknown, metrics: AppMetrics): unknown {
  if (typeof handler !== 'function' || (handler as { [MEASURED]?: true })[MEASURED] === true) return handler;
  const inner = handler as RateLimitHandler;
  const count = (retryAfter: number, decision: unknown): void => {
    const wait = Boolean(decision);
    metrics.rateLimits.inc({ kind, decision: wait ? 'wait' : 'give_up' });
    if (wait && Number.isFinite(retryAfter) && retryAfter > 0)
      metrics.rateLimitWait.inc({ kind }, retryAfter);
  };
  const wrapped: RateLimitHandler = (retryAfter, options, octokit, retryCount) => {
    const decision = inner(retryAfter, options, octokit, retryCount);
    if (decision instanceof Promise)
      return decision.then((value: unknown) => {
        count(retryAfter, value);
        return value;
      });
    count(retryAfter, decision);
    return decision;
  };
  return Object.assign(wrapped, { [MEASURED]: true as const });
}

/** The throttle options with their handlers measured (already measured ones are left as they are). */
function measuredThrottle(throttle: unknown, metrics: AppMetrics): unknown {
  if (typeof throttle !== 'object' || throttle === null) return throttle;
  const options = throttle as Record<string, unknown>;
  return {
    ...options,
    onRateLimit: measured('primary', options.onRateLimit, metrics),
    onSecondaryRateLimit: measured('secondary', options.onSecondaryRateLimit, metrics),
  };
}

/** `Base` with every request and rate limit counted in `metrics`. */
export function instrumentOctokit(Base: OctokitClass, metrics: AppMetrics): OctokitClass {
  const Plugged = Base.plugin((octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      const started = performance.now();
      const method = options.method;
      let status = 0;
      try {
        const response = await request(options);
        status = response.status;
        return response;
      } catch (error) {
        status = statusOf(error) ?? 0;
        throw error;
      } finally {
        metrics.githubRequests.inc({ method, route: routeOf(options.url), status: String(status) });
        metrics.githubRequestDuration.observe({ method }, (performance.now() - started) / 1000);
      }
    });
    return {};
  }) as unknown as OctokitClass;
  return Plugged.defaults((instance: Record<string, unknown>) => ({
    ...instance,
    throttle: measuredThrottle(instance.throttle, metrics),
  })) as OctokitClass;
}
