/**
 * Checks GitHub's `X-Hub-Signature-256` header: `sha256=` and the hex HMAC-SHA256 of the request body under
 * the webhook secret. Computed over the body's raw bytes: `@octokit/webhooks-methods` `verify` takes a
 * string, and decoding the bytes to a string first would change any that are not valid UTF-8, so what is
 * verified would not be what was sent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/** Whether a header value has the form of a SHA-256 signature (`sha256=` and 64 hex digits). */
export function isSha256Signature(header: string): boolean {
  return SIGNATURE.test(header);
}

/**
 * True when `header` is the SHA-256 signature of exactly `body` under `secret`; false for any other value,
 * including a malformed header. Compares in constant time.
 */
export function verifySignature(secret: string, body: Uint8Array, header: string): boolean {
  const match = SIGNATURE.exec(header);
  if (match?.[1] === undefined) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
