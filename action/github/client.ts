/**
 * The GitHub client of a stage: Octokit's REST API on `GITHUB_API_URL` (any GitHub, Enterprise Server's
 * `/api/v3` included) with the job's token, and plugin-retry for 5xx and rate-limit answers. Writes that
 * must happen once look up what they may already have created (a POST can be stored and still answer 502),
 * so the retries can't duplicate them: see pulls.ts, checks.ts and comments.ts.
 */
import { retry } from '@octokit/plugin-retry';
import { Octokit } from '@octokit/rest';

/** The client every stage module takes: Octokit with the REST methods and pagination. */
export type GitHubClient = Octokit;

export interface GitHubClientOptions {
  /** An installation token (or the workflow's token for read-only stages); never logged. */
  token: string;
  /** e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  baseUrl: string;
  /** Retries of a request answered with a 5xx or a rate limit (policy `retries.github_requests`). */
  retries: number;
  /** Where Octokit's own warnings go (deprecations, retries); never request bodies. */
  log?(line: string): void;
}

const RetryingOctokit = Octokit.plugin(retry);

/** Creates the client. Throws when the token is empty: every stage needs the API. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  if (options.token.trim() === '')
    throw new Error('no GitHub token: set the github-token input (or GITHUB_TOKEN)');
  const log = options.log ?? (() => undefined);
  return new RetryingOctokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: 'ai-orchestrator-action',
    // `retry`, not `request.retries`: a per-request default would make plugin-retry's limiter retry every
    // failure, 404s included; `request: { retries: 0 }` on one request still switches it off there.
    retry: { retries: options.retries },
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
  });
}

/** The HTTP status of an Octokit request error, or undefined for any other error. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
