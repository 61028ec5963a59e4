/**
 * GitHub's error responses, shaped as api.github.com sends them (`message`, `documentation_url`, `status`
 * as a string, and `errors` for validation failures), and the exception handlers throw to send one.
 */

/** One entry of the `errors` array of a 422 body (GitHub's validation-error schema). */
export interface ValidationErrorItem {
  resource?: string;
  field?: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  message?: string;
  value?: string | number | string[] | null;
}

/** The JSON body of an error response. */
export interface GitHubErrorBody {
  message: string;
  documentation_url: string;
  status: string;
  errors?: ValidationErrorItem[];
}

/** Where GitHub points when no more precise page applies. */
export const DEFAULT_DOCUMENTATION_URL = 'https://docs.github.com/rest';

/**
 * An error response. Handlers throw it; the server turns it into the HTTP response. `headers` are added to
 * the response (e.g. `retry-after`). `detail` is testbed-only context, sent in the `x-testbed-detail` header
 * and kept in the request log, never in the body, so the body stays exactly GitHub's shape.
 */
export class GitHubError extends Error {
  readonly body: GitHubErrorBody;
  readonly headers: Record<string, string>;
  readonly detail: string | undefined;

  constructor(
    readonly status: number,
    message: string,
    documentationUrl: string = DEFAULT_DOCUMENTATION_URL,
    options: { errors?: ValidationErrorItem[]; headers?: Record<string, string>; detail?: string } = {},
  ) {
    super(options.detail === undefined ? message : `${message} (${options.detail})`);
    this.name = 'GitHubError';
    this.body = { message, documentation_url: documentationUrl, status: String(status) };
    if (options.errors !== undefined) this.body.errors = options.errors;
    this.headers = options.headers ?? {};
    this.detail = options.detail;
  }
}

/** 404 Not Found: unknown route, or a resource the caller cannot see (GitHub hides rather than 403s). */
export function notFound(documentationUrl?: string, detail?: string): GitHubError {
  return new GitHubError(404, 'Not Found', documentationUrl, detail === undefined ? {} : { detail });
}

/** 422 "Validation Failed" with GitHub's structured `errors`, used for semantic checks (duplicates…). */
export function validationFailed(documentationUrl: string, errors: ValidationErrorItem[]): GitHubError {
  return new GitHubError(422, 'Validation Failed', documentationUrl, { errors });
}

/** 422 "Invalid request." for a body or query that does not match the operation's schema. */
export function invalidRequest(
  documentationUrl: string,
  lines: string[],
  errors: ValidationErrorItem[],
): GitHubError {
  return new GitHubError(422, `Invalid request.\n\n${lines.join('\n')}`, documentationUrl, { errors });
}

/** 400 "Problems parsing JSON": the body is not JSON at all. */
export function problemsParsingJson(documentationUrl: string, detail: string): GitHubError {
  return new GitHubError(400, 'Problems parsing JSON', documentationUrl, { detail });
}

/** 400 "Body should be a JSON object": JSON, but not the object the operation takes. */
export function bodyShouldBeObject(documentationUrl: string): GitHubError {
  return new GitHubError(400, 'Body should be a JSON object', documentationUrl);
}

/** 401 for a missing, unknown or expired credential. */
export function badCredentials(detail: string): GitHubError {
  return new GitHubError(401, 'Bad credentials', DEFAULT_DOCUMENTATION_URL, { detail });
}

/** 403 "Resource not accessible by integration": the token lacks the permission the operation needs. */
export function notAccessibleByIntegration(documentationUrl: string, detail: string): GitHubError {
  return new GitHubError(403, 'Resource not accessible by integration', documentationUrl, { detail });
}

/**
 * 501: the route exists on GitHub but the testbed does not implement it. Loud on purpose: a gap in the
 * fake must fail the test that reaches it, never pass as an empty 200.
 */
export function notImplemented(operationId: string, method: string, template: string): GitHubError {
  return new GitHubError(
    501,
    `The GitHub testbed does not implement ${operationId} (${method.toUpperCase()} ${template}). Add a handler under testbed/github/handlers/.`,
    DEFAULT_DOCUMENTATION_URL,
  );
}

/** 501 for a parameter of an implemented operation that the testbed does not honour (never ignored). */
export function parameterNotImplemented(operationId: string, parameter: string): GitHubError {
  return new GitHubError(
    501,
    `The GitHub testbed does not implement the parameter "${parameter}" of ${operationId}. Honour it in its handler under testbed/github/handlers/.`,
    DEFAULT_DOCUMENTATION_URL,
  );
}
