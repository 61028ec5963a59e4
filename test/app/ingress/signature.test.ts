/** The signature check on its own (checklist A 1–3): GitHub's published test vector, raw bytes, bad forms. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { sign } from '@octokit/webhooks-methods';
import { isSha256Signature, verifySignature } from '../../../app/server/signature.js';

// From GitHub's "Validating webhook deliveries" documentation.
const VECTOR = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

describe('verifySignature', () => {
  it("accepts GitHub's test vector", () => {
    expect(verifySignature(VECTOR.secret, Buffer.from(VECTOR.payload), VECTOR.signature)).toBe(true);
  });

  it('agrees with @octokit/webhooks-methods sign', async () => {
    expect(await sign(VECTOR.secret, VECTOR.payload)).toBe(VECTOR.signature);
    const body = '{"zen":"Design for failure. 🚧 ünïcödé","n":1}';
    expect(verifySignature('s3cret', Buffer.from(body), await sign('s3cret', body))).toBe(true);
  });

  it('accepts the hex digits in upper case too', () => {
    const upper = `sha256=${VECTOR.signature.slice(7).toUpperCase()}`;
    expect(verifySignature(VECTOR.secret, Buffer.from(VECTOR.payload), upper)).toBe(true);
  });

  it('refuses another secret, another body, or one changed byte', () => {
    expect(verifySignature('another secret', Buffer.from(VECTOR.payload), VECTOR.signature)).toBe(false);
    expect(verifySignature(VECTOR.secret, Buffer.from('Hello, World?'), VECTOR.signature)).toBe(false);
    expect(verifySignature(VECTOR.secret, Buffer.from(`${VECTOR.payload} `), VECTOR.signature)).toBe(false);
  });

  it('checks the bytes received, which decoding to a string and back would change', () => {
    // {"a":"<0xff 0xfe>"}: not UTF-8, so a decoded string holds U+FFFD instead and encodes to other bytes.
    const raw = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const signature = `sha256=${createHmac('sha256', 'k').update(raw).digest('hex')}`;
    expect(verifySignature('k', raw, signature)).toBe(true);
    expect(verifySignature('k', Buffer.from(raw.toString('utf8')), signature)).toBe(false);
  });

  it('refuses malformed headers: SHA-1, empty, wrong length, not hex', () => {
    for (const header of [
      'sha1=0a9f4a5ab9b2cdaa3dee3c8b0e8b1a5b0b5e5f5a',
      '',
      'sha256=',
      VECTOR.signature.slice(0, -1),
      `${VECTOR.signature}0`,
      VECTOR.signature.replace('7', 'g'),
      VECTOR.signature.slice(7),
    ]) {
      expect(isSha256Signature(header)).toBe(false);
      expect(verifySignature(VECTOR.secret, Buffer.from(VECTOR.payload), header)).toBe(false);
    }
  });
});
