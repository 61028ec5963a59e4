/**
 * Recognises lines that *define* a named symbol, across the common languages, with plain regular
 * expressions. Used to find what a diff changes and to tell a symbol's definition from its callers.
 * Heuristic by design: a definition missed means one caller too many is listed, never a wrong command.
 */

const NAME = '([A-Za-z_$][\\w$]*)';

/** Keywords that look like a method name followed by `(…) {`: control flow, not definitions. */
const NOT_METHODS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'return',
  'function',
  'with',
  'elif',
  'else',
  'do',
  'try',
  'new',
  'typeof',
  'await',
  'yield',
  'foreach',
  'synchronized',
]);

const VARIABLE = new RegExp(`\\b(?:const|let|var|val)\\s+${NAME}`);

const PATTERNS: readonly RegExp[] = [
  // function f / class C / interface I / enum E / trait T / struct S / def f / fn f / func f / fun f / type T / record R
  new RegExp(
    `\\b(?:function\\*?|class|interface|enum|trait|struct|union|module|namespace|def|fn|func|fun|type|record|object|protocol|typealias)\\s+${NAME}`,
  ),
  // Go methods: func (r *Recv) Name(
  new RegExp(`\\bfunc\\s*\\([^)]*\\)\\s*${NAME}\\s*[(\\[]`),
  // const x / let x / var x / val x (JS, TS, Go, Kotlin, Scala, Swift)
  VARIABLE,
  // JS/TS/C# methods and functions written as `name(args) {` (optionally typed, with modifiers)
  new RegExp(
    `^\\s*(?:(?:export|default|public|private|protected|internal|static|async|override|readonly|abstract|get|set|final|virtual)\\s+)*\\*?${NAME}\\s*(?:<[^>]*>)?\\s*\\([^)]*\\)\\s*(?::\\s*[^={;]+)?\\{\\s*$`,
  ),
  // Java/Kotlin/C# methods with at least one modifier: `public static Foo bar(`
  new RegExp(
    `^\\s*(?:(?:public|private|protected|internal|static|final|abstract|synchronized|native|default|override|virtual|async)\\s+)+(?:<[^>]+>\\s+)?[\\w<>\\[\\],.?]+\\s+${NAME}\\s*\\(`,
  ),
  // Class fields holding functions: `name = (…) =>` / `name = async x =>`
  new RegExp(
    `^\\s*(?:(?:public|private|protected|static|readonly)\\s+)*${NAME}\\s*=\\s*(?:async\\s*)?(?:\\([^)]*\\)|[A-Za-z_$][\\w$]*)\\s*=>`,
  ),
  // Python/Ruby constants at module level: `MAX_SIZE = 3`
  /^([A-Z][A-Z0-9_]+)\s*=[^=]/,
];

/**
 * The names `line` defines (usually zero or one), without duplicates. With `moduleLevelOnly`, a variable
 * declared on an indented line (a local inside a function body) is not counted: a diff that changes a
 * local has no callers to list for it.
 */
export function definedNames(line: string, moduleLevelOnly = false): string[] {
  const names: string[] = [];
  const indented = /^\s/.test(line);
  for (const pattern of PATTERNS) {
    if (moduleLevelOnly && indented && pattern === VARIABLE) continue;
    const match = pattern.exec(line);
    const name = match?.[1];
    if (name && !NOT_METHODS.has(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** True when `line` defines `symbol`. */
export function defines(line: string, symbol: string): boolean {
  return definedNames(line).includes(symbol);
}
