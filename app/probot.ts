/**
 * The app's Probot instance, built from the checked configuration. Octokit keeps Probot's defaults: retry
 * and throttling on.
 */
import { createProbot } from 'probot';
import type { Options, Probot, ProbotOctokit } from 'probot';
import type { AppConfig } from './config.js';

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
}

/** Creates the Probot instance for `config` and waits until it is ready (logger and Octokit set up). */
export async function createAppProbot(config: AppConfig, options: ProbotOptions): Promise<Probot> {
  const env: Record<string, string> = {};
  for (const name of LOGGING_VARIABLES) {
    const value = options.env[name];
    if (value !== undefined) env[name] = value;
  }
  const overrides: Options = {
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.baseUrl,
    // Probot's type lacks pino's 'silent', which its logger (pino) accepts.
    logLevel: config.logLevel as Options['logLevel'],
    ...(options.Octokit === undefined ? {} : { Octokit: options.Octokit }),
  };
  const probot = createProbot({ env, overrides });
  return probot.ready();
}
