/**
 * The offline GitHub: a `node:http` server on 127.0.0.1 that answers GitHub's REST API from an in-memory
 * state, validates every request against GitHub's OpenAPI description, records every request, sends
 * signed webhooks, and lets tests inject faults. Point Octokit at `url` (`baseUrl`), or at
 * `enterpriseUrl` for GitHub Enterprise style (`/api/v3`).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorAnswer, writeAnswer } from './answer.js';
import type { Answer } from './answer.js';
import { Downloads, DOWNLOAD_PREFIX } from './downloads.js';
import { DEFAULT_DOCUMENTATION_URL, GitHubError } from './errors.js';
import { Faults } from './faults.js';
import { GitHttp } from './git/http.js';
import type { ArmedFault, FaultSpec } from './faults.js';
import { GitHubOpenApi } from './openapi.js';
import { ApiPipeline } from './pipeline.js';
import type { RequestFacts } from './pipeline.js';
import { RateLimiter } from './rate-limit.js';
import { RequestLog } from './recorder.js';
import { GitHubState } from './state.js';
import { Urls } from './views/context.js';
import type { ViewContext } from './views/context.js';
import { WebhookSender } from './webhooks.js';

/** Options of {@link startGitHub}. */
export interface GitHubTestbedOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The fake's clock (token expiry, timestamps, JWT checks); default the real one. */
  clock?: () => Date;
  /** Send webhooks as state changes (default true); false holds them for the test to send. */
  autoDeliver?: boolean;
  /**
   * Check every successful answer and every automatic webhook against GitHub's description (default
   * true). A mismatch is a testbed bug and answers 500, loudly.
   */
  checkResponses?: boolean;
  /** Requests per hour per credential before GitHub's 403 (default 5,000, GitHub's limit). */
  rateLimit?: number;
  /** Largest request body accepted, in bytes (default 25 MB). */
  maxBodyBytes?: number;
  /**
   * Where the folder of bare git repositories is made (removed by `close()`); default the system's
   * temporary directory.
   */
  dataDir?: string;
}

/** A running offline GitHub. */
export interface GitHubTestbed {
  /**
   * e.g. `http://127.0.0.1:41234`: use as Octokit `baseUrl`. Git clones, fetches and pushes
   * `<url>/<owner>/<repo>.git` (the repository's `clone_url`).
   */
  url: string;
  /** `url` + `/api/v3`, the GitHub Enterprise Server layout (`GHE_HOST`). */
  enterpriseUrl: string;
  /** The state and its typed API. */
  state: GitHubState;
  /** Every request received. */
  requests: RequestLog;
  /** Webhook deliveries: records, held ones, manual sends, redeliveries. */
  webhooks: WebhookSender;
  /** Arms a fault (rate limit, 5xx or network failure before or after the write, delay). */
  inject(spec: FaultSpec): ArmedFault;
  /**
   * Forgets state (git repositories included), requests, deliveries, faults and rate-limit counters; the
   * server keeps running.
   */
  reset(): void;
  /** Stops the server (open connections, hanging ones included, are closed) and removes the git data. */
  close(): Promise<void>;
}

const ENTERPRISE_PREFIX = '/api/v3';
const DEFAULT_MAX_BODY = 25 * 1024 * 1024;

/** Reads a request body, refusing (413) beyond `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new GitHubError(413, 'Payload too large', DEFAULT_DOCUMENTATION_URL);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body as the request log keeps it: parsed JSON, the text when not JSON, undefined when empty. */
function loggedBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The query string as the request log keeps it: one value, or all values of a repeated key. */
function loggedQuery(search: URLSearchParams): Record<string, string | string[]> {
  return Object.fromEntries(
    [...new Set(search.keys())].map((key) => {
      const values = search.getAll(key);
      return [key, values.length === 1 ? (values[0] as string) : values];
    }),
  );
}

/** Starts an offline GitHub on 127.0.0.1. The OpenAPI description is loaded on first use. */
export async function startGitHub(options: GitHubTestbedOptions = {}): Promise<GitHubTestbed> {
  const openapi = GitHubOpenApi.shared();
  const state = new GitHubState({
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  const git = new GitHttp(state);
  const requests = new RequestLog();
  const faults = new Faults();
  const limiter = new RateLimiter(options.rateLimit ?? 5000);
  const checkResponses = options.checkResponses ?? true;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let origin = '';
  const views = (apiPrefix: string): ViewContext => ({
    urls: new Urls(`${origin}${apiPrefix}`, origin),
    state,
  });
  const downloads = new Downloads(state, () => origin);
  const webhooks = new WebhookSender(state, {
    autoDeliver: options.autoDeliver ?? true,
    checkPayloads: checkResponses,
    views: () => views(''),
    openapi,
  });
  const pipeline = new ApiPipeline({ openapi, state, faults, limiter, downloads, views, checkResponses });

  const server: Server = createServer((request, response) => {
    void (async () => {
      const started = performance.now();
      const at = state.records.clock();
      const url = new URL(request.url ?? '/', origin);
      if (url.pathname.startsWith(DOWNLOAD_PREFIX)) {
        downloads.serve(url, response);
        return;
      }
      // Git traffic is not REST: it is served beside the API and not kept in the request log.
      const gitRoute = GitHttp.route(url.pathname);
      if (gitRoute !== undefined) {
        await git.serve(request, response, url, gitRoute);
        return;
      }
      const enterprise =
        url.pathname === ENTERPRISE_PREFIX || url.pathname.startsWith(`${ENTERPRISE_PREFIX}/`);
      const apiPrefix = enterprise ? ENTERPRISE_PREFIX : '';
      const method = (request.method ?? 'GET').toUpperCase();
      const facts: RequestFacts = { operationId: undefined, auth: { kind: 'anonymous' }, faulted: false };
      let rawBody: Buffer = Buffer.alloc(0);
      let result: Answer;
      try {
        rawBody = await readBody(request, maxBody);
        const pathname = url.pathname.slice(apiPrefix.length) || '/';
        result = await pipeline.answer(
          { method, url, apiPrefix, pathname, headers: request.headers, rawBody },
          facts,
        );
      } catch (error) {
        const failure =
          error instanceof GitHubError
            ? error
            : new GitHubError(500, 'Server Error', DEFAULT_DOCUMENTATION_URL, { detail: String(error) });
        result = errorAnswer(failure, undefined);
      }
      const status = writeAnswer(response, result);
      requests.add({
        method,
        path: url.pathname,
        operationId: facts.operationId,
        query: loggedQuery(url.searchParams),
        body: loggedBody(rawBody),
        status,
        at,
        durationMs: performance.now() - started,
        auth: facts.auth,
        faulted: facts.faulted,
        detail: result.detail,
      });
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    enterpriseUrl: `${origin}${ENTERPRISE_PREFIX}`,
    state,
    requests,
    webhooks,
    inject: (spec) => faults.inject(spec),
    reset: () => {
      state.clear();
      requests.clear();
      webhooks.clear();
      faults.clear();
      limiter.clear();
    },
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      });
      state.dispose();
    },
  };
}
