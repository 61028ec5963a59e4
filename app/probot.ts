/**
 * The app's Probot instance, built from the checked configuration. Octokit keeps Probot's retry and
 * throttling on, with the rate-limit waits bounded (see boundedProbotOctokit).
 */
import { createProbot, ProbotOctokit } from 'probot';
import type { Logger, Options, Probot } from 'probot';
import { defaultPolicy } from '../core/policy.js';
import type { AppConfig } from './config.js';
import { boundedRateLimitHandlers } from './github/index.js';
import { scopeLogs } from './logging/pino.js';
import type { AppMetrics } from './metrics/metrics.js';
import { instrumentOctokit } from './metrics/octokit.js';

/**
 * Probot's own logging variables, passed through as Probot reads them. Other Probot variables are not:
 * the checked configuration supersedes them, and `REDIS_URL` and `SENTRY_DSN` would make Probot fetch
 * packages (ioredis, @sentry/node) with npx at run time.
 */
const LOGGING_VARIABLES = ['LOG_FORMAT', 'LOG_LEVEL_IN_STRING', 'LOG_MESSAGE_KEY'] as const;

export interface ProbotOptions {
  /** The environment, for Probot's logging variables (see {@link LOGGING_VARIABLES}). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The Octokit class installation clients are made from; default Probot's (retry and throttling on).
   * Tests pass `ProbotOctokit.defaults(...)` to shorten retries.
   */
  Octokit?: typeof ProbotOctokit;
  /** Counts every GitHub API call and rate limit of the app's clients. */
  metrics?: AppMetrics;
  /** Where the app logs; default Probot's logger (stdout, formatted by LOG_FORMAT). */
  log?: Logger;
}

/**
 * Probot's Octokit with its rate-limit waits bounded by the default policy (`retries.github_requests`,
 * `retries.max_retry_after_seconds`): Probot's own handlers retry a primary limit after however long GitHub
 * says, up to an hour. A defaults function, not an object: Probot passes a `throttle` of its own to every
 * client, which would replace an object default wholesale; merged here, the bounds win.
 */
export function boundedProbotOctokit(): typeof ProbotOctokit {
  const { retries } = defaultPolicy();
  const handlers = boundedRateLimitHandlers({
    maxRetries: retries.github_requests,
    maxRetryAfterSeconds: retries.max_retry_after_seconds,
  });
  return ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
    ...instance,
    throttle: { ...(instance.throttle as object | undefined), ...handlers },
  }));
}

/** Creates the Probot instance for `config` and waits until it is ready (logger and Octokit set up). */
export async function createAppProbot(config: AppConfig, options: ProbotOptions): Promise<Probot> {
  const env: Record<string, string> = {};
  for (const name of LOGGING_VARIABLES) {
    const value = options.env[name];
    if (value !== undefined) env[name] = value;
  }
  const base = options.Octokit ?? boundedProbotOctokit();
  const Octokit = options.metrics === undefined ? base : instrumentOctokit(base, options.metrics);
  const overrides: Options = {
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.baseUrl,
    // Probot's type lacks pino's 'silent', which its logger (pino) accepts.
    logLevel: config.logLevel as Options['logLevel'],
    ...(Octokit === undefined ? {} : { Octokit }),
    ...(options.log === undefined ? {} : { log: options.log }),
  };
  const probot = await createProbot({ env, overrides }).ready();
  // Every line then names the delivery, item and run it was written for (app/logging/scope.ts).
  scopeLogs(probot.log);
  return probot;
}
