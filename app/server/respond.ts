/** Writing answers: every answer of the server is a small JSON document. */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Sends `status` with `body` as JSON (and any extra `headers`), ending the response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
