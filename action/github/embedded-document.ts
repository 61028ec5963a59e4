/**
 * A JSON document carried inside the text a check run shows, in a hidden HTML comment: how a reviewer's
 * verdict (or its "could not run" error) and the test results of a head travel from the stage that made
 * them to the release gate. Check runs can only be written by the app that created them, so a document read
 * back from one of the app's own check runs is the app's word, which no other app or person can forge.
 *
 * Format: `<!-- ai-orchestrator:<kind>:v1 <base64 of raw DEFLATE of the UTF-8 JSON> -->`. Compressed
 * because GitHub caps a check's `output.text` at 65,535 characters; base64 because it never contains
 * `-->` or anything markdown would render.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

/** The kinds of document a check run carries. */
export type DocumentKind = 'reviewer-document' | 'test-results';

/** The largest document inflated when read back, in bytes: a bound on what a corrupt marker can cost. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

const prefix = (kind: DocumentKind) => `<!-- ai-orchestrator:${kind}:v1 `;
const SUFFIX = ' -->';

/** The marker carrying `value` (any JSON value). */
export function embedDocument(kind: DocumentKind, value: unknown): string {
  const packed = Buffer.from(deflateSync(strToU8(JSON.stringify(value)), { level: 9 })).toString('base64');
  return `${prefix(kind)}${packed}${SUFFIX}`;
}

export type EmbeddedDocument = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The document of `kind` in `text` (the first marker of that kind), parsed. Never throws: a missing,
 * corrupt, oversized or non-JSON marker is a reason, which the caller treats as an unreadable document.
 */
export function readEmbeddedDocument(kind: DocumentKind, text: string | null | undefined): EmbeddedDocument {
  const start = text?.indexOf(prefix(kind)) ?? -1;
  if (text === null || text === undefined || start < 0) return { ok: false, reason: `no ${kind} marker` };
  const from = start + prefix(kind).length;
  const end = text.indexOf(SUFFIX, from);
  const packed = end < 0 ? '' : text.slice(from, end);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(packed)) return { ok: false, reason: `the ${kind} marker is damaged` };
  try {
    const out = new Uint8Array(MAX_DOCUMENT_BYTES + 1);
    const bytes = inflateSync(Buffer.from(packed, 'base64'), { out });
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      return { ok: false, reason: `the ${kind} is larger than ${MAX_DOCUMENT_BYTES} bytes` };
    }
    return { ok: true, value: JSON.parse(strFromU8(bytes)) as unknown };
  } catch (error) {
    return { ok: false, reason: `the ${kind} marker does not decode (${(error as Error).message})` };
  }
}
