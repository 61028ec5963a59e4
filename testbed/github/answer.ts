/**
 * The answer to an API request, and how it goes on the wire: JSON (GitHub's headers, `x-testbed-detail`
 * for the test's eyes only), raw bytes, or an injected network failure (reset, hang, truncated body).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { DEFAULT_DOCUMENTATION_URL } from './errors.js';
import type { GitHubError } from './errors.js';
import type { FaultSpec } from './faults.js';

/** An answer about to be written. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Bytes sent as they are instead of a JSON body. */
  raw?: { contentType: string; data: Buffer };
  /** A network failure to produce instead of (or in the middle of) the answer. */
  network?: NonNullable<FaultSpec['network']>;
  /** Testbed-only explanation, sent as `x-testbed-detail` and kept in the request log. */
  detail: string | undefined;
}

/**
 * The answer for a GitHubError. Errors raised with the generic documentation address get the
 * operation's own (`docsUrl`), as GitHub's errors point at the endpoint's page.
 */
export function errorAnswer(error: GitHubError, docsUrl: string | undefined): Answer {
  const body = { ...error.body };
  if (docsUrl !== undefined && body.documentation_url === DEFAULT_DOCUMENTATION_URL && error.status !== 501) {
    body.documentation_url = docsUrl;
  }
  return { status: error.status, headers: { ...error.headers }, body, detail: error.detail };
}

/** The answer an injected fault gives (its status, headers and body; GitHub's error body by default). */
export function faultAnswer(spec: FaultSpec, docsUrl: string, detail: string): Answer {
  const status = spec.status ?? 200;
  return {
    status,
    headers: { ...spec.headers },
    body: spec.body ?? {
      message: `Injected fault ${status}`,
      documentation_url: docsUrl,
      status: String(status),
    },
    ...(spec.network === undefined ? {} : { network: spec.network }),
    detail,
  };
}

/**
 * Writes an answer. Returns the status the client saw, or 0 when no status line was sent (the
 * connection was reset, or left hanging until the server closes).
 */
export function writeAnswer(response: ServerResponse, answer: Answer): number {
  const headers: Record<string, string> = {
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    ...answer.headers,
  };
  if (answer.detail !== undefined) headers['x-testbed-detail'] = answer.detail.replace(/[^\x20-\x7e]/g, ' ');
  let payload: Buffer = Buffer.from(answer.body === undefined ? '' : JSON.stringify(answer.body));
  if (answer.raw !== undefined) {
    payload = answer.raw.data;
    headers['content-type'] = answer.raw.contentType;
  } else if (payload.length > 0) {
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  switch (answer.network) {
    case 'reset':
      response.socket?.destroy();
      return 0;
    case 'hang':
      return 0;
    case 'truncate':
      // The full length is announced and half is sent, then the connection drops: a truncated body.
      response.writeHead(answer.status, { ...headers, 'content-length': String(payload.length) });
      response.write(payload.subarray(0, Math.floor(payload.length / 2)));
      response.socket?.destroy();
      return answer.status;
    default:
      response.writeHead(answer.status, headers);
      response.end(payload);
      return answer.status;
  }
}
