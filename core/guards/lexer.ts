/**
 * A small, forgiving lexer for the guards: it splits lines of source into code, comments and string
 * literals, so a pattern meant for code does not fire inside a comment or a string, and a pattern meant
 * for comments sees only comments. Pure.
 *
 * It reads lines from a diff, not whole files, so it cannot always know whether a line starts inside a
 * block comment or a multi-line string. It carries that state from one line to the next only while the
 * line numbers are consecutive, and otherwise starts in code (with one cheap guess: a line starting with
 * `*` in a C-like language is a block-comment continuation). Regex literals and string interpolation are
 * not understood; the guards built on it prefer to miss a finding over inventing one.
 */

/** How comments and strings are written in a family of languages. */
export interface Syntax {
  readonly family: 'c' | 'js' | 'go' | 'rust' | 'jvm' | 'python' | 'hash' | 'sql' | 'markup' | 'css';
  readonly lineComments: readonly string[];
  readonly blockComments: ReadonlyArray<readonly [open: string, close: string]>;
  /** Delimiters of strings that end on the line they start on. */
  readonly quotes: readonly string[];
  /** Delimiters of strings that may span lines (template literals, raw strings). */
  readonly multilineQuotes: readonly string[];
  /** `'` opens only a one-character literal (Rust, Go); elsewhere it is code (a Rust lifetime). */
  readonly charQuote: boolean;
}

const C_BLOCK = [['/*', '*/']] as const;

const SYNTAXES = {
  js: {
    family: 'js',
    lineComments: ['//'],
    blockComments: C_BLOCK,
    quotes: ["'", '"'],
    multilineQuotes: ['`'],
    charQuote: false,
  },
  c: {
    family: 'c',
    lineComments: ['//'],
    blockComments: C_BLOCK,
    quotes: ['"'],
    multilineQuotes: [],
    charQuote: true,
  },
  jvm: {
    family: 'jvm',
    lineComments: ['//'],
    blockComments: C_BLOCK,
    quotes: ['"'],
    multilineQuotes: ['"""'],
    charQuote: true,
  },
  go: {
    family: 'go',
    lineComments: ['//'],
    blockComments: C_BLOCK,
    quotes: ['"'],
    multilineQuotes: ['`'],
    charQuote: true,
  },
  rust: {
    family: 'rust',
    lineComments: ['//'],
    blockComments: C_BLOCK,
    quotes: ['"'],
    multilineQuotes: [],
    charQuote: true,
  },
  python: {
    family: 'python',
    lineComments: ['#'],
    // Docstrings are documentation; for the guards they are comments.
    blockComments: [
      ['"""', '"""'],
      ["'''", "'''"],
    ],
    quotes: ["'", '"'],
    multilineQuotes: [],
    charQuote: false,
  },
  hash: {
    family: 'hash',
    lineComments: ['#'],
    blockComments: [],
    quotes: ["'", '"'],
    multilineQuotes: [],
    charQuote: false,
  },
  sql: {
    family: 'sql',
    lineComments: ['--'],
    blockComments: C_BLOCK,
    quotes: ["'"],
    multilineQuotes: [],
    charQuote: false,
  },
  markup: {
    family: 'markup',
    lineComments: [],
    blockComments: [['<!--', '-->']],
    quotes: [],
    multilineQuotes: [],
    charQuote: false,
  },
  css: {
    family: 'css',
    lineComments: [],
    blockComments: C_BLOCK,
    quotes: ["'", '"'],
    multilineQuotes: [],
    charQuote: false,
  },
} satisfies Record<string, Syntax>;

const BY_EXTENSION: Readonly<Record<string, Syntax>> = {
  ...Object.fromEntries(
    ['js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts', 'vue', 'svelte'].map((e) => [e, SYNTAXES.js]),
  ),
  ...Object.fromEntries(
    ['c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'cs', 'swift', 'dart', 'php', 'm'].map((e) => [e, SYNTAXES.c]),
  ),
  ...Object.fromEntries(['java', 'kt', 'kts', 'scala', 'groovy', 'gradle'].map((e) => [e, SYNTAXES.jvm])),
  go: SYNTAXES.go,
  rs: SYNTAXES.rust,
  py: SYNTAXES.python,
  pyi: SYNTAXES.python,
  ...Object.fromEntries(
    [
      'rb',
      'sh',
      'bash',
      'zsh',
      'yml',
      'yaml',
      'toml',
      'r',
      'pl',
      'tf',
      'hcl',
      'cfg',
      'conf',
      'ps1',
      'mk',
    ].map((e) => [e, SYNTAXES.hash]),
  ),
  sql: SYNTAXES.sql,
  ...Object.fromEntries(['html', 'htm', 'xml', 'svg'].map((e) => [e, SYNTAXES.markup])),
  ...Object.fromEntries(['css', 'scss', 'less'].map((e) => [e, SYNTAXES.css])),
};

const BY_NAME: Readonly<Record<string, Syntax>> = {
  Makefile: SYNTAXES.hash,
  Dockerfile: SYNTAXES.hash,
  Containerfile: SYNTAXES.hash,
  Gemfile: SYNTAXES.hash,
  Rakefile: SYNTAXES.hash,
};

/** The syntax of a file by its name, or null for prose, data and unknown formats. */
export function syntaxOf(path: string): Syntax | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const byName = BY_NAME[name];
  if (byName) return byName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null) : null;
}

/** A line split into its parts. */
export interface ScannedLine {
  /** The line number in the file. */
  readonly line: number;
  readonly text: string;
  /** `text` with every comment and string literal's content replaced by spaces (same length). */
  readonly code: string;
  /** The text of each comment on the line, without its delimiters. */
  readonly comments: readonly string[];
  /** The content of each string literal on the line, without its quotes. */
  readonly strings: readonly string[];
}

type State = { kind: 'code' } | { kind: 'comment'; close: string } | { kind: 'string'; close: string };

/** Index of `close` at or after `from`, skipping backslash escapes when `escapes`; -1 when absent. */
function findClose(text: string, from: number, close: string, escapes: boolean): number {
  for (let i = from; i < text.length; i += 1) {
    if (escapes && text[i] === '\\') {
      i += 1;
      continue;
    }
    if (text.startsWith(close, i)) return i;
  }
  return -1;
}

const startsAny = (text: string, at: number, tokens: readonly string[]): string | undefined =>
  tokens.find((token) => text.startsWith(token, at));

/** The end (exclusive) of a one-character literal at `at` (`'a'`, `'\n'`, `'\u{1F600}'`), or -1. */
function charLiteralEnd(text: string, at: number): number {
  const match = /^'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'])'/u.exec(text.slice(at));
  return match ? at + match[0].length : -1;
}

/**
 * Splits `lines` (in file order, each with its line number) into code, comments and strings. The state
 * of a block comment or multi-line string carries over to the next line only when it is the next line of
 * the file.
 */
export function scanLines(
  lines: ReadonlyArray<{ line: number; text: string }>,
  syntax: Syntax,
): ScannedLine[] {
  const result: ScannedLine[] = [];
  let state: State = { kind: 'code' };
  let previous = Number.NaN;
  for (const { line, text } of lines) {
    if (line !== previous + 1) {
      state = { kind: 'code' };
      const cBlock = syntax.blockComments.some(([open]) => open === '/*');
      if (cBlock && /^\s*\*/.test(text) && !/^\s*\*\//.test(text)) state = { kind: 'comment', close: '*/' };
    }
    previous = line;
    const code = text.split('');
    const comments: string[] = [];
    const strings: string[] = [];
    const blank = (from: number, to: number) => {
      for (let k = from; k < to; k += 1) code[k] = ' ';
    };
    let i = 0;
    while (i < text.length) {
      if (state.kind !== 'code') {
        const inString = state.kind === 'string';
        const end = findClose(text, i, state.close, inString);
        const stop = end < 0 ? text.length : end;
        (inString ? strings : comments).push(text.slice(i, stop));
        blank(i, stop);
        if (end < 0) break;
        i = end + state.close.length;
        state = { kind: 'code' };
        continue;
      }
      const lineComment = startsAny(text, i, syntax.lineComments);
      if (lineComment !== undefined) {
        comments.push(text.slice(i + lineComment.length));
        blank(i, text.length);
        break;
      }
      const block = syntax.blockComments.find(([open]) => text.startsWith(open, i));
      if (block) {
        i += block[0].length;
        state = { kind: 'comment', close: block[1] };
        continue;
      }
      const multi = startsAny(text, i, syntax.multilineQuotes);
      if (multi !== undefined) {
        i += multi.length;
        state = { kind: 'string', close: multi };
        continue;
      }
      const quote = startsAny(text, i, syntax.quotes);
      if (quote !== undefined) {
        const end = findClose(text, i + 1, quote, true);
        const stop = end < 0 ? text.length : end;
        strings.push(text.slice(i + 1, stop));
        blank(i + 1, stop);
        i = end < 0 ? text.length : end + 1;
        continue;
      }
      if (syntax.charQuote && text[i] === "'") {
        const end = charLiteralEnd(text, i);
        if (end > 0) {
          strings.push(text.slice(i + 1, end - 1));
          blank(i + 1, end - 1);
          i = end;
          continue;
        }
      }
      i += 1;
    }
    // A single-line string never continues on the next line; a comment or multi-line string may.
    result.push({ line, text, code: code.join(''), comments, strings });
  }
  return result;
}
