/**
 * Trims the output of a build, test or lint command to what a developer (or the developer model) needs:
 * the failing tests and their messages first, then the start and the end of the output, within a bound.
 * Pure (no I/O); it lives beside the executor because only the executor produces such output.
 *
 * Failures are recognised in the formats of jest and vitest, node:test (TAP and spec reporters), pytest,
 * go test, cargo test and Maven Surefire; when none of them matches, lines that read like errors
 * (`Error:`, `error TS2322:`, `error[E0308]:`, eslint's `12:5  error`) are taken with a little context.
 */

/** The default bound of trimmed output, in characters: a few screens, cheap for a model to read. */
export const DEFAULT_TRIMMED_CHARS = 12_000;

/** Most lines kept of one failure block (the message and the top of the stack come first). */
const MAX_BLOCK_LINES = 60;

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** The text without colour codes, and each line as the terminal last showed it (after any `\r`). */
export function cleanOutput(output: string): string {
  return output
    .replace(ANSI, '')
    .split('\n')
    .map((line) => {
      const trimmed = line.replace(/\r+$/, '');
      return trimmed.slice(trimmed.lastIndexOf('\r') + 1);
    })
    .join('\n');
}

type Range = readonly [start: number, end: number];

/** A recogniser: the line ranges (end exclusive) of the failures it finds. */
interface Recogniser {
  readonly name: string;
  readonly find: (lines: readonly string[]) => Range[];
}

const indentOf = (line: string): number => /^\s*/.exec(line)![0].length;

/** Ranges starting at each line matching `start` and running until `stops` says the block is over. */
function blocks(
  lines: readonly string[],
  start: RegExp,
  stops: (line: string, index: number, first: number) => boolean,
): Range[] {
  const ranges: Range[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!start.test(lines[i] as string)) continue;
    let end = i + 1;
    while (end < lines.length && !stops(lines[end] as string, end, i)) end += 1;
    ranges.push([i, end]);
    i = end - 1;
  }
  return ranges;
}

/** Single lines matching `pattern`, each as a range. */
const matchingLines = (lines: readonly string[], pattern: RegExp): Range[] =>
  lines.flatMap((line, i) => (pattern.test(line) ? [[i, i + 1] as const] : []));

const JEST_SUMMARY = /^(?:Test Suites:|Tests:|Snapshots:|Time:|Ran all test suites)/;

const RECOGNISERS: readonly Recogniser[] = [
  {
    name: 'jest',
    find: (lines) => [
      ...blocks(
        lines,
        /^\s*● (?!Console\b)/,
        (line) => /^\s*● /.test(line) || JEST_SUMMARY.test(line) || /^(?:PASS|FAIL) /.test(line),
      ),
      ...matchingLines(lines, /^FAIL |^Tests:.*\bfailed\b/),
    ],
  },
  {
    name: 'vitest',
    find: (lines) => [
      ...blocks(lines, /^\s*FAIL\s+\S+.*>/, (line) => /^\s*FAIL\s/.test(line) || /^\s*⎯{3,}/.test(line)),
      ...matchingLines(lines, /^\s*(?:×|✗)\s|^\s*Tests\s+\d+ failed/),
    ],
  },
  {
    name: 'node:test',
    find: (lines) => [
      // TAP: `not ok 3 - name` and its indented YAML block, which ends at a line holding only `...`.
      ...blocks(lines, /^\s*not ok \d+/, (line) =>
        /^\s*(?:not )?ok \d+|^\s*1\.\.\d+$|^# (?:tests|suites|pass|fail)\b/.test(line),
      ),
      ...matchingLines(lines, /^# fail [1-9]/),
      // spec reporter: the `✖ failing tests:` section at the end.
      ...blocks(lines, /^\s*✖ failing tests:/, () => false),
    ],
  },
  {
    name: 'pytest',
    find: (lines) => [
      ...blocks(
        lines,
        /^=+ (?:FAILURES|ERRORS) =+$/,
        (line) => /^=+ .* =+$/.test(line) && !/FAILURES|ERRORS/.test(line),
      ),
      ...blocks(
        lines,
        /^=+ short test summary info =+$/,
        (line) => /^=+ .* =+$/.test(line) && !/short test summary/.test(line),
      ),
      ...matchingLines(lines, /^=+ .*\b\d+ (?:failed|error)/),
    ],
  },
  {
    name: 'go test',
    find: (lines) => [
      ...blocks(
        lines,
        /^\s*--- FAIL: /,
        (line, _i, first) => indentOf(line) <= indentOf(lines[first] as string) && !/^\s+/.test(line),
      ),
      ...blocks(lines, /^panic: /, (line, i, first) => i - first >= 30 || line === ''),
      ...matchingLines(lines, /^FAIL(?:\t|$)/),
    ],
  },
  {
    name: 'cargo test',
    find: (lines) => [
      ...blocks(
        lines,
        /^---- .+ stdout ----$/,
        (line) => /^---- .+ stdout ----$/.test(line) || /^failures:$/.test(line),
      ),
      ...matchingLines(lines, /^test .+ \.\.\. FAILED$|^test result: FAILED/),
    ],
  },
  {
    name: 'maven surefire',
    find: (lines) => [
      ...blocks(
        lines,
        /<<< (?:FAILURE|ERROR)!$/,
        (line) => line.trim() === '' || /^\[(?:INFO|ERROR)\]/.test(line),
      ),
      ...matchingLines(lines, /^\[ERROR\] (?!To see the full|Re-run Maven|For more information|-> \[Help|$)/),
    ],
  },
];

/** Error-looking lines, taken when no test format was recognised (compilers, linters, crashes). */
const GENERIC_ERROR =
  /(?:^|\s)(?:[A-Z]\w*)?Error(?:\[\w+\])?:\s|^\s*error(?:\[\w+\])?:|\berror TS\d+:|^\s*\d+:\d+\s+error\s|^ERROR\b|:\d+(?::\d+)?:\s*(?:fatal )?error\b/;

/** Sorts ranges and merges overlapping ones (adjacent blocks stay separate failures). */
function merge(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The failure blocks of `output` (already cleaned) and the names of the formats that found them. */
export function findFailures(output: string): { formats: string[]; blocks: string[] } {
  const lines = output.split('\n');
  const formats: string[] = [];
  let ranges: Range[] = [];
  for (const recogniser of RECOGNISERS) {
    const found = recogniser.find(lines);
    if (found.length > 0) {
      formats.push(recogniser.name);
      ranges.push(...found);
    }
  }
  if (ranges.length === 0) {
    ranges = lines.flatMap((line, i) =>
      GENERIC_ERROR.test(line) ? [[i, Math.min(lines.length, i + 3)] as const] : [],
    );
    if (ranges.length > 0) formats.push('error lines');
  }
  const seen = new Set<string>();
  const found: string[] = [];
  for (const [start, end] of merge(ranges)) {
    const blockLines = lines.slice(start, end);
    while (blockLines.length > 0 && blockLines[blockLines.length - 1]!.trim() === '') blockLines.pop();
    const kept =
      blockLines.length > MAX_BLOCK_LINES
        ? [
            ...blockLines.slice(0, MAX_BLOCK_LINES),
            `[… ${blockLines.length - MAX_BLOCK_LINES} more lines of this failure …]`,
          ]
        : blockLines;
    const text = kept.join('\n');
    // jest and pytest repeat failures in a summary; one copy is enough.
    if (text.trim() !== '' && !seen.has(text)) {
      seen.add(text);
      found.push(text);
    }
  }
  return { formats, blocks: found };
}

/** The start and end of `text` within `max` characters, cut at line boundaries, with what was left out. */
export function headAndTail(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  const headBudget = Math.floor(max / 3);
  const tailBudget = max - headBudget;
  const head: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > headBudget) break;
    head.push(line);
    used += line.length + 1;
  }
  const tail: string[] = [];
  used = 0;
  for (let i = lines.length - 1; i >= head.length; i -= 1) {
    const line = lines[i] as string;
    if (used + line.length + 1 > tailBudget) break;
    tail.unshift(line);
    used += line.length + 1;
  }
  const omitted = lines.length - head.length - tail.length;
  // A single line longer than the whole budget: keep its two ends rather than nothing.
  if (head.length === 0 && tail.length === 0) {
    return `${text.slice(0, headBudget)}\n[… ${text.length - max} characters omitted …]\n${text.slice(-tailBudget)}`;
  }
  return [...head, `[… ${omitted} lines omitted …]`, ...tail].join('\n');
}

/**
 * `output` cleaned (no colour codes, no progress-bar overwrites) and, when longer than `maxChars`,
 * trimmed to: the recognised failures first (at most about two thirds of the room, whole blocks in
 * order, the rest counted), then the start and end of the whole output in the room left. The result is
 * at most about `maxChars` characters (plus a few header lines).
 */
export function trimOutput(output: string, maxChars: number = DEFAULT_TRIMMED_CHARS): string {
  if (!Number.isSafeInteger(maxChars) || maxChars < 200) {
    throw new RangeError(`maxChars must be an integer of at least 200, got ${String(maxChars)}`);
  }
  const clean = cleanOutput(output);
  if (clean.length <= maxChars) return clean;
  const { formats, blocks: failures } = findFailures(clean);
  const failureBudget = Math.floor((maxChars * 2) / 3);
  const shown: string[] = [];
  let used = 0;
  for (const block of failures) {
    const piece =
      block.length > failureBudget - used && shown.length === 0 ? headAndTail(block, failureBudget) : block;
    if (used + piece.length + 1 > failureBudget) break;
    shown.push(piece);
    used += piece.length + 1;
  }
  const parts: string[] = [];
  if (shown.length > 0) {
    parts.push(`=== Failures (${formats.join(', ')}) ===`, ...shown);
    if (shown.length < failures.length)
      parts.push(`[… ${failures.length - shown.length} more failures omitted …]`);
    parts.push('=== Output (start and end) ===');
  }
  parts.push(headAndTail(clean, Math.max(200, maxChars - used)));
  return parts.join('\n');
}
