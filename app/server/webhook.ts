/**
 * The webhook endpoint: checks a delivery in a fixed order, cheapest and least trusting first, and hands
 * only a verified, well-formed one on to be recorded. Every refusal happens before anything is recorded or
 * any call is made to GitHub.
 *
 * | request                                                        | answer |
 * |----------------------------------------------------------------|--------|
 * | not POST                                                       | 404 (as Probot; the caller routes it)  |
 * | Content-Type not application/json                              | 415    |
 * | X-GitHub-Event / X-GitHub-Delivery missing or malformed        | 400    |
 * | X-Hub-Signature-256 missing (SHA-1 `X-Hub-Signature` alone too) or malformed | 400 |
 * | Content-Length over the limit, or the body grows past it       | 413, connection closed |
 * | signature does not match the raw body                          | 400 (as Probot and the checklist) |
 * | body not a JSON object                                         | 400    |
 * | recording it failed                                            | 500 (nothing was done: redeliver)  |
 * | a delivery id seen before                                      | 200 "duplicate", nothing else      |
 * | otherwise                                                      | 202 "accepted", handled afterwards |
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'probot';
import type { Claim } from '../store/index.js';
import { readBody } from './body.js';
import { sendJson } from './respond.js';
import { isSha256Signature, verifySignature } from './signature.js';

/** GitHub's limit on a delivery's payload; larger bodies are refused before they are read. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** A delivery whose signature checked out and whose body is a JSON object. */
export interface VerifiedDelivery {
  /** `X-GitHub-Delivery`. */
  id: string;
  /** `X-GitHub-Event`. */
  event: string;
  payload: Record<string, unknown>;
  /** The body as received, decoded as UTF-8. */
  body: string;
}

export interface WebhookOptions {
  /** The webhook secret deliveries are signed with. */
  secret: string;
  /** The largest body accepted, in bytes. */
  maxBodyBytes: number;
  /**
   * Records a verified delivery durably and schedules its handling; 'duplicate' for an id seen before.
   * The answer is sent only after it resolves, so an acknowledged delivery is never lost.
   */
  accept(delivery: VerifiedDelivery): Promise<Claim>;
  log: Logger;
}

// An event name as GitHub sends them (`issues`, `pull_request_review`). `error` is refused too: the
// webhooks emitter reserves it for its error handlers, which a delivery must not be able to call.
const EVENT = /^[a-z][a-z_]{0,63}$/;
const RESERVED_EVENTS = new Set(['error']);
// GitHub sends a GUID; anything printable and short is accepted, so ids are safe to log and store.
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

type Refusal = { status: number; message: string };
type Headers = { event: string; id: string; signature: string };

/** The single value of a header, or undefined when absent or empty. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single === '' ? undefined : single;
}

/** Checks what can be checked before reading the body: content type, GitHub's headers, declared size. */
function checkHeaders(headers: IncomingHttpHeaders, maxBodyBytes: number): Refusal | Headers {
  const mediaType = header(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return {
      status: 415,
      message: 'Content-Type must be application/json (set the webhook content type to JSON)',
    };
  }
  const event = header(headers, 'x-github-event');
  if (event === undefined || !EVENT.test(event) || RESERVED_EVENTS.has(event)) {
    return { status: 400, message: 'X-GitHub-Event is missing or not an event name' };
  }
  const id = header(headers, 'x-github-delivery');
  if (id === undefined || !DELIVERY_ID.test(id)) {
    return { status: 400, message: 'X-GitHub-Delivery is missing or not a delivery id' };
  }
  const signature = header(headers, 'x-hub-signature-256');
  if (signature === undefined) {
    return {
      status: 400,
      message:
        'X-Hub-Signature-256 is missing (an SHA-1 X-Hub-Signature alone is not accepted): set a webhook secret',
    };
  }
  if (!isSha256Signature(signature)) {
    return { status: 400, message: 'X-Hub-Signature-256 is not sha256= and 64 hex digits' };
  }
  const declared = header(headers, 'content-length');
  if (declared !== undefined && Number(declared) > maxBodyBytes) {
    return { status: 413, message: `the body is larger than ${maxBodyBytes} bytes` };
  }
  return { event, id, signature };
}

/** Parses the body as a JSON object (the only shape a webhook payload has), or says why not. */
function parsePayload(body: string): { payload: Record<string, unknown> } | { refusal: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return { refusal: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { refusal: 'the body is JSON but not an object' };
  }
  return { payload: parsed as Record<string, unknown> };
}

/**
 * Answers 413 and ends the connection once the answer is out, so a client still uploading is cut off
 * instead of being read further.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, message: string): void {
  res.on('finish', () => req.socket.destroy());
  sendJson(res, 413, { message }, { connection: 'close' });
}

/**
 * Handles one POST to the webhook path (see the table above). Resolves once the answer is sent; never
 * rejects (an unexpected failure is logged and answered with 500).
 */
export async function handleWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  options: WebhookOptions,
): Promise<void> {
  const { log } = options;
  const checked = checkHeaders(req.headers, options.maxBodyBytes);
  if ('status' in checked) {
    log.warn({ status: checked.status }, `webhook refused: ${checked.message}`);
    if (checked.status === 413) refuseTooLarge(req, res, checked.message);
    else sendJson(res, checked.status, { message: checked.message });
    return;
  }
  const { event, id, signature } = checked;
  let read;
  try {
    read = await readBody(req, options.maxBodyBytes);
  } catch (error) {
    // The client went away mid-body: there is no one left to answer.
    log.warn({ delivery: id, err: error }, 'webhook body not received');
    return;
  }
  if (read.kind === 'too-large') {
    const message = `the body is larger than ${options.maxBodyBytes} bytes`;
    log.warn({ delivery: id, status: 413 }, `webhook refused: ${message}`);
    refuseTooLarge(req, res, message);
    return;
  }
  if (!verifySignature(options.secret, read.body, signature)) {
    const message = 'X-Hub-Signature-256 does not match the body and the webhook secret';
    log.warn({ delivery: id, event, status: 400 }, `webhook refused: ${message}`);
    sendJson(res, 400, { message });
    return;
  }
  const body = read.body.toString('utf8');
  const parsed = parsePayload(body);
  if ('refusal' in parsed) {
    log.warn({ delivery: id, event, status: 400 }, `webhook refused: ${parsed.refusal}`);
    sendJson(res, 400, { message: parsed.refusal });
    return;
  }
  const { payload } = parsed;
  let claim: Claim;
  try {
    claim = await options.accept({ id, event, payload, body });
  } catch (error) {
    log.error({ delivery: id, event, err: error }, 'webhook delivery could not be recorded');
    sendJson(res, 500, { message: 'the delivery could not be recorded; nothing was done: redeliver it' });
    return;
  }
  if (claim === 'duplicate') {
    log.info({ delivery: id, event }, 'webhook redelivery ignored: this delivery id was received before');
    sendJson(res, 200, { delivery: id, status: 'duplicate' });
    return;
  }
  log.debug({ delivery: id, event }, 'webhook accepted');
  sendJson(res, 202, { delivery: id, status: 'accepted' });
}
