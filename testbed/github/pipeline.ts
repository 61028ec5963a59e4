/**
 * What happens to one API request, in GitHub's order: find the operation (404), apply an injected fault,
 * validate against the description (400/422/404), authenticate (401), count against the rate limit
 * (403), find the handler (501 when the testbed lacks it or a parameter it would ignore), check access
 * (404/403), run the handler, and check the answer against the description (500, a testbed bug).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { checkOtherAccess, checkRepoAccess } from './access.js';
import { errorAnswer, faultAnswer } from './answer.js';
import type { Answer } from './answer.js';
import { actorOf, authenticate, summarizeCaller } from './auth.js';
import type { Caller, CallerSummary } from './auth.js';
import type { Downloads } from './downloads.js';
import { GitHubError, notFound, notImplemented, parameterNotImplemented } from './errors.js';
import type { Faults } from './faults.js';
import { HANDLERS } from './handlers/index.js';
import type {
  BaseContext,
  HandlerResponse,
  OperationHandler,
  OtherOperation,
  RepoContext,
  RepoOperation,
} from './handlers/types.js';
import { documentationUrl } from './openapi.js';
import type { GitHubOpenApi, RouteMatch, ValidatedApiRequest } from './openapi.js';
import type { RateLimiter } from './rate-limit.js';
import type { GitHubState } from './state.js';
import type { ViewContext } from './views/context.js';

/** A request as read from the socket. */
export interface ApiRequest {
  method: string;
  /** The full URL as the client addressed it. */
  url: URL;
  /** `''` or `/api/v3`. */
  apiPrefix: string;
  /** The path without the prefix and without the query. */
  pathname: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

/** What the pipeline learnt about a request, for the request log. */
export interface RequestFacts {
  operationId: string | undefined;
  auth: CallerSummary;
  faulted: boolean;
}

/** What the pipeline works with. */
export interface PipelineParts {
  openapi: GitHubOpenApi;
  state: GitHubState;
  faults: Faults;
  limiter: RateLimiter;
  downloads: Downloads;
  /** The view context for an API prefix. */
  views: (apiPrefix: string) => ViewContext;
  /** Check answers against the description. */
  checkResponses: boolean;
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

/** Answers API requests for one fake. */
export class ApiPipeline {
  constructor(private readonly parts: PipelineParts) {}

  /** Answers `request`, filling `facts` as it learns them. Never throws: failures become answers. */
  async answer(request: ApiRequest, facts: RequestFacts): Promise<Answer> {
    const { openapi, faults } = this.parts;
    const match = openapi.match(request.method, request.pathname);
    if (match === undefined) {
      return errorAnswer(
        notFound(undefined, `no operation for ${request.method} ${request.pathname}`),
        undefined,
      );
    }
    const { operation } = match;
    const docsUrl = documentationUrl(operation);
    facts.operationId = operation.operationId;
    const fault = faults.take({
      method: request.method,
      path: `${request.apiPrefix}${request.pathname}`,
      template: match.template,
      operationId: operation.operationId,
    });
    if (fault !== undefined) facts.faulted = true;
    if (fault?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const failsAfter = fault?.when === 'after';
    const failsNow =
      fault !== undefined && !failsAfter && (fault.status !== undefined || fault.network !== undefined);
    if (failsNow) return faultAnswer(fault, docsUrl, 'injected fault');

    const result = this.run(request, match, docsUrl, facts);
    if (fault === undefined || !failsAfter) return result;
    const detail = `injected fault after the handler answered ${result.status}`;
    if (fault.status !== undefined) return faultAnswer(fault, docsUrl, detail);
    // A network failure alone breaks the handler's own answer on the wire.
    if (fault.network !== undefined) return { ...result, network: fault.network, detail };
    return result;
  }

  /** Validation, authentication, rate limit, handler; a GitHubError or a crash becomes an answer. */
  private run(request: ApiRequest, match: RouteMatch, docsUrl: string, facts: RequestFacts): Answer {
    const { openapi, state, limiter, checkResponses } = this.parts;
    const { operation } = match;
    let rateHeaders: Record<string, string> = {};
    let result: Answer;
    try {
      const validated = openapi.validateRequest({
        method: request.method,
        pathname: request.pathname,
        query: request.url.searchParams,
        rawBody: request.rawBody,
      });
      const caller = authenticate(state, request.headers.authorization);
      facts.auth = summarizeCaller(caller);
      rateHeaders = limiter.consume(caller, state.now());
      const handler = HANDLERS.get(operation.operationId);
      if (handler === undefined) throw notImplemented(operation.operationId, request.method, match.template);
      const unsupported = unsupportedParameter(handler, validated);
      if (unsupported !== undefined) throw parameterNotImplemented(operation.operationId, unsupported);
      const response = this.dispatch(handler, request, validated, caller, docsUrl);
      result = {
        status: response.status,
        headers: { ...response.headers },
        body: response.body,
        detail: undefined,
      };
      if (response.raw !== undefined) result.raw = response.raw;
      const mismatch =
        checkResponses && response.raw === undefined
          ? openapi.checkResponse(operation, response.status, response.body)
          : undefined;
      if (mismatch !== undefined) {
        result = errorAnswer(
          new GitHubError(500, 'Server Error', docsUrl, { detail: `testbed bug: ${mismatch}` }),
          docsUrl,
        );
      }
    } catch (error) {
      const failure =
        error instanceof GitHubError
          ? error
          : new GitHubError(500, 'Server Error', docsUrl, {
              detail: `testbed crash: ${error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 4).join(' | ') : String(error)}`,
            });
      result = errorAnswer(failure, docsUrl);
    }
    result.headers = { ...rateHeaders, ...result.headers };
    return result;
  }

  /** Checks access for the handler's rule and runs it with its context. */
  private dispatch(
    handler: OperationHandler,
    request: ApiRequest,
    validated: ValidatedApiRequest,
    caller: Caller,
    docsUrl: string,
  ): HandlerResponse {
    const { state, downloads } = this.parts;
    const base: BaseContext = {
      state,
      views: this.parts.views(request.apiPrefix),
      request: validated,
      caller,
      headers: request.headers,
      url: request.url,
      downloads,
    };
    if (handler.access.kind !== 'repo') {
      const org = validated.params.org === undefined ? undefined : String(validated.params.org);
      checkOtherAccess(state, caller, handler.access, org, docsUrl);
      return (handler as OtherOperation).handle(base);
    }
    const { owner, repo: name } = validated.params;
    const repo = checkRepoAccess(state, caller, handler.access, String(owner), String(name), docsUrl);
    const context: RepoContext = {
      ...base,
      repo,
      // Anonymous callers are refused every write before this point, so no handler asks them to act.
      get actor() {
        const actor = actorOf(caller);
        if (actor === undefined)
          throw new Error(`${validated.operationId} needs an actor, the caller is anonymous`);
        return actor;
      },
    };
    return (handler as RepoOperation).handle(context);
  }
}
