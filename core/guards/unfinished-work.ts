/**
 * The unfinished-work guard: markers, placeholders in code and empty stubs on the lines a change adds (design §6;
 * the seeds' developer agent shipped a whole feature around one deferred line, and a function that took
 * `stdin` and silently dropped it). Pure.
 *
 * Only added lines are read: a marker the change did not write is not this change's to fix. Findings are
 * language-aware: comment markers are looked for in comments only and must stand alone in capitals (an
 * identifier that merely contains the word is fine), placeholder calls in code only (not in strings or
 * comments), and prose files only trip on a marker followed by `:` or `(`.
 */
import type { DiffLine, FileDiff } from '../diff.js';
import { scanLines, syntaxOf } from './lexer.js';
import type { ScannedLine, Syntax } from './lexer.js';
import { quote } from './violation.js';
import type { Violation } from './violation.js';
import {
  DOTNET_NOT_DONE_EXCEPTION,
  KOTLIN_PLACEHOLDER_CALL,
  LOWERCASE_MARKERS,
  MARKER_WORDS,
  NOT_DONE,
  PLACEHOLDER_PHRASES,
  PLACEHOLDER_WORDS,
  PYTHON_NOT_DONE_ERROR,
  RUST_PLACEHOLDER_MACROS,
  UNDONE_WORD,
} from './vocabulary.js';

const COMMENT_MARKER = new RegExp(`(?<![\\w-])(${MARKER_WORDS.join('|')})(?![\\w-])`);
const COMMENT_MARKER_LOWERCASE = new RegExp(
  `^[\\s/*#!-]*@?(${LOWERCASE_MARKERS.join('|')})\\s*(?:[:(-]|$)`,
  'i',
);
const DOC_TAG_MARKER = new RegExp(`(?<![\\w-])@(${LOWERCASE_MARKERS.join('|')})\\b`, 'i');
const PLACEHOLDER_PHRASE = new RegExp(`\\b(${PLACEHOLDER_PHRASES.join('|')})\\b`, 'i');
const PLACEHOLDER_ONLY = new RegExp(`^[\\s/*#!.:-]*(${PLACEHOLDER_WORDS.join('|')})[\\s.!:]*$`, 'i');
const PROSE_MARKER = new RegExp(`(?<![\\w-])(${MARKER_WORDS.slice(0, 2).join('|')})(?![\\w-])\\s*[:(]`);

const RUST_MACRO = new RegExp(`(?<![\\w:])(${RUST_PLACEHOLDER_MACROS.join('|')})!\\s*[([{]`);
const KOTLIN_CALL = new RegExp(`(?<![\\w.])${KOTLIN_PLACEHOLDER_CALL}\\s*\\(`);
const DOTNET_THROW = new RegExp(`\\bthrow\\s+new\\s+${DOTNET_NOT_DONE_EXCEPTION}\\b`);
const PYTHON_RAISE = new RegExp(`^\\s*raise\\s+${PYTHON_NOT_DONE_ERROR}\\b`);
const THROWING = /\b(?:throw|raise|panic!?)(?![\w$])/;
// An error message that says nothing but "not done": an IDE template's stock message, or a bare marker word
// from the vocabulary. A message that goes on to explain a case (`... for maps`) is an error path, not a stub.
const PLACEHOLDER_MESSAGE = new RegExp(
  `^\\s*(?:[\\w.$]+\\s+)?(?:is\\s+)?(?:${NOT_DONE}|${UNDONE_WORD}|implement me)(?:\\s+yet)?[\\s.!:]*$|^\\s*(?:${LOWERCASE_MARKERS.join('|')})\\b`,
  'i',
);
const HTTP_501 = /\b501\b/;
const JS_PLACEHOLDER_TEST = new RegExp(`(?<![\\w$.])(?:it|test)\\.${LOWERCASE_MARKERS[0]}\\s*\\(`);

/** Why a comment marks unfinished work, or null. */
function commentFinding(comment: string): string | null {
  const marker =
    COMMENT_MARKER.exec(comment) ?? COMMENT_MARKER_LOWERCASE.exec(comment) ?? DOC_TAG_MARKER.exec(comment);
  if (marker)
    return `the comment marker "${marker[1]}" defers work: do that work now, or drop the marker if nothing is left to do`;
  const phrase = PLACEHOLDER_PHRASE.exec(comment) ?? PLACEHOLDER_ONLY.exec(comment);
  if (phrase) return `the comment "${quote(comment, 60)}" marks a placeholder: write the real code`;
  return null;
}

/** Why code on the line is a placeholder that fails or does nothing at run time, or null. */
function codeFinding(scanned: ScannedLine, syntax: Syntax, path: string): string | null {
  const { code, strings, text } = scanned;
  if (syntax.family === 'rust') {
    const macro = RUST_MACRO.exec(code);
    if (macro) return `\`${macro[1]}!()\` panics where code should be: implement this path`;
  }
  if (/\.kts?$/.test(path) && KOTLIN_CALL.test(code))
    return `\`${KOTLIN_PLACEHOLDER_CALL}()\` throws where code should be: implement this path`;
  if (syntax.family === 'js' && JS_PLACEHOLDER_TEST.test(code)) {
    return 'a placeholder test runs nothing: write the test, or leave it out';
  }
  if (DOTNET_THROW.test(code))
    return `\`${DOTNET_NOT_DONE_EXCEPTION}\` is thrown where code should be: implement this path`;
  if (syntax.family === 'python' && PYTHON_RAISE.test(code)) return null; // judged with its decorators below
  if (THROWING.test(code) && !HTTP_501.test(text)) {
    const message = strings.find((s) => PLACEHOLDER_MESSAGE.test(s));
    if (message !== undefined)
      return `the error "${quote(message, 40)}" is raised where code should be: implement this path`;
  }
  return null;
}

// ---- Empty bodies that accept parameters and ignore them -------------------------------------------

/** Splits a parameter list at top-level commas (not inside <>, (), [], {}). */
function splitParameters(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if ('<([{'.includes(ch)) depth += 1;
    if ('>)]}'.includes(ch)) depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const ignorable = (name: string): boolean =>
  name === '' || name.startsWith('_') || ['self', 'cls', 'this', '/', '*'].includes(name);

/** The names of the parameters a function declares, in a language family's syntax; `_`-names excluded. */
function parameterNames(list: string, family: Syntax['family']): string[] {
  const parts = splitParameters(list);
  let names: string[];
  if (family === 'go') {
    // `(x, y int)` names x and y; `(int, string)` names nothing: names exist only if some part has two words.
    const named = parts.some((p) => p.split(/\s+/).length >= 2);
    names = named ? parts.map((p) => p.split(/\s+/)[0] ?? '') : [];
  } else if (family === 'rust') {
    names = parts.map((p) =>
      (p.split(':')[0] ?? '')
        .trim()
        .replace(/^&\s*(?:'\w+\s+)?(?:mut\s+)?/, '')
        .replace(/^mut\s+/, ''),
    );
  } else if (family === 'python') {
    names = parts.map((p) => (p.split(/[:=]/)[0] ?? '').trim().replace(/^\*{1,2}/, ''));
  } else {
    names = parts.map((p) => {
      const bare = p.replace(/^\.\.\./, '');
      return /^[{[]/.test(bare) ? 'destructured' : (bare.split(/[:=?]/)[0] ?? '').trim();
    });
  }
  return names.filter((name) => !ignorable(name));
}

const CONTROL_KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'with',
  'return',
  'typeof',
  'await',
  'match',
]);
// `(params)` then an optional return type (TS `: T`, Rust `-> T`, Go `T`), an optional arrow, then `{}`.
const EMPTY_BODY = /\(([^()]*)\)\s*(?::\s*[^{};=()]+?|->\s*[^{};=]+?|[\w.*[\]]+)?\s*(=>)?\s*\{\s*\}/g;

/** A function on `code` whose body is empty although it takes parameters: its name and parameters. */
function emptyFunction(code: string, family: Syntax['family']): { name: string; params: string[] } | null {
  for (const match of code.matchAll(EMPTY_BODY)) {
    const before = code.slice(0, match.index).trimEnd();
    const arrow = match[2] !== undefined;
    if (arrow && family !== 'js') continue; // Rust `Some(x) => {}` is a match arm, not a closure
    const nameMatch = /([A-Za-z_$][\w$]*)\s*(?:<[^<>]*>)?$/.exec(before);
    const name = nameMatch?.[1] ?? (arrow ? '(arrow function)' : '');
    if (!arrow && (name === '' || CONTROL_KEYWORDS.has(name) || /\bnew\s+[\w$.]*$/.test(before))) continue;
    if (family === 'go' && !/\bfunc\b/.test(before)) continue;
    if (family === 'rust' && !/\bfn\s+\w+\s*(?:<[^<>]*>)?$/.test(before)) continue;
    const list = match[1] ?? '';
    // TypeScript parameter properties (`constructor(private x: X) {}`) are assignments, not stubs.
    if (/\b(?:public|private|protected|readonly|override)\s/.test(list)) continue;
    const params = parameterNames(list, family);
    if (params.length > 0) return { name: arrow ? '(arrow function)' : name, params };
  }
  return null;
}

const JS_EMPTY_CATCH = /\bcatch\s*\(\s*([A-Za-z$][\w$]*)\s*(?::\s*\w+)?\s*\)\s*\{\s*\}/;
const GO_IGNORED_ERROR = /\bif\s+[^{]*\berr\s*!=\s*nil\s*\{\s*\}/;

/** A finding for an empty body on `code` (the line, or the line joined with a closing `}` line). */
function emptyBodyFinding(code: string, family: Syntax['family']): string | null {
  if (family === 'js') {
    const caught = JS_EMPTY_CATCH.exec(code);
    if (caught && !caught[1]!.startsWith('_')) {
      return `\`catch (${caught[1]}) {}\` swallows the error silently: handle or rethrow it, or name it _${caught[1]} and say why it is safe to ignore`;
    }
  }
  if (family === 'go' && GO_IGNORED_ERROR.test(code)) {
    return 'an empty `if err != nil {}` ignores the error silently: handle or return it';
  }
  if (family !== 'js' && family !== 'go' && family !== 'rust') return null;
  const stub = emptyFunction(code, family);
  if (!stub) return null;
  return `${stub.name} has an empty body and ignores its parameter${stub.params.length > 1 ? 's' : ''} ${stub.params.join(', ')}: implement it, or prefix a parameter with _ if ignoring it is intended`;
}

/** The code of line `i`, joined with the next line when that line only closes the block `{` opened. */
function withClosingLine(lines: readonly ScannedLine[], i: number): string {
  const current = lines[i] as ScannedLine;
  const next = lines[i + 1];
  if (
    next &&
    next.line === current.line + 1 &&
    current.code.trimEnd().endsWith('{') &&
    /^\s*\}/.test(next.code)
  ) {
    return `${current.code.trimEnd()}${next.code.trim()}`;
  }
  return current.code;
}

// ---- Python: bodies that are only `pass`/`...` and NotImplementedError ------------------------------

const indentOf = (text: string): number => /^\s*/.exec(text)![0].length;
const PYTHON_DEF = /^(\s*)(?:async\s+)?def\s+(\w+)\s*\((.*)\)\s*(?:->\s*[^:]+)?:\s*(.*)$/;
const PYTHON_EXCEPT_AS = /^(\s*)except\b.*\bas\s+(\w+)\s*:\s*(.*)$/;
const PYTHON_EXEMPT_DECORATOR =
  /^\s*@(?:abc\.)?(?:abstractmethod|abstractproperty)\b|^\s*@(?:typing\.)?overload\b/;

/** Whether the block opened at line `i` (rest of that line: `rest`) holds nothing but `pass` or `...`. */
function pythonBodyIsEmpty(lines: readonly ScannedLine[], i: number, rest: string): boolean {
  if (rest !== '') return rest === 'pass' || rest === '...';
  const header = lines[i] as ScannedLine;
  const body = lines[i + 1];
  if (!body || body.line !== header.line + 1) return false;
  const statement = body.code.trim();
  if ((statement !== 'pass' && statement !== '...') || indentOf(body.text) <= indentOf(header.text))
    return false;
  // The block ends at the next non-blank line that is not indented deeper than the header.
  for (let k = i + 2; k < lines.length; k += 1) {
    const after = lines[k] as ScannedLine;
    if (after.line !== (lines[k - 1] as ScannedLine).line + 1) return true;
    if (after.code.trim() === '') continue;
    return indentOf(after.text) <= indentOf(header.text);
  }
  return true;
}

/** Whether the `def` at line `i` has an abstract or overload decorator right above it (same run). */
function hasExemptDecorator(lines: readonly ScannedLine[], i: number): boolean {
  for (let k = i - 1; k >= 0; k -= 1) {
    const line = lines[k] as ScannedLine;
    if (line.line !== (lines[k + 1] as ScannedLine).line - 1 || !/^\s*@/.test(line.code)) return false;
    if (PYTHON_EXEMPT_DECORATOR.test(line.code)) return true;
  }
  return false;
}

/** The index of the `def` that encloses line `i` within its run of consecutive lines, or -1. */
function enclosingDef(lines: readonly ScannedLine[], i: number): number {
  const indent = indentOf((lines[i] as ScannedLine).text);
  for (let k = i - 1; k >= 0; k -= 1) {
    const line = lines[k] as ScannedLine;
    if (line.line !== (lines[k + 1] as ScannedLine).line - 1) return -1;
    if (PYTHON_DEF.test(line.code) && indentOf(line.text) < indent) return k;
  }
  return -1;
}

function pythonFinding(
  lines: readonly ScannedLine[],
  i: number,
  path: string,
  isTest: boolean,
): string | null {
  const { code } = lines[i] as ScannedLine;
  if (PYTHON_RAISE.test(code)) {
    const def = enclosingDef(lines, i);
    if (def >= 0 && hasExemptDecorator(lines, def)) return null;
    return `\`raise ${PYTHON_NOT_DONE_ERROR}\` leaves the method unwritten: implement it, or decorate it with @abc.abstractmethod if subclasses must provide it`;
  }
  const caught = PYTHON_EXCEPT_AS.exec(code);
  if (caught && !caught[2]!.startsWith('_') && pythonBodyIsEmpty(lines, i, caught[3]!.trim())) {
    return `\`except ... as ${caught[2]}: pass\` swallows the error silently: handle or re-raise it`;
  }
  if (isTest || path.endsWith('.pyi')) return null;
  const def = PYTHON_DEF.exec(code);
  if (!def || !pythonBodyIsEmpty(lines, i, def[4]!.trim()) || hasExemptDecorator(lines, i)) return null;
  const params = parameterNames(def[3]!, 'python');
  if (params.length === 0) return null;
  return `${def[2]}() has an empty body and ignores its parameter${params.length > 1 ? 's' : ''} ${params.join(', ')}: implement it, or prefix a parameter with _ if ignoring it is intended`;
}

// ---- The guard --------------------------------------------------------------------------------------

function violation(file: string, line: DiffLine, reason: string): Violation {
  return {
    guard: 'unfinished_work',
    file,
    line: line.line,
    message: `${file}:${line.line}: ${reason}. The line: \`${quote(line.text)}\``,
  };
}

/**
 * The unfinished work on the lines `file` adds: at most one finding per line. Deleted and binary files
 * have none. In test files, empty functions that ignore parameters are allowed (test doubles do that);
 * markers and placeholders in code are not.
 */
export function findUnfinishedWork(file: FileDiff, isTest: boolean): Violation[] {
  if (file.change === 'deleted' || file.binary || file.added.length === 0) return [];
  const syntax = syntaxOf(file.path);
  if (syntax === null) {
    return file.added
      .filter((line) => PROSE_MARKER.test(line.text))
      .map((line) =>
        violation(
          file.path,
          line,
          `the marker "${PROSE_MARKER.exec(line.text)![1]}" defers work: finish it or drop it`,
        ),
      );
  }
  const lines = scanLines(file.added, syntax);
  const found: Violation[] = [];
  lines.forEach((scanned, i) => {
    const reason =
      scanned.comments.map(commentFinding).find((r) => r !== null) ??
      codeFinding(scanned, syntax, file.path) ??
      (syntax.family === 'python' ? pythonFinding(lines, i, file.path, isTest) : null) ??
      (isTest ? null : emptyBodyFinding(withClosingLine(lines, i), syntax.family));
    if (reason) found.push(violation(file.path, file.added[i] as DiffLine, reason));
  });
  return found;
}
