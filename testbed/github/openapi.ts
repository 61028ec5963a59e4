/**
 * Checks every request to the fake against GitHub's official OpenAPI description (`@octokit/openapi`,
 * api.github.com), the way GitHub itself would refuse it, and checks what the fake sends back against the
 * same description, so the testbed cannot drift from the real API without a test noticing.
 *
 * The description is loaded on first use and shared by every server in the process; each validator is
 * compiled the first time its operation is used and cached.
 */
import { bodyShouldBeObject, invalidRequest, notFound, problemsParsingJson } from './errors.js';
import { describeSchemaFailure } from './openapi/messages.js';
import { Router } from './openapi/router.js';
import type { RouteMatch } from './openapi/router.js';
import { SchemaCompiler } from './openapi/schema.js';
import { deref, loadGitHubDescription, REST_DOCS_URL } from './openapi/spec.js';
import type { JsonObject, OpenApiDocument, OperationObject, ParameterObject } from './openapi/spec.js';

export type { RouteMatch } from './openapi/router.js';
export type { OperationObject } from './openapi/spec.js';

/** A request as the server received it, before any handler ran. */
export interface IncomingApiRequest {
  method: string;
  /** Path without query string and without a GitHub Enterprise `/api/v3` prefix. */
  pathname: string;
  query: URLSearchParams;
  /** The raw body bytes; empty when there was no body. */
  rawBody: Buffer;
}

/** A request that passed validation: its operation and its parameters, typed by the schema. */
export interface ValidatedApiRequest {
  match: RouteMatch;
  operationId: string;
  /** Path parameters, coerced to the schema's types (`issue_number` is a number). */
  params: Record<string, unknown>;
  /** Query parameters, coerced to the schema's types; unknown ones are kept as text. */
  query: Record<string, unknown>;
  /** The names of the query parameters the operation declares (others are ignored, as GitHub does). */
  declaredQuery: string[];
  /** The parsed JSON body, or undefined for operations without a JSON body. */
  body: unknown;
}

/** The URL of the documentation page of an operation, as GitHub puts it in error bodies. */
export function documentationUrl(operation: OperationObject): string {
  return operation.externalDocs?.url ?? REST_DOCS_URL;
}

/** The noun GitHub uses in `errors[].resource` for an operation's tag ("issues" → "Issue"). */
function resourceName(operation: OperationObject): string {
  const tag = operation.tags?.[0] ?? 'resource';
  const singular = tag.replace(/s$/, '');
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

/** The JSON schema of a request body or response, if it has an `application/json` one. */
function jsonSchemaOf(doc: OpenApiDocument, container: JsonObject | undefined): JsonObject | undefined {
  if (container === undefined) return undefined;
  const resolved = deref(doc, container);
  const content = resolved.content as JsonObject | undefined;
  const json = content?.['application/json'] as JsonObject | undefined;
  const schema = json?.schema;
  return schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? schema : undefined;
}

/** Validates requests, responses and webhook payloads against GitHub's description. Use {@link shared}. */
export class GitHubOpenApi {
  private static instance: GitHubOpenApi | undefined;

  /** The process-wide instance; the description is read and parsed on the first call. */
  static shared(): GitHubOpenApi {
    GitHubOpenApi.instance ??= new GitHubOpenApi(loadGitHubDescription());
    return GitHubOpenApi.instance;
  }

  private readonly router: Router;
  private readonly bodies: SchemaCompiler;
  private readonly params: SchemaCompiler;
  private readonly responses: SchemaCompiler;

  private constructor(private readonly doc: OpenApiDocument) {
    this.router = new Router(doc);
    this.bodies = new SchemaCompiler(doc, 'body');
    this.params = new SchemaCompiler(doc, 'params');
    this.responses = new SchemaCompiler(doc, 'response');
  }

  /**
   * What the description declares for an operation: its method and path template, query parameter
   * names, and top-level JSON body property names (empty when it takes no JSON object). Undefined when
   * GitHub has no operation with that id.
   */
  describeOperation(
    operationId: string,
  ): { method: string; template: string; query: string[]; bodyProperties: string[] } | undefined {
    for (const [template, item] of Object.entries(this.doc.paths)) {
      for (const [method, candidate] of Object.entries(item)) {
        const operation = candidate as OperationObject | null;
        if (operation === null || typeof operation !== 'object' || operation.operationId !== operationId)
          continue;
        const parameters = (operation.parameters ?? []).map(
          (p) => deref(this.doc, p) as unknown as ParameterObject,
        );
        const body = jsonSchemaOf(this.doc, operation.requestBody);
        return {
          method: method.toUpperCase(),
          template,
          query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
          bodyProperties: body === undefined ? [] : this.propertyNames(body),
        };
      }
    }
    return undefined;
  }

  /** Top-level property names of a schema, including those of its oneOf/anyOf object branches. */
  private propertyNames(schema: JsonObject): string[] {
    const resolved = deref(this.doc, schema);
    const names = new Set<string>();
    const properties = resolved.properties;
    if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
      for (const name of Object.keys(properties)) names.add(name);
    }
    for (const keyword of ['oneOf', 'anyOf']) {
      const branches = resolved[keyword];
      if (!Array.isArray(branches)) continue;
      for (const branch of branches) {
        if (branch !== null && typeof branch === 'object' && !Array.isArray(branch)) {
          for (const name of this.propertyNames(branch)) names.add(name);
        }
      }
    }
    return [...names];
  }

  /** The operation for a method and path, or undefined when GitHub has no such route. */
  match(method: string, pathname: string): RouteMatch | undefined {
    return this.router.match(method, pathname);
  }

  /**
   * Finds the operation of `request` and validates its path parameters, query and JSON body.
   * Throws a `GitHubError` with GitHub's status and body when GitHub would refuse the request:
   * 404 for an unknown route or a path parameter of the wrong type (such a path matches no route on
   * GitHub), 400 for a body that is not JSON or not an object, 422 for a query or body that breaks the
   * schema (missing required field, wrong type, unknown key, value outside an enum).
   */
  validateRequest(request: IncomingApiRequest): ValidatedApiRequest {
    const match = this.router.match(request.method, request.pathname);
    if (match === undefined) {
      throw notFound(REST_DOCS_URL, `no operation for ${request.method.toUpperCase()} ${request.pathname}`);
    }
    const { operation } = match;
    const docsUrl = documentationUrl(operation);
    const parameters = (operation.parameters ?? []).map(
      (p) => deref(this.doc, p) as unknown as ParameterObject,
    );

    const params: Record<string, unknown> = { ...match.pathParams };
    const pathSchema = objectSchemaOf(parameters.filter((p) => p.in === 'path'));
    const pathOk = this.params.validator(`${operation.operationId}:path`, pathSchema);
    if (!pathOk(params)) {
      const failure = describeSchemaFailure(pathOk.errors ?? [], params, resourceName(operation));
      throw notFound(docsUrl, `path parameters: ${failure.lines.join(' ')}`);
    }

    const queryParameters = parameters.filter((p) => p.in === 'query');
    const query = queryObject(request.query, queryParameters);
    const queryOk = this.params.validator(`${operation.operationId}:query`, objectSchemaOf(queryParameters));
    if (!queryOk(query)) {
      const failure = describeSchemaFailure(queryOk.errors ?? [], query, resourceName(operation));
      throw invalidRequest(docsUrl, failure.lines, failure.errors);
    }

    const bodySchema = jsonSchemaOf(this.doc, operation.requestBody);
    let body: unknown;
    if (bodySchema !== undefined) {
      body = parseJsonBody(request.rawBody, docsUrl);
      if (
        bodySchema.type === 'object' &&
        (body === null || typeof body !== 'object' || Array.isArray(body))
      ) {
        throw bodyShouldBeObject(docsUrl);
      }
      const bodyOk = this.bodies.validator(`${operation.operationId}:body`, bodySchema);
      if (!bodyOk(body)) {
        const failure = describeSchemaFailure(bodyOk.errors ?? [], body, resourceName(operation));
        throw invalidRequest(docsUrl, failure.lines, failure.errors);
      }
    }
    const declaredQuery = queryParameters.map((p) => p.name);
    return { match, operationId: operation.operationId, params, query, declaredQuery, body };
  }

  /**
   * Checks a response the fake is about to send. Returns a description of the mismatch, or undefined when
   * the status is declared for the operation and the body matches its schema. Bodies of error statuses
   * (4xx/5xx) are not checked: they are GitHub's generic error shape, built in one place.
   */
  checkResponse(operation: OperationObject, status: number, body: unknown): string | undefined {
    if (status >= 400) return undefined;
    const declared = operation.responses?.[String(status)];
    if (declared === undefined) {
      const known = Object.keys(operation.responses ?? {}).join(', ');
      return `${operation.operationId} does not declare status ${status} (declared: ${known})`;
    }
    const schema = jsonSchemaOf(this.doc, declared);
    if (schema === undefined) return undefined;
    const ok = this.responses.validator(`${operation.operationId}:${status}`, schema);
    if (ok(body)) return undefined;
    return `${operation.operationId} ${status} response does not match the description: ${this.responses.errorsText(ok.errors)}`;
  }

  /**
   * Checks a webhook payload against the description's `x-webhooks` schema for `event` and `action`
   * (e.g. `issue_comment` + `created`). Returns the mismatch, or undefined when it matches. Throws when
   * GitHub documents no such event, since the testbed would then invent a delivery GitHub never sends.
   */
  checkWebhook(event: string, action: string | undefined, payload: unknown): string | undefined {
    const key = [event, action]
      .filter((part) => part !== undefined)
      .join('-')
      .replace(/_/g, '-');
    const webhook = this.doc['x-webhooks'][key];
    if (webhook === undefined)
      throw new Error(`GitHub documents no webhook ${event}${action ? `.${action}` : ''}`);
    const schema = jsonSchemaOf(this.doc, webhook.post.requestBody);
    if (schema === undefined) return undefined;
    const ok = this.responses.validator(`webhook:${key}`, schema);
    if (ok(payload)) return undefined;
    return `${event}.${action ?? ''} payload does not match the description: ${this.responses.errorsText(ok.errors)}`;
  }
}

/** An object schema whose properties are the given parameters (path or query). */
function objectSchemaOf(parameters: ParameterObject[]): JsonObject {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema ?? {}])),
    required: parameters.filter((p) => p.required === true).map((p) => p.name),
  };
}

/**
 * The query string as an object: a parameter declared as an array gets every value (`a=1&a=2`, or one
 * comma-separated value), others their last value. Keys the operation does not declare are kept as text;
 * GitHub ignores them.
 */
function queryObject(search: URLSearchParams, declared: ParameterObject[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const arrays = new Set(declared.filter((p) => p.schema?.type === 'array').map((p) => p.name));
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    if (arrays.has(key)) out[key] = values.flatMap((value) => value.split(','));
    else out[key] = values[values.length - 1];
  }
  return out;
}

/** Parses a JSON request body; an empty body counts as `{}` (Octokit sends none when it has no fields). */
function parseJsonBody(raw: Buffer, docsUrl: string): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw problemsParsingJson(docsUrl, (error as Error).message);
  }
}
