/**
 * A unified diff, parsed into files with their added and removed lines (pure; no I/O).
 *
 * The input is what `git diff` prints (extended headers, renames and copies, new and deleted files, mode
 * changes, binary files with or without `--binary`, C-quoted paths) or a plain unified diff without the
 * `diff --git` line. The guards read the result, so the parser fails closed: a hunk that ends before its
 * header's line counts are reached is an error, never a shorter list of lines that a guard would miss.
 */

export type FileChange = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';

/** One line of a hunk: its number in the new file (added lines) or the old file (removed lines). */
export interface DiffLine {
  readonly line: number;
  /** The line's text without the leading `+`/`-` and without a trailing carriage return. */
  readonly text: string;
}

export interface FileDiff {
  /** The path the change is about: the new path, or the old one for a deletion. */
  readonly path: string;
  /** The path before the change; null for an added file. */
  readonly oldPath: string | null;
  /** The path after the change; null for a deleted file. */
  readonly newPath: string | null;
  readonly change: FileChange;
  readonly binary: boolean;
  /** Git's similarity index of a rename or copy, in percent; null otherwise. */
  readonly similarity: number | null;
  /** File modes (e.g. `100644`, `100755`, `120000`) when the diff states them. */
  readonly oldMode: string | null;
  readonly newMode: string | null;
  readonly added: readonly DiffLine[];
  readonly removed: readonly DiffLine[];
}

/** The diff could not be read; `line` is 1-based in the diff text. */
export class DiffParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (diff line ${line})`);
    this.name = 'DiffParseError';
  }
}

const DEV_NULL = '/dev/null';
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

const C_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  '\\': 92,
};

/**
 * Reads one path token starting at `from`: a C-quoted string as git writes names with special or
 * non-ASCII bytes (`"caf\303\251.txt"`, decoded as UTF-8), or else the text up to `stop` (exclusive).
 * Returns the path and the index just after it.
 */
function readPathToken(text: string, from: number, stop: number): { path: string; end: number } {
  if (text[from] !== '"') return { path: text.slice(from, stop), end: stop };
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let i = from + 1;
  while (i < text.length && text[i] !== '"') {
    const ch = text[i] as string;
    if (ch !== '\\') {
      bytes.push(...encoder.encode(ch));
      i += 1;
      continue;
    }
    const next = text[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 4;
    } else if (next in C_ESCAPES) {
      bytes.push(C_ESCAPES[next] as number);
      i += 2;
    } else {
      bytes.push(...encoder.encode(next));
      i += 2;
    }
  }
  return { path: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
}

/** `a/src/x.ts` → `src/x.ts` when the prefix is there; `/dev/null` → null. */
function stripPrefix(path: string, prefix: 'a/' | 'b/'): string | null {
  if (path === DEV_NULL) return null;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** The path of a `--- `/`+++ ` line; git appends a tab to names holding a space, and some tools a date. */
function markerPath(line: string, prefix: 'a/' | 'b/'): string | null {
  const rest = line.slice(4);
  const raw = rest.startsWith('"') ? readPathToken(rest, 0, rest.length).path : rest.split('\t')[0]!;
  return stripPrefix(raw, prefix);
}

/**
 * The two paths of `diff --git a/X b/Y`. Unquoted names may hold spaces, so when neither is quoted the
 * line is split where both halves name the same file (true unless the file was renamed or copied, and then
 * the `rename from`/`rename to` lines give the names).
 */
function gitHeaderPaths(line: string): { oldPath: string | null; newPath: string | null } {
  const rest = line.slice('diff --git '.length);
  if (rest.startsWith('"') || rest.endsWith('"')) {
    const first = rest.startsWith('"')
      ? readPathToken(rest, 0, rest.length)
      : { path: rest.slice(0, rest.lastIndexOf(' "')), end: rest.lastIndexOf(' "') };
    const secondStart = first.end + 1;
    const second = readPathToken(rest, secondStart, rest.length);
    return { oldPath: stripPrefix(first.path, 'a/'), newPath: stripPrefix(second.path, 'b/') };
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ') {
    const left = rest.slice(0, half);
    const right = rest.slice(half + 1);
    if (left.slice(2) === right.slice(2)) {
      return { oldPath: stripPrefix(left, 'a/'), newPath: stripPrefix(right, 'b/') };
    }
  }
  const split = rest.indexOf(' b/');
  if (split < 0) return { oldPath: null, newPath: null };
  return {
    oldPath: stripPrefix(rest.slice(0, split), 'a/'),
    newPath: stripPrefix(rest.slice(split + 1), 'b/'),
  };
}

interface Draft {
  oldPath: string | null;
  newPath: string | null;
  change: FileChange;
  binary: boolean;
  similarity: number | null;
  oldMode: string | null;
  newMode: string | null;
  added: DiffLine[];
  removed: DiffLine[];
}

const emptyDraft = (): Draft => ({
  oldPath: null,
  newPath: null,
  change: 'modified',
  binary: false,
  similarity: null,
  oldMode: null,
  newMode: null,
  added: [],
  removed: [],
});

function finish(draft: Draft, at: number): FileDiff {
  const path = draft.newPath ?? draft.oldPath;
  if (path === null) throw new DiffParseError('a file section names no path', at);
  return {
    ...draft,
    path,
    oldPath: draft.change === 'added' ? null : draft.oldPath,
    newPath: draft.change === 'deleted' ? null : draft.newPath,
  };
}

const withoutCr = (text: string): string => (text.endsWith('\r') ? text.slice(0, -1) : text);

/**
 * Reads the hunks starting at `lines[start]` into `draft` and returns the index of the first line after
 * them. Each hunk is read by its header's counts, so content lines that look like headers (`--- x`) are
 * read as content.
 */
function readHunks(lines: readonly string[], start: number, draft: Draft): number {
  let i = start;
  while (i < lines.length && (lines[i] as string).startsWith('@@')) {
    const header = HUNK_HEADER.exec(lines[i] as string);
    if (!header) throw new DiffParseError(`malformed hunk header "${lines[i]}"`, i + 1);
    let oldLine = Number(header[1]);
    let newLine = Number(header[3]);
    let oldLeft = header[2] === undefined ? 1 : Number(header[2]);
    let newLeft = header[4] === undefined ? 1 : Number(header[4]);
    i += 1;
    while (oldLeft > 0 || newLeft > 0) {
      const line = lines[i];
      if (line === undefined) {
        throw new DiffParseError(`hunk ends early: ${oldLeft} old and ${newLeft} new lines missing`, i + 1);
      }
      const tag = line[0];
      if (tag === '+' && newLeft > 0) {
        draft.added.push({ line: newLine, text: withoutCr(line.slice(1)) });
        newLine += 1;
        newLeft -= 1;
      } else if (tag === '-' && oldLeft > 0) {
        draft.removed.push({ line: oldLine, text: withoutCr(line.slice(1)) });
        oldLine += 1;
        oldLeft -= 1;
      } else if ((tag === ' ' || line === '') && oldLeft > 0 && newLeft > 0) {
        // An empty line is a context line whose leading space a mail client or editor stripped.
        oldLine += 1;
        newLine += 1;
        oldLeft -= 1;
        newLeft -= 1;
      } else if (tag !== '\\') {
        throw new DiffParseError(`unexpected line in hunk: "${line.slice(0, 60)}"`, i + 1);
      }
      i += 1;
    }
    while (i < lines.length && (lines[i] as string).startsWith('\\')) i += 1;
  }
  return i;
}

/** Skips a `GIT binary patch` body (base85 blocks), which ends where the next file begins. */
function skipBinaryPatch(lines: readonly string[], start: number): number {
  let i = start;
  while (i < lines.length && !(lines[i] as string).startsWith('diff --git ')) i += 1;
  return i;
}

/** Reads the `--- `/`+++ ` pair at `i`, if there is one, and returns the index after it. */
function readMarkers(lines: readonly string[], i: number, draft: Draft): number {
  const minus = lines[i];
  const plus = lines[i + 1];
  if (minus === undefined || !minus.startsWith('--- ') || plus === undefined || !plus.startsWith('+++ ')) {
    return i;
  }
  const oldPath = markerPath(minus, 'a/');
  const newPath = markerPath(plus, 'b/');
  if (oldPath === null && newPath === null) throw new DiffParseError('both sides are /dev/null', i + 1);
  if (oldPath === null) draft.change = 'added';
  if (newPath === null) draft.change = 'deleted';
  if (draft.change !== 'renamed' && draft.change !== 'copied') {
    draft.oldPath = oldPath ?? draft.oldPath;
    draft.newPath = newPath ?? draft.newPath;
  }
  return i + 2;
}

function readGitFile(lines: readonly string[], start: number): { file: FileDiff; next: number } {
  const draft = emptyDraft();
  Object.assign(draft, gitHeaderPaths(lines[start] as string));
  let i = start + 1;
  for (; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const value = (prefix: string) => (line.startsWith(prefix) ? line.slice(prefix.length) : null);
    const quoted = (prefix: string) => readPathToken(line, prefix.length, line.length).path;
    if (line.startsWith('diff --git ') || line.startsWith('--- ') || line.startsWith('@@')) break;
    if (value('new file mode ') !== null) {
      draft.change = 'added';
      draft.newMode = value('new file mode ');
    } else if (value('deleted file mode ') !== null) {
      draft.change = 'deleted';
      draft.oldMode = value('deleted file mode ');
    } else if (value('old mode ') !== null) draft.oldMode = value('old mode ');
    else if (value('new mode ') !== null) draft.newMode = value('new mode ');
    else if (line.startsWith('rename from ')) {
      draft.change = 'renamed';
      draft.oldPath = quoted('rename from ');
    } else if (line.startsWith('rename to ')) draft.newPath = quoted('rename to ');
    else if (line.startsWith('copy from ')) {
      draft.change = 'copied';
      draft.oldPath = quoted('copy from ');
    } else if (line.startsWith('copy to ')) draft.newPath = quoted('copy to ');
    else if (value('similarity index ') !== null) draft.similarity = parseInt(line.slice(17), 10);
    else if (line.startsWith('Binary files ')) {
      draft.binary = true;
    } else if (line === 'GIT binary patch') {
      draft.binary = true;
      i = skipBinaryPatch(lines, i + 1);
      break;
    }
  }
  if (draft.change === 'added') draft.oldPath = null;
  if (draft.change === 'deleted') draft.newPath = null;
  i = readMarkers(lines, i, draft);
  i = readHunks(lines, i, draft);
  return { file: finish(draft, start + 1), next: i };
}

function readPlainFile(lines: readonly string[], start: number): { file: FileDiff; next: number } {
  const draft = emptyDraft();
  let i = readMarkers(lines, start, draft);
  i = readHunks(lines, i, draft);
  return { file: finish(draft, start + 1), next: i };
}

/**
 * Parses unified diff text into one entry per file, in the order of the diff. Text before the first file
 * (a commit message, a `git format-patch` preamble) is skipped.
 *
 * @throws DiffParseError when a hunk is malformed or shorter than its header says, or for a combined
 * (merge) diff, which has no single old side.
 */
export function parseUnifiedDiff(text: string): FileDiff[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const files: FileDiff[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.startsWith('diff --cc ') || line.startsWith('diff --combined ')) {
      throw new DiffParseError('combined (merge) diffs are not supported; diff against one parent', i + 1);
    }
    if (line.startsWith('diff --git ')) {
      const { file, next } = readGitFile(lines, i);
      files.push(file);
      i = next;
    } else if (line.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ')) {
      const { file, next } = readPlainFile(lines, i);
      files.push(file);
      i = next;
    } else {
      i += 1;
    }
  }
  return files;
}

/** Totals of a parsed diff: files touched and lines added and removed (binary files count as files). */
export function diffStats(files: readonly FileDiff[]): { files: number; added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const file of files) {
    added += file.added.length;
    removed += file.removed.length;
  }
  return { files: files.length, added, removed };
}
