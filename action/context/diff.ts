/**
 * Reads a unified diff (git diff output) for what it changes: the files, and the symbols defined on
 * changed lines or enclosing a changed hunk (the `@@ … @@ function foo(` context git prints).
 */
import { definedNames } from './definitions.js';

export interface DiffSummary {
  /** Paths the diff touches (the new name for renames; the old name for deletions). */
  files: string[];
  /** Symbols the diff defines, redefines, removes or edits inside of, in order of appearance. */
  symbols: string[];
}

/** At most this many symbols are taken from one diff: the first ones are the ones in the first files. */
export const MAX_DIFF_SYMBOLS = 20;

/** Summarises `diff`. Text that is not a unified diff yields no files and no symbols. */
export function summarizeDiff(diff: string): DiffSummary {
  const files: string[] = [];
  const symbols: string[] = [];
  const addSymbols = (text: string) => {
    for (const name of definedNames(text, true)) {
      if (name.length >= 3 && !symbols.includes(name) && symbols.length < MAX_DIFF_SYMBOLS)
        symbols.push(name);
    }
  };
  let oldPath: string | undefined;
  // Lines still expected in the current hunk, from its header: a hunk line starting with `---` is a
  // removed line, not the next file's header, and only the counts can tell.
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of diff.split('\n')) {
    // A new hunk or file header before the counts ran out means the counts were wrong: trust the header.
    if (line.startsWith('@@ ') || line.startsWith('diff --git ')) {
      oldLeft = 0;
      newLeft = 0;
    }
    if (oldLeft > 0 || newLeft > 0) {
      const mark = line[0];
      if (mark === '-' || mark === ' ' || line === '') oldLeft--;
      if (mark === '+' || mark === ' ' || line === '') newLeft--;
      if (mark === '+' || mark === '-') addSymbols(line.slice(1));
      continue;
    }
    if (line.startsWith('--- ')) {
      oldPath = stripPrefix(line.slice(4));
    } else if (line.startsWith('+++ ')) {
      const path = stripPrefix(line.slice(4)) ?? oldPath;
      if (path && !files.includes(path)) files.push(path);
    } else if (line.startsWith('@@')) {
      const header = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@ ?(.*)$/.exec(line);
      if (!header) continue;
      oldLeft = header[1] === undefined ? 1 : Number(header[1]);
      newLeft = header[2] === undefined ? 1 : Number(header[2]);
      if (header[3]) addSymbols(header[3]);
    }
  }
  return { files, symbols };
}

/** `a/src/x.ts` → `src/x.ts`; `/dev/null` → undefined; tab-separated timestamps are dropped. */
function stripPrefix(raw: string): string | undefined {
  const path = raw.split('\t')[0]?.trim() ?? '';
  if (path === '/dev/null' || path === '') return undefined;
  const unquoted = path.startsWith('"') && path.endsWith('"') ? path.slice(1, -1) : path;
  return unquoted.replace(/^[ab]\//, '');
}
