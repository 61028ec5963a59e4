/**
 * The assertion-free-test guard: a test that checks nothing, checks only constants, or never touches the
 * project's code passes forever and proves nothing (the seeds' tester agent wrote such files by the
 * dozen). Pure.
 *
 * A test file is split into its test cases (from one case's declaration to the next); each case must hold
 * an assertion that is not trivially true. A file with no test case at all is a helper and is left alone.
 * When the whole file is known (a new file, or its text passed in), the file must also import or name
 * something of the project. When only the added lines of a modified file are known, only what those lines
 * prove is judged: added cases whose assertions are all trivially true.
 */
import { scanLines, syntaxOf } from './lexer.js';
import type { ScannedLine } from './lexer.js';
import type { TestLanguage } from './test-files.js';
import { testLanguageOf } from './test-files.js';
import { quote } from './violation.js';
import type { Violation } from './violation.js';

/** What the project-reference check may consult. */
export interface ProjectIndex {
  /** Repository-relative paths of the files that exist after the change. */
  readonly files: ReadonlySet<string>;
  /** Names under which the project's own code is imported (package name, Go module path, crate name). */
  readonly modules: readonly string[];
}

const CASE: Readonly<Record<TestLanguage, RegExp>> = {
  js: /(?<![\w$.])(?:it|test|specify|Deno\.test)(?:\.(?:only|skip|each|concurrent|failing|serial)\b[^(]*)?\s*\(/,
  python: /^\s*(?:async\s+)?def\s+test\w*\s*\(/,
  go: /^\s*func\s+(?:Test|Fuzz)\w*\s*\(/,
  rust: /#\[(?:[\w:]+::)?(?:test|rstest)\b/,
  jvm: /@(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property)\b|^\s*def\s+["']|\b(?:test|should)\s*\(\s*"/,
};

const CASE_NAME: Readonly<Record<TestLanguage, RegExp>> = {
  js: /\(\s*(['"`])(.*?)\1/,
  python: /def\s+(\w+)/,
  go: /func\s+(\w+)/,
  rust: /fn\s+(\w+)/,
  jvm: /(?:void|fun|def)\s+[`"']?([\w ]+)|\(\s*"([^"]*)"/,
};

/** Calls and statements that assert; the last group, when present, is where call arguments open. */
const ASSERTION: Readonly<Record<TestLanguage, readonly RegExp[]>> = {
  js: [
    /(?<![\w$.])(?:expect|assert|expectTypeOf)(?:\s*\.\s*\w+)*\s*\(/g,
    /\.should\b|(?<![\w$.])should\s*\(/g,
    /\bt\.(?:is|not|deepEqual|notDeepEqual|truthy|falsy|true|false|ok|notOk|equal|notEqual|same|notSame|strictSame|match|throws|throwsAsync|rejects|doesNotThrow|assert|snapshot|like|fail)\s*\(/g,
    /\bsinon\.assert\.\w+\s*\(/g,
  ],
  python: [
    /(?<![\w.])assert(?=[\s(])/g,
    /\b(?:self|cls)\.(?:assert\w*|fail\w*)\s*\(/g,
    /\bpytest\.(?:raises|warns|fail|deprecated_call)\b/g,
    /(?<![\w])(?:\w+\.)*assert_\w+\s*\(/g,
  ],
  go: [
    /\b[tbf]\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(/g,
    /\b(?:assert|require)\.\w+\s*\(/g,
    /(?<![\w.])(?:Expect|Ω)\s*\(/g,
  ],
  rust: [/(?<![\w])\w*assert\w*!\s*[([{]/g, /#\[should_panic/g],
  jvm: [
    /(?<![\w$])(?:\w+\.)?assert\w*\s*\(/g,
    /(?<![\w$.])assert\s+[^=(\s]/g,
    /(?<![\w$])(?:verify|fail)\s*\(/g,
    /\bshould[A-Z]\w*\b/g,
    /^\s*(?:expect|then):/g,
    /@Test\s*\(\s*expected\s*=/g,
  ],
};

/** A call to a helper whose name says it asserts (`assertValid(x)`, `checkRoundTrip(t, x)`). */
const ASSERTING_HELPER = /(?<![\w$.])(?:assert|expect|check|verify|ensure|must|should|require)[A-Z_]\w*\s*\(/;

/** Assertions that check a value given as an argument, so constant arguments make them trivially true. */
const CHECKS_A_VALUE =
  /(?:assert|expect|Expect|Ω)[\w.]*!?\s*[([{]$|^t\.(?:is|true|false|truthy|falsy|ok|equal|deepEqual|same|strictSame)\s*\($/;
/** Assertions whose constant arguments are meaningful: mock-call checks, counts, explicit failures. */
const CHECKS_SOMETHING_ELSE =
  /assert_(?:called|not_called|any_call|has_calls|awaited|has_awaits|not_awaited)|\.(?:assertions|hasAssertions|fail|throws|rejects|doesNotThrow|doesNotReject|ifError)\s*\($/;

/** Go example tests assert through their `// Output:` comment. */
const GO_OUTPUT_COMMENT = /^\s*(?:Unordered output|Output):/;

// ---- Trivially true assertions ----------------------------------------------------------------------

const STRING_LITERAL = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`$]*`/g;
const CONSTANT_WORDS = /\b(?:true|false|True|False|None|null|nil|undefined|NaN|not|and|or|is|in)\b/g;
const NUMBER = /(?<![\w$])-?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?[a-zA-Z]*\b/g;
const OPERATORS = /[\s()+\-*/%<>=!&|^~?:,[\]{}]/g;

/** Whether `expression` is built from literals and operators only (`true`, `1 + 1`, `"a" == "a"`). */
function isConstant(expression: string): boolean {
  if (expression.trim() === '') return false;
  return (
    expression
      .replace(STRING_LITERAL, '')
      .replace(CONSTANT_WORDS, '')
      .replace(NUMBER, '')
      .replace(OPERATORS, '') === ''
  );
}

const same = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.replace(/\s+/g, '') !== '' &&
  a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/**
 * The top-level arguments of the call whose `(` is at `open` in `text`, read on one line (`code` is the
 * same line with strings and comments blanked, so parentheses inside them do not count), and the index
 * after the `)`. Null when the call does not close on this line.
 */
function callArguments(text: string, code: string, open: number): { args: string[]; end: number } | null {
  let depth = 0;
  let start = open + 1;
  const args: string[] = [];
  for (let i = open; i < code.length; i += 1) {
    const ch = code[i];
    if (ch === '(' || ch === '[' || ch === '{') depth += 1;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth -= 1;
      if (depth === 0) {
        args.push(text.slice(start, i));
        return { args: args.map((a) => a.trim()).filter((a) => a !== ''), end: i + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return null;
}

/** Whether the assertion matched at `at` (`match` is its text) on `line` is trivially true. */
function isTrivial(line: ScannedLine, at: number, match: string, language: TestLanguage): boolean {
  const { text, code } = line;
  if (language === 'python' && /^assert$/.test(match)) {
    let expression = text.slice(at + match.length);
    if (line.comments.length > 0) expression = expression.slice(0, expression.lastIndexOf('#'));
    const [subject = ''] = splitTopLevel(expression);
    const comparison = /^(.*?)\s*(?:==|is|>=|<=)\s*(.*)$/.exec(subject.trim());
    return isConstant(subject) || (comparison !== null && same(comparison[1], comparison[2]));
  }
  if (!CHECKS_A_VALUE.test(match) || CHECKS_SOMETHING_ELSE.test(match)) return false;
  const open = at + match.length - 1;
  if (code[open] !== '(' && code[open] !== '[' && code[open] !== '{') return false;
  const call = callArguments(text, code, open);
  if (!call || call.args.length === 0) return false;
  let args = call.args;
  if (language === 'go' && /^[tb]$/.test(args[0] ?? '')) args = args.slice(1);
  if (language === 'js' && /^expect/.test(match)) {
    if (isConstant(args[0] ?? '')) return true;
    const matcher = /^(?:\s*\.\s*(?:not|resolves|rejects))*\s*\.\s*\w+\s*\(/.exec(code.slice(call.end));
    if (!matcher) return false;
    const expected = callArguments(text, code, call.end + matcher[0].length - 1);
    return expected !== null && same(args[0], expected.args[0]);
  }
  return args.every(isConstant) || same(args[0], args[1]);
}

function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of expression) {
    if ('([{'.includes(ch)) depth += 1;
    if (')]}'.includes(ch)) depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

interface Assertion {
  readonly line: number;
  readonly text: string;
  readonly trivial: boolean;
}

function assertionsOn(line: ScannedLine, language: TestLanguage): Assertion[] {
  const found: Assertion[] = [];
  for (const pattern of ASSERTION[language]) {
    for (const match of line.code.matchAll(pattern)) {
      found.push({
        line: line.line,
        text: line.text,
        trivial: isTrivial(line, match.index, match[0], language),
      });
    }
  }
  if (found.length === 0 && ASSERTING_HELPER.test(line.code))
    found.push({ line: line.line, text: line.text, trivial: false });
  if (language === 'go' && line.comments.some((c) => GO_OUTPUT_COMMENT.test(c))) {
    found.push({ line: line.line, text: line.text, trivial: false });
  }
  return found;
}

// ---- Test cases -------------------------------------------------------------------------------------

interface TestCase {
  readonly name: string;
  readonly line: number;
  readonly assertions: readonly Assertion[];
}

/**
 * The test cases in `lines`: each runs from its declaration to the next declaration, or to the end of the
 * run of consecutive lines it is in (beyond that, the lines are not known).
 */
function testCases(lines: readonly ScannedLine[], language: TestLanguage): TestCase[] {
  const cases: Array<{ name: string; line: number; assertions: Assertion[] }> = [];
  let current: (typeof cases)[number] | null = null;
  let previousLine = Number.NaN;
  for (const line of lines) {
    if (line.line !== previousLine + 1) current = null;
    previousLine = line.line;
    if (CASE[language].test(line.code)) {
      current = { name: '', line: line.line, assertions: [] };
      cases.push(current);
    }
    if (!current) continue;
    if (current.name === '') {
      const named = CASE_NAME[language].exec(language === 'js' ? line.text : line.code);
      if (named) current.name = (named[2] ?? named[1] ?? '').trim();
    }
    current.assertions.push(...assertionsOn(line, language));
  }
  return cases.map((c) => ({ ...c, name: c.name === '' ? `at line ${c.line}` : c.name }));
}

// ---- References to the project ----------------------------------------------------------------------

const JS_SPECIFIER =
  /\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]|\bjest\.mock\s*\(\s*['"]([^'"]+)['"]/g;
const JS_EXTENSIONS = ['', '.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.vue', '.svelte'];
const PY_IMPORT = /^\s*(?:from\s+(\.*)([\w.]*)\s+import\b|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))/;
const RUST_NOT_PROJECT = new Set(
  'std core alloc proptest quickcheck rstest tokio async_std serde serde_json anyhow thiserror tempfile assert_cmd assert_fs predicates pretty_assertions insta criterion mockall rand regex once_cell lazy_static'.split(
    ' ',
  ),
);

const directoryOf = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1);

/** `a/b/../c/./d` → `a/c/d`; null when it climbs above the repository root. */
function normalise(path: string): string | null {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

function isProjectFile(path: string | null, project: ProjectIndex): boolean {
  return path !== null && project.files.has(path) && testLanguageOf(path) === null;
}

const hasProjectFile = (project: ProjectIndex, predicate: (path: string) => boolean): boolean => {
  for (const path of project.files) if (testLanguageOf(path) === null && predicate(path)) return true;
  return false;
};

const namesModule = (specifier: string, modules: readonly string[]): boolean =>
  modules.some((m) => specifier === m || specifier.startsWith(`${m}/`) || specifier.startsWith(`${m}.`));

function jsReferences(path: string, lines: readonly ScannedLine[], project: ProjectIndex): boolean {
  for (const line of lines) {
    for (const match of line.text.matchAll(JS_SPECIFIER)) {
      if (line.code[match.index] === ' ') continue; // the keyword is inside a comment or string
      const specifier = match[1] ?? match[2] ?? match[3] ?? '';
      if (/^(?:@\/|~\/|#)/.test(specifier) || namesModule(specifier, project.modules)) return true;
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const base = normalise(specifier.startsWith('/') ? specifier : directoryOf(path) + specifier);
        if (base === null) continue;
        const stem = base.replace(/\.[cm]?js$/, '');
        const candidates = [base, ...JS_EXTENSIONS.flatMap((ext) => [stem + ext, `${base}/index${ext}`])];
        if (candidates.some((candidate) => isProjectFile(candidate, project))) return true;
      } else {
        // A bare specifier rooted at a top-level folder of the repository (a `baseUrl` or `paths` import).
        const first = specifier.split('/')[0] ?? '';
        if (first !== 'node_modules' && hasProjectFile(project, (p) => p.startsWith(`${first}/`)))
          return true;
      }
    }
  }
  return false;
}

function pythonReferences(lines: readonly ScannedLine[], project: ProjectIndex): boolean {
  for (const line of lines) {
    const match = PY_IMPORT.exec(line.code);
    if (!match) continue;
    if ((match[1] ?? '') !== '') return true; // a relative import
    const modules = (match[2] ?? match[3] ?? '').split(',').map((m) => m.trim());
    for (const module of modules) {
      const top = module.split('.')[0] ?? '';
      if (top === '' || ['tests', 'test', 'conftest'].includes(top)) continue;
      if (namesModule(module, project.modules)) return true;
      if (
        hasProjectFile(
          project,
          (p) => p.endsWith('.py') && (`/${p}`.includes(`/${top}/`) || p.endsWith(`${top}.py`)),
        )
      ) {
        return true;
      }
    }
  }
  return false;
}

function goReferences(path: string, lines: readonly ScannedLine[], project: ProjectIndex): boolean {
  const pkg = lines.map((l) => /^\s*package\s+(\w+)/.exec(l.code)?.[1]).find((p) => p !== undefined);
  const dir = directoryOf(path);
  if (pkg !== undefined && !pkg.endsWith('_test')) {
    // A test in the package itself calls its code directly.
    return hasProjectFile(project, (p) => p.endsWith('.go') && directoryOf(p) === dir);
  }
  const base = pkg?.replace(/_test$/, '');
  for (const line of lines) {
    if (base !== undefined && new RegExp(`\\b${base}\\.[A-Z]`).test(line.code)) return true;
    for (const imported of line.strings) {
      if (namesModule(imported, project.modules)) return true;
      if (
        imported.includes('/') &&
        hasProjectFile(
          project,
          (p) => p.endsWith('.go') && `/${p}`.includes(`/${imported.split('/').slice(-2).join('/')}/`),
        )
      ) {
        return true;
      }
    }
  }
  return false;
}

function rustReferences(path: string, lines: readonly ScannedLine[], project: ProjectIndex): boolean {
  const crateDir = /(?:^|\/)([^/]+)\/tests\/[^/]+\.rs$/.exec(path)?.[1];
  const names = new Set(
    [...project.modules, ...(crateDir ? [crateDir] : [])].map((n) => n.replace(/-/g, '_')),
  );
  for (const line of lines) {
    if (/\b(?:crate|super)::|\bCARGO_BIN_EXE_|\bcargo_bin\s*\(/.test(line.text)) return true;
    for (const match of line.code.matchAll(/(?:\buse\s+|(?<![\w:]))(\w+)::/g)) {
      const root = match[1] ?? '';
      if (names.has(root)) return true;
      if (names.size === 0 && /\buse\s/.test(match[0]) && !RUST_NOT_PROJECT.has(root)) return true;
    }
  }
  return false;
}

function jvmReferences(lines: readonly ScannedLine[], project: ProjectIndex): boolean {
  const inSourceRoot = (dotted: string, asFile: boolean) => {
    const path = dotted.replace(/\./g, '/');
    const pattern = new RegExp(
      `(?:^|/)(?:java|kotlin|scala|groovy)/${path}${asFile ? '\\.\\w+$' : '/[^/]+$'}`,
    );
    return hasProjectFile(project, (p) => pattern.test(p));
  };
  for (const line of lines) {
    const pkg = /^\s*package\s+([\w.]+)/.exec(line.code)?.[1];
    if (pkg !== undefined && (inSourceRoot(pkg, false) || namesModule(pkg, project.modules))) return true;
    const imported = /^\s*import\s+(?:static\s+)?([\w.]+?)(?:\.\*)?;?\s*$/.exec(line.code)?.[1];
    if (imported === undefined) continue;
    if (namesModule(imported, project.modules)) return true;
    const segments = imported.split('.');
    for (let k = segments.length; k >= 2; k -= 1) {
      const prefix = segments.slice(0, k).join('.');
      if (inSourceRoot(prefix, true) || inSourceRoot(prefix, false)) return true;
    }
  }
  return false;
}

/** Whether the test names a project file in a string (`spawn('node', ['bin/cli.js'])`). */
function namesProjectFile(lines: readonly ScannedLine[], project: ProjectIndex): boolean {
  return lines.some((line) => line.strings.some((s) => isProjectFile(normalise(s), project)));
}

function referencesProject(
  path: string,
  language: TestLanguage,
  lines: readonly ScannedLine[],
  project: ProjectIndex,
): boolean {
  if (namesProjectFile(lines, project)) return true;
  switch (language) {
    case 'js':
      return jsReferences(path, lines, project);
    case 'python':
      return pythonReferences(lines, project);
    case 'go':
      return goReferences(path, lines, project);
    case 'rust':
      return rustReferences(path, lines, project);
    case 'jvm':
      return jvmReferences(lines, project);
  }
}

// ---- The guard --------------------------------------------------------------------------------------

const ASSERTION_EXAMPLES: Readonly<Record<TestLanguage, string>> = {
  js: 'expect(...)/assert...',
  python: 'assert ...',
  go: 't.Errorf/t.Fatalf, or testify assert/require',
  rust: 'assert!/assert_eq!',
  jvm: 'assertEquals/assertThat',
};

/** The source of one test file as the guard knows it. */
export interface TestFileSource {
  readonly path: string;
  /** Lines with their numbers: the whole file, or only the added lines of a modified file. */
  readonly lines: ReadonlyArray<{ line: number; text: string }>;
  /** True when `lines` is the whole file. */
  readonly complete: boolean;
}

/**
 * The findings of the assertion-free-test guard for one file; none when the path is not a test by
 * convention. Each case without an assertion and each case whose assertions are all trivially true is
 * one finding; a complete file that never refers to project code is one more.
 */
export function findAssertionFreeTests(source: TestFileSource, project: ProjectIndex): Violation[] {
  const language = testLanguageOf(source.path);
  const syntax = syntaxOf(source.path);
  if (language === null || syntax === null) return [];
  const lines = scanLines(source.lines, syntax);
  const cases = testCases(lines, language);
  if (cases.length === 0) return [];
  const found: Violation[] = [];
  const at = (line: number, message: string): Violation => ({
    guard: 'assertion_free_test',
    file: source.path,
    line,
    message: `${source.path}:${line}: ${message}`,
  });
  for (const testCase of cases) {
    if (testCase.assertions.length === 0) {
      if (source.complete) {
        found.push(
          at(
            testCase.line,
            `the test "${testCase.name}" asserts nothing: check what the code under test returns or does (${ASSERTION_EXAMPLES[language]})`,
          ),
        );
      }
    } else if (testCase.assertions.every((a) => a.trivial)) {
      const shown = testCase.assertions.map((a) => `line ${a.line} \`${quote(a.text, 50)}\``).join(', ');
      found.push(
        at(
          testCase.line,
          `every assertion of the test "${testCase.name}" is true whatever the code does (${shown}): assert on the result of the code under test`,
        ),
      );
    }
  }
  if (source.complete && !referencesProject(source.path, language, lines, project)) {
    found.push(
      at(
        cases[0]!.line,
        'the file never imports or names code of this repository, so its tests cannot exercise the project: import the module under test and call it',
      ),
    );
  }
  return found;
}
