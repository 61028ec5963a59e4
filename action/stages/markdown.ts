/**
 * Model text in what the stages publish (check summaries, tables, pull request bodies). A verdict's
 * summary or a finding is untrusted: it must not break out of a table cell, open HTML, render an image or
 * a link, mention people or leak a secret. Pure.
 */
import { redactSecrets } from '../../core/sanitize.js';

/** GitHub's limit of a check run's `output.summary` and `output.text`. */
export const MAX_CHECK_TEXT = 65_535;

/**
 * `text` as inert inline markdown on one line: secrets redacted, control and line-break characters turned
 * into spaces, the markdown that works inside a line backslash-escaped (emphasis, code, links, tables:
 * `|` included, so it can sit in a table cell), a leading heading, list or quote marker escaped, HTML
 * entity-encoded and `@` encoded so no one is mentioned; at most `max` characters.
 */
export function inlineText(text: string, max = 500): string {
  const oneLine = redactSecrets(text)
    .text.replace(/[\p{Cc}\p{Zl}\p{Zp}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  // Markdown punctuation first, then the entities, whose own `#` must stay as it is. Parentheses need no
  // escape once `[` and `]` are escaped: no link can form.
  return cut
    .replace(/([\\`*_{}[\]|~])/g, '\\$1')
    .replace(/^([#+-]|\d+\.)/, (marker) => `\\${marker}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '&#64;');
}

/**
 * `text` as a fenced code block that nothing inside can close: the fence is one backtick longer than the
 * longest run of backticks in it. Secrets are redacted; the text is cut to `max` characters.
 */
export function codeBlock(text: string, max = 4000): string {
  const clean = redactSecrets(text).text;
  const body = clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${body}\n${fence}`;
}

/** `text` cut to `max` characters, with a line saying so when it was cut. */
export function bounded(text: string, max: number = MAX_CHECK_TEXT): string {
  if (text.length <= max) return text;
  const note = '\n\n… (cut to fit GitHub’s limit)';
  return `${text.slice(0, max - note.length)}${note}`;
}

/** A markdown table; cells are given already escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
