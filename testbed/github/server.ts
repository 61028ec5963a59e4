/**
 * The offline GitHub: a `node:http` server on 127.0.0.1 that answers GitHub's REST API from an in-memory
 * state, validates every request against GitHub's OpenAPI description, records every request, sends
 * signed webhooks, and lets tests inject faults. Point Octokit at `url` (`baseUrl`), or at
 * `enterpriseUrl` for GitHub Enterprise style (`/api/v3`).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkOtherAccess, checkRepoAccess } from './access.js';
import { Downloads, DOWNLOAD_PREFIX } from './downloads.js';
import { actorOf, authenticate, summarizeCaller } from './auth.js';
import type { Caller, CallerSummary } from './auth.js';
import {
  DEFAULT_DOCUMENTATION_URL,
  GitHubError,
  notFound,
  notImplemented,
  parameterNotImplemented,
} from './errors.js';
import { Faults } from './faults.js';
import type { ArmedFault, FaultSpec } from './faults.js';
import { HANDLERS } from './handlers/index.js';
import type { BaseContext, HandlerResponse, OperationHandler, RepoContext } from './handlers/types.js';
import { documentationUrl, GitHubOpenApi } from './openapi.js';
import type { ValidatedApiRequest } from './openapi.js';
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
}

/** A running offline GitHub. */
export interface GitHubTestbed {
  /** e.g. `http://127.0.0.1:41234`: use as Octokit `baseUrl`. */
  url: string;
  /** `url` + `/api/v3`, the GitHub Enterprise Server layout (`GHE_HOST`). */
  enterpriseUrl: string;
  /** The state and its typed API. */
  state: GitHubState;
  /** Every request received. */
  requests: RequestLog;
  /** Webhook deliveries: records, held ones, manual sends, redeliveries. */
  webhooks: WebhookSender;
  /** Arms a fault (rate limit, 5xx before or after the write, delay). */
  inject(spec: FaultSpec): ArmedFault;
  /** Forgets state, requests, deliveries, faults and rate-limit counters; the server keeps running. */
  reset(): void;
  /** Stops the server (open connections are closed). */
  close(): Promise<void>;
}

const ENTERPRISE_PREFIX = '/api/v3';
const DEFAULT_MAX_BODY = 25 * 1024 * 1024;

/** An answer about to be written. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Bytes sent as they are instead of a JSON body. */
  raw?: { contentType: string; data: Buffer };
  detail: string | undefined;
}

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

function errorAnswer(error: GitHubError, docsUrl: string | undefined): Answer {
  const body = { ...error.body };
  if (docsUrl !== undefined && body.documentation_url === DEFAULT_DOCUMENTATION_URL && error.status !== 501) {
    body.documentation_url = docsUrl;
  }
  return { status: error.status, headers: { ...error.headers }, body, detail: error.detail };
}

/**
 * The first parameter the request uses that its operation declares but the handler does not honour: a
 * declared query key, or a top-level body key. Undeclared query keys are ignored, as GitHub ignores them.
 */
function unsupportedParameter(handler: OperationHandler, request: ValidatedApiRequest): string | undefined {
  const honoured = new Set(handler.query ?? []);
  const declared = new Set(request.declaredQuery);
  const query = Object.keys(request.query).find((key) => declared.has(key) && !honoured.has(key));
  if (query !== undefined) return query;
  const { body } = request;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const allowed = new Set(handler.body ?? []);
  return Object.keys(body).find((key) => !allowed.has(key));
}

/** Starts an offline GitHub on 127.0.0.1. The OpenAPI description is loaded on first use. */
export async function startGitHub(options: GitHubTestbedOptions = {}): Promise<GitHubTestbed> {
  const openapi = GitHubOpenApi.shared();
  const state = new GitHubState(options.clock === undefined ? {} : { clock: options.clock });
  const requests = new RequestLog();
  const faults = new Faults();
  const limiter = new RateLimiter(options.rateLimit ?? 5000);
  const checkResponses = options.checkResponses ?? true;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let origin = '';

  const viewsFor = (apiPrefix: string): ViewContext => ({
    urls: new Urls(`${origin}${apiPrefix}`, origin),
    state,
  });
  const webhooks = new WebhookSender(state, {
    autoDeliver: options.autoDeliver ?? true,
    checkPayloads: checkResponses,
    views: () => viewsFor(''),
    openapi,
  });

  const downloads = new Downloads(state, () => origin);

  /** Runs a request through validation, authentication, access, the handler; returns the answer. */
  const answer = async (
    request: IncomingMessage,
    url: URL,
    apiPrefix: string,
    pathname: string,
    rawBody: Buffer,
    record: { operationId?: string; auth: CallerSummary; body: unknown; faulted: boolean },
  ): Promise<Answer> => {
    const method = request.method ?? 'GET';
    const match = openapi.match(method, pathname);
    if (match === undefined) {
      return errorAnswer(notFound(undefined, `no operation for ${method} ${pathname}`), undefined);
    }
    const { operation } = match;
    const docsUrl = documentationUrl(operation);
    record.operationId = operation.operationId;
    const fault = faults.take({
      method,
      path: `${apiPrefix}${pathname}`,
      template: match.template,
      operationId: operation.operationId,
    });
    if (fault !== undefined) record.faulted = true;
    if (fault?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const faultAnswer = (spec: FaultSpec): Answer => ({
      status: spec.status as number,
      headers: { ...spec.headers },
      body: spec.body ?? {
        message: `Injected fault ${spec.status}`,
        documentation_url: docsUrl,
        status: String(spec.status),
      },
      detail: 'injected fault',
    });
    if (fault?.status !== undefined && (fault.when ?? 'before') === 'before') return faultAnswer(fault);

    let rateHeaders: Record<string, string> = {};
    let result: Answer;
    try {
      const validated = openapi.validateRequest({ method, pathname, query: url.searchParams, rawBody });
      const caller: Caller = authenticate(state, request.headers.authorization);
      record.auth = summarizeCaller(caller);
      rateHeaders = limiter.consume(caller, state.now());
      const handler = HANDLERS.get(operation.operationId);
      if (handler === undefined) throw notImplemented(operation.operationId, method, match.template);
      const unsupported = unsupportedParameter(handler, validated);
      if (unsupported !== undefined) throw parameterNotImplemented(operation.operationId, unsupported);
      const base: BaseContext = {
        state,
        views: viewsFor(apiPrefix),
        request: validated,
        caller,
        headers: request.headers,
        url,
        downloads,
      };
      let response: HandlerResponse;
      if (handler.access.kind === 'repo') {
        const repo = checkRepoAccess(
          state,
          caller,
          handler.access,
          String(validated.params.owner),
          String(validated.params.repo),
          docsUrl,
        );
        const context: RepoContext = {
          ...base,
          repo,
          // Anonymous callers are refused every write before this point, so no handler asks them to act.
          get actor() {
            const actor = actorOf(caller);
            if (actor === undefined)
              throw new Error(`${operation.operationId} needs an actor, the caller is anonymous`);
            return actor;
          },
        };
        response = (handler as Extract<OperationHandler, { access: { kind: 'repo' } }>).handle(context);
      } else {
        const org = validated.params.org === undefined ? undefined : String(validated.params.org);
        checkOtherAccess(state, caller, handler.access, org, docsUrl);
        response = (
          handler as Extract<OperationHandler, { access: { kind: 'app' | 'installation' | 'org' } }>
        ).handle(base);
      }
      result = {
        status: response.status,
        headers: { ...(response.headers ?? {}) },
        body: response.body,
        ...(response.raw === undefined ? {} : { raw: response.raw }),
        detail: undefined,
      };
      if (checkResponses && response.raw === undefined) {
        const mismatch = openapi.checkResponse(operation, response.status, response.body);
        if (mismatch !== undefined) {
          result = errorAnswer(
            new GitHubError(500, 'Server Error', docsUrl, { detail: `testbed bug: ${mismatch}` }),
            docsUrl,
          );
        }
      }
    } catch (error) {
      if (!(error instanceof GitHubError)) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        return errorAnswer(
          new GitHubError(500, 'Server Error', docsUrl, {
            detail: message.split('\n').slice(0, 4).join(' | '),
          }),
          docsUrl,
        );
      }
      result = errorAnswer(error, docsUrl);
    }
    result.headers = { ...rateHeaders, ...result.headers };
    if (fault?.status !== undefined && fault.when === 'after') {
      const injected = faultAnswer(fault);
      injected.detail = `injected fault after the handler answered ${result.status}`;
      return injected;
    }
    return result;
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const started = performance.now();
      const at = state.records.clock();
      const url = new URL(request.url ?? '/', origin);
      if (url.pathname.startsWith(DOWNLOAD_PREFIX)) {
        downloads.serve(url, response);
        return;
      }
      const apiPrefix =
        url.pathname === ENTERPRISE_PREFIX || url.pathname.startsWith(`${ENTERPRISE_PREFIX}/`)
          ? ENTERPRISE_PREFIX
          : '';
      const pathname = url.pathname.slice(apiPrefix.length) || '/';
      const record: { operationId?: string; auth: CallerSummary; body: unknown; faulted: boolean } = {
        auth: { kind: 'anonymous' },
        body: undefined,
        faulted: false,
      };
      let result: Answer;
      try {
        const rawBody = await readBody(request, maxBody);
        const text = rawBody.toString('utf8');
        try {
          record.body = text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          record.body = text;
        }
        result = await answer(request, url, apiPrefix, pathname, rawBody, record);
      } catch (error) {
        result =
          error instanceof GitHubError
            ? errorAnswer(error, undefined)
            : errorAnswer(
                new GitHubError(500, 'Server Error', DEFAULT_DOCUMENTATION_URL, { detail: String(error) }),
                undefined,
              );
      }
      const headers: Record<string, string> = {
        'x-github-request-id': randomUUID().toUpperCase(),
        'x-github-media-type': 'github.v3; format=json',
        'x-github-api-version-selected': '2022-11-28',
        ...result.headers,
      };
      if (result.detail !== undefined)
        headers['x-testbed-detail'] = result.detail.replace(/[^\x20-\x7e]/g, ' ');
      let payload: string | Buffer = result.body === undefined ? '' : JSON.stringify(result.body);
      if (result.raw !== undefined) {
        payload = result.raw.data;
        headers['content-type'] = result.raw.contentType;
      } else if (payload !== '') {
        headers['content-type'] = 'application/json; charset=utf-8';
      }
      response.writeHead(result.status, headers);
      response.end(payload);
      requests.add({
        method: request.method ?? 'GET',
        path: url.pathname,
        operationId: record.operationId,
        query: Object.fromEntries(
          [...new Set(url.searchParams.keys())].map((key) => {
            const values = url.searchParams.getAll(key);
            return [key, values.length === 1 ? (values[0] as string) : values];
          }),
        ),
        body: record.body,
        status: result.status,
        at,
        durationMs: performance.now() - started,
        auth: record.auth,
        faulted: record.faulted,
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
