/**
 * HTML built from template literals where every interpolated value is escaped unless it is HTML built the
 * same way: `html\`<td>${title}</td>\`` is safe for any title. Untrusted text also has its invisible and
 * bidirectional characters shown and secrets redacted (app/render's `visible`), as in the app's comments.
 */
import { visible } from '../render/index.js';

/** A piece of HTML that is safe to insert as it is. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text escaped for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return visible(text).replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** What may be interpolated: text and numbers (escaped), SafeHtml, lists of these, nothing (empty). */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map((entry: HtmlValue) => render(entry)).join('');
  return escapeHtml(String(value));
}

/** The tagged template (see the module doc). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(text);
}

/**
 * An address safe for `href`: only http(s) addresses, as parsed and re-serialised by URL; anything else
 * (`javascript:`, relative paths, garbage) is undefined, so the caller shows plain text instead of a link.
 */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** `<a href>` to an external http(s) address (opened without referrer), or the plain text. */
export function link(text: HtmlValue, url: string | null | undefined): SafeHtml {
  const href = safeUrl(url);
  return href === undefined
    ? html`${text}`
    : html`<a href="${href}" rel="noopener noreferrer" target="_blank">${text}</a>`;
}
