/**
 * Reads a request body with a size limit that holds while reading: bytes are counted as they stream in and
 * reading stops at the first chunk past the limit, so a huge or endless body never sits in memory (a
 * `Content-Length` can be absent, with chunked encoding, or lie).
 */
import type { IncomingMessage } from 'node:http';

/** The whole body, or the news that it went past the limit (after `received` bytes; reading stopped). */
export type BodyResult = { kind: 'complete'; body: Buffer } | { kind: 'too-large'; received: number };

/**
 * Reads `req` to its end unless it grows past `maxBytes`; then stops reading (the request is paused and
 * what was read is dropped) and resolves 'too-large': the caller answers and closes the connection.
 * Rejects when the client goes away or the stream fails before the end.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        req.pause();
        chunks = [];
        resolve({ kind: 'too-large', received });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ kind: 'complete', body: Buffer.concat(chunks, received) });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // 'close' without 'end' first: the client disconnected mid-body.
    const onClose = () => {
      cleanup();
      reject(new Error(`request closed after ${received} bytes, before the end of its body`));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
