/**
 * Quoting untrusted text (model output, issue text, human replies) inside the app's comments, so it can
 * neither ping people (`@user`, `@org/team`), nor hide content (HTML comments, hidden elements, invisible
 * or bidi characters), nor pass for the app's own words (headings, links, images, formatting). Secrets that
 * slipped into a model's output are redacted before anything is shown.
 */
import { redactSecrets } from '../../core/sanitize.js';

/** Characters that render as nothing or reorder text; shown as `[U+XXXX]` so a reader sees they were there. */
const INVISIBLE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** Invisible characters made visible, secrets redacted; newlines kept. */
export function visible(text: string): string {
  const shown = text
    .replace(/\r\n?/g, '\n')
    .replace(
      INVISIBLE,
      (char) => `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
    );
  return redactSecrets(shown).text;
}

/** `text` cut to `max` characters, with `…` when cut (never in the middle of a surrogate pair). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Markdown punctuation that could start formatting, links, images, headings, lists or tables. */
const MARKDOWN = /[\\`*_{}[\]()#+\-.!|~=]/g;

/** One line of plain text, safe inside a comment (see the module doc). */
export function escapeText(text: string, max = 500): string {
  return escapeLine(truncate(visible(text).replace(/\s+/g, ' ').trim(), max));
}

/** Several lines of plain text, safe inside a comment; line breaks are kept as hard breaks. */
export function escapeLines(text: string, max = 4000): string {
  return truncate(visible(text).trim(), max)
    .split('\n')
    .map((line) => escapeLine(line.trimEnd()))
    .join('  \n');
}

function escapeLine(line: string): string {
  return (
    line
      .replace(/[&<>"]/g, (char) => HTML[char]!)
      .replace(MARKDOWN, (char) => `\\${char}`)
      // A zero-width space after `@` keeps GitHub from turning it into a mention (people, teams, bots).
      .replace(/@/g, '@&#8203;')
  );
}

/** Inline code: shown verbatim, nothing in it renders or pings. One line. */
export function inlineCode(text: string, max = 200): string {
  const flat = truncate(visible(text).replace(/\s+/g, ' ').trim(), max);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block: shown verbatim on several lines; the fence is longer than any backtick run inside. */
export function codeBlock(text: string, max = 4000): string {
  const body = truncate(visible(text).replace(/\s+$/, ''), max);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${body}\n${fence}`;
}

/** A GitHub login, safe to show and never a mention: `` `octocat` ``. */
export const login = (name: string): string => inlineCode(name, 60);
