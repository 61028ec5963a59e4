/**
 * GitHub Actions expressions, the subset our workflow and action files use, evaluated with GitHub's
 * semantics: literals (`'text'` with `''` for a quote, numbers, `true`, `false`, `null`), context paths
 * (`inputs.stage`, `steps.app-token.outputs.token`, `matrix['role']`), `!`, `==`, `!=`, `&&`, `||`,
 * parentheses, and the status functions `always()`, `success()`, `failure()`, `cancelled()`.
 *
 * Strict where GitHub is lenient, so a simulation can't go quietly wrong: any other operator or function,
 * an unknown context, a context this runner does not model, or a missing key of a context whose keys are
 * all known (inputs, secrets, vars, matrix, github…) throws an {@link ExpressionError} naming it, instead
 * of evaluating to null (an empty string) as GitHub would. Only values that are legitimately unknown
 * until run time are lenient: a step's outputs, and a step that has not run yet.
 *
 * GitHub rules kept: identifiers may hold `-`; context keys and function names are case-insensitive;
 * `==` compares strings case-insensitively and coerces mixed types to numbers; `&&` and `||` return an
 * operand, not a boolean; a property of null is null.
 */

/** A value an expression can produce. */
export type ExprValue = string | number | boolean | null | ExprValue[] | { [key: string]: ExprValue };

/** An expression the runner refuses or cannot evaluate; the message names the expression. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Contexts that exist on GitHub but that this runner does not model: a reference to one is refused. */
const UNMODELLED_CONTEXTS = new Set(['env', 'job', 'jobs', 'strategy']);
/** Every context the evaluator can be given. */
export const CONTEXT_NAMES = [
  'github',
  'inputs',
  'secrets',
  'vars',
  'runner',
  'matrix',
  'steps',
  'needs',
] as const;
export type ContextName = (typeof CONTEXT_NAMES)[number];

const STATUS_FUNCTIONS = new Set(['always', 'success', 'failure', 'cancelled']);

/** Objects whose missing keys are null (a step's outputs): marked, not copied. */
const lenientObjects = new WeakSet<object>();

/** Marks `value` so a missing key reads as null, as GitHub reads a step output nobody set. */
export function lenient<T extends { [key: string]: ExprValue }>(value: T): T {
  lenientObjects.add(value);
  return value;
}

// ── Tokens ────────────────────────────────────────────────────────────────────────────────────────────

type Token =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'ident'; value: string; at: number }
  | { kind: 'punct'; value: string; at: number };

const PUNCTUATION = ['==', '!=', '<=', '>=', '&&', '||', '!', '<', '>', '(', ')', '[', ']', '.', ',', '*'];
const NUMBER = /^(?:0x[0-9a-fA-F]+|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      at += space[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      let value = '';
      let index = 1;
      for (;;) {
        const quote = rest.indexOf("'", index);
        if (quote < 0) throw new ExpressionError(`unterminated string in ${quoted(text)}`);
        value += rest.slice(index, quote);
        if (rest[quote + 1] === "'") {
          value += "'";
          index = quote + 2;
          continue;
        }
        index = quote + 1;
        break;
      }
      tokens.push({ kind: 'string', value, at });
      at += index;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number !== null && !/^[A-Za-z_]/.test(rest.slice(number[0].length))) {
      tokens.push({ kind: 'number', value: Number(number[0]), at });
      at += number[0].length;
      continue;
    }
    const ident = IDENT.exec(rest);
    if (ident !== null) {
      tokens.push({ kind: 'ident', value: ident[0], at });
      at += ident[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((candidate) => rest.startsWith(candidate));
    if (punct === undefined) {
      throw new ExpressionError(`unexpected character ${JSON.stringify(rest[0])} in ${quoted(text)}`);
    }
    tokens.push({ kind: 'punct', value: punct, at });
    at += punct.length;
  }
  return tokens;
}

// ── Syntax tree ───────────────────────────────────────────────────────────────────────────────────────

export type Node =
  | { kind: 'literal'; value: ExprValue }
  | { kind: 'context'; name: string }
  | { kind: 'property'; object: Node; name: string }
  | { kind: 'index'; object: Node; index: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'binary'; op: '==' | '!=' | '&&' | '||'; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] };

class Parser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Node {
    if (this.tokens.length === 0) throw new ExpressionError('an empty expression');
    const node = this.or();
    const extra = this.tokens[this.position];
    if (extra !== undefined) throw this.unexpected(extra);
    return node;
  }

  private or(): Node {
    let left = this.and();
    while (this.accept('||')) left = { kind: 'binary', op: '||', left, right: this.and() };
    return left;
  }

  private and(): Node {
    let left = this.equality();
    while (this.accept('&&')) left = { kind: 'binary', op: '&&', left, right: this.equality() };
    return left;
  }

  private equality(): Node {
    let left = this.unary();
    for (;;) {
      const token = this.tokens[this.position];
      if (token?.kind === 'punct' && ['<', '<=', '>', '>='].includes(token.value)) {
        throw new ExpressionError(
          `the local runner does not support the ${token.value} operator (in ${quoted(this.text)})`,
        );
      }
      if (this.accept('==')) left = { kind: 'binary', op: '==', left, right: this.unary() };
      else if (this.accept('!=')) left = { kind: 'binary', op: '!=', left, right: this.unary() };
      else return left;
    }
  }

  private unary(): Node {
    if (this.accept('!')) return { kind: 'not', operand: this.unary() };
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      if (this.accept('.')) {
        const name = this.tokens[this.position];
        if (name?.kind === 'punct' && name.value === '*') {
          throw new ExpressionError(
            `the local runner does not support object filters (in ${quoted(this.text)})`,
          );
        }
        if (name?.kind !== 'ident') throw this.unexpected(name);
        this.position++;
        node = { kind: 'property', object: node, name: name.value };
      } else if (this.accept('[')) {
        const index = this.or();
        this.expect(']');
        node = { kind: 'index', object: node, index };
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const token = this.tokens[this.position];
    if (token === undefined) throw new ExpressionError(`${quoted(this.text)} ends too early`);
    this.position++;
    switch (token.kind) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'ident': {
        const lower = token.value.toLowerCase();
        if (this.accept('(')) {
          const args: Node[] = [];
          if (!this.accept(')')) {
            do args.push(this.or());
            while (this.accept(','));
            this.expect(')');
          }
          return { kind: 'call', name: lower, args };
        }
        if (lower === 'true') return { kind: 'literal', value: true };
        if (lower === 'false') return { kind: 'literal', value: false };
        if (lower === 'null') return { kind: 'literal', value: null };
        return { kind: 'context', name: lower };
      }
      case 'punct':
        if (token.value === '(') {
          const inner = this.or();
          this.expect(')');
          return inner;
        }
        throw this.unexpected(token);
    }
  }

  private accept(punct: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind === 'punct' && token.value === punct) {
      this.position++;
      return true;
    }
    return false;
  }

  private expect(punct: string): void {
    if (!this.accept(punct)) throw this.unexpected(this.tokens[this.position]);
  }

  private unexpected(token: Token | undefined): ExpressionError {
    if (token === undefined) return new ExpressionError(`${quoted(this.text)} ends too early`);
    return new ExpressionError(
      `unexpected ${JSON.stringify(String(token.value))} at offset ${token.at} of ${quoted(this.text)}`,
    );
  }
}

function quoted(text: string): string {
  return `\`${text}\``;
}

/** Parses an expression (the text inside `${{ }}`, or an `if:` condition). Throws an ExpressionError. */
export function parseExpression(text: string): Node {
  return new Parser(text, tokenize(text)).parse();
}

// ── Static checks ─────────────────────────────────────────────────────────────────────────────────────

/** Where an expression sits decides which contexts and functions it may use, as on GitHub. */
export interface Allowed {
  contexts: readonly ContextName[];
  /** Status functions: only in `if:` conditions. */
  statusFunctions: boolean;
}

function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  switch (node.kind) {
    case 'property':
      walk(node.object, visit);
      break;
    case 'index':
      walk(node.object, visit);
      walk(node.index, visit);
      break;
    case 'not':
      walk(node.operand, visit);
      break;
    case 'binary':
      walk(node.left, visit);
      walk(node.right, visit);
      break;
    case 'call':
      for (const arg of node.args) walk(arg, visit);
      break;
    case 'literal':
    case 'context':
      break;
  }
}

/**
 * Throws an ExpressionError when the expression uses a function, or a context, that its place does not
 * allow or that this runner does not support.
 */
export function checkExpression(node: Node, text: string, allowed: Allowed): void {
  walk(node, (current) => {
    if (current.kind === 'call') {
      if (!STATUS_FUNCTIONS.has(current.name)) {
        throw new ExpressionError(
          `the local runner does not support the function ${current.name}() (in ${quoted(text)})`,
        );
      }
      if (!allowed.statusFunctions) {
        throw new ExpressionError(
          `${current.name}() is only allowed in an if: condition (in ${quoted(text)})`,
        );
      }
      if (current.args.length > 0)
        throw new ExpressionError(`${current.name}() takes no arguments (in ${quoted(text)})`);
    }
    if (current.kind === 'context') {
      if (UNMODELLED_CONTEXTS.has(current.name)) {
        throw new ExpressionError(
          `the local runner does not support the ${current.name} context (in ${quoted(text)})`,
        );
      }
      if (!(CONTEXT_NAMES as readonly string[]).includes(current.name)) {
        throw new ExpressionError(`unknown context ${current.name} (in ${quoted(text)})`);
      }
      if (!(allowed.contexts as readonly string[]).includes(current.name)) {
        throw new ExpressionError(`the ${current.name} context is not available here (in ${quoted(text)})`);
      }
    }
  });
}

/** True when the condition calls a status function (otherwise GitHub prefixes it with `success() &&`). */
export function usesStatusFunction(node: Node): boolean {
  let found = false;
  walk(node, (current) => {
    if (current.kind === 'call' && STATUS_FUNCTIONS.has(current.name)) found = true;
  });
  return found;
}

// ── Evaluation ────────────────────────────────────────────────────────────────────────────────────────

/** What a status function answers, from the job's (or the composite action's) state. */
export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

/** The contexts an evaluation sees, and the status functions for conditions. */
export interface Scope {
  contexts: Partial<Record<ContextName, ExprValue>>;
  status?: StatusFunctions;
}

function isObject(value: ExprValue): value is { [key: string]: ExprValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key of `object` matching `name` case-insensitively (an exact match first), or undefined. */
function findKey(object: { [key: string]: ExprValue }, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

function property(object: ExprValue, name: string, path: string): ExprValue {
  if (object === null) return null;
  if (isObject(object)) {
    const key = findKey(object, name);
    if (key !== undefined) return object[key] ?? null;
    if (lenientObjects.has(object)) return null;
    throw new ExpressionError(`${path} does not exist`);
  }
  if (Array.isArray(object)) {
    const index = Number(name);
    if (Number.isInteger(index) && index >= 0 && index < object.length) return object[index] ?? null;
    throw new ExpressionError(`${path} does not exist`);
  }
  throw new ExpressionError(`${path}: cannot read a property of a ${typeof object}`);
}

function describe(node: Node): string {
  switch (node.kind) {
    case 'context':
      return node.name;
    case 'property':
      return `${describe(node.object)}.${node.name}`;
    case 'index':
      return `${describe(node.object)}[…]`;
    default:
      return '(value)';
  }
}

/** GitHub's truthiness: false, 0, NaN, '' and null are falsy; everything else is truthy. */
export function truthy(value: ExprValue): boolean {
  if (value === null || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return true;
}

function toNumber(value: ExprValue): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return 0;
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
    if (/^0x[0-9a-fA-F]+$/.test(trimmed)) return Number.parseInt(trimmed.slice(2), 16);
    return Number.NaN;
  }
  return Number.NaN;
}

/** GitHub's `==`: same-type comparison (strings ignoring case), otherwise both sides as numbers. */
export function looseEquals(left: ExprValue, right: ExprValue): boolean {
  const kind = (value: ExprValue) =>
    value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (kind(left) === kind(right)) {
    if (typeof left === 'string' && typeof right === 'string') {
      return left.toUpperCase() === right.toUpperCase();
    }
    if (typeof left === 'object' && left !== null) return left === right;
    return left === right;
  }
  const a = toNumber(left);
  const b = toNumber(right);
  return !Number.isNaN(a) && !Number.isNaN(b) && a === b;
}

/** Evaluates a parsed expression. Throws an ExpressionError for what the runner refuses. */
export function evaluateNode(node: Node, scope: Scope, text: string): ExprValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'context': {
      if (UNMODELLED_CONTEXTS.has(node.name)) {
        throw new ExpressionError(
          `the local runner does not support the ${node.name} context (in ${quoted(text)})`,
        );
      }
      if (!(CONTEXT_NAMES as readonly string[]).includes(node.name)) {
        throw new ExpressionError(`unknown context ${node.name} (in ${quoted(text)})`);
      }
      const value = scope.contexts[node.name as ContextName];
      if (value === undefined)
        throw new ExpressionError(`the ${node.name} context is not available here (in ${quoted(text)})`);
      return value;
    }
    case 'property':
      return property(
        evaluateNode(node.object, scope, text),
        node.name,
        `${describe(node)} (in ${quoted(text)})`,
      );
    case 'index': {
      const index = evaluateNode(node.index, scope, text);
      if (typeof index !== 'string' && typeof index !== 'number') {
        throw new ExpressionError(`an index must be a string or a number (in ${quoted(text)})`);
      }
      return property(
        evaluateNode(node.object, scope, text),
        String(index),
        `${describe(node)} (in ${quoted(text)})`,
      );
    }
    case 'not':
      return !truthy(evaluateNode(node.operand, scope, text));
    case 'binary': {
      const left = evaluateNode(node.left, scope, text);
      switch (node.op) {
        case '&&':
          return truthy(left) ? evaluateNode(node.right, scope, text) : left;
        case '||':
          return truthy(left) ? left : evaluateNode(node.right, scope, text);
        case '==':
          return looseEquals(left, evaluateNode(node.right, scope, text));
        case '!=':
          return !looseEquals(left, evaluateNode(node.right, scope, text));
      }
      break;
    }
    case 'call': {
      if (!STATUS_FUNCTIONS.has(node.name)) {
        throw new ExpressionError(
          `the local runner does not support the function ${node.name}() (in ${quoted(text)})`,
        );
      }
      if (node.name === 'always') return true;
      const status = scope.status;
      if (status === undefined)
        throw new ExpressionError(`${node.name}() is only allowed in an if: condition (in ${quoted(text)})`);
      if (node.name === 'success') return status.success();
      if (node.name === 'failure') return status.failure();
      return status.cancelled();
    }
  }
  throw new ExpressionError(`cannot evaluate ${quoted(text)}`);
}

/** Evaluates expression text (no `${{ }}`). */
export function evaluate(text: string, scope: Scope): ExprValue {
  return evaluateNode(parseExpression(text), scope, text);
}

/** A value as GitHub writes it into a string: null is empty, booleans and numbers as text. */
export function stringify(value: ExprValue, text: string): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  throw new ExpressionError(
    `${quoted(text)} is an ${Array.isArray(value) ? 'array' : 'object'}, not a string`,
  );
}

// ── Templates ─────────────────────────────────────────────────────────────────────────────────────────

/** A string with `${{ }}` parts: literal text and expressions, in order. */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expression'; text: string; node: Node };

/**
 * Splits a string into text and `${{ }}` expressions. The closing `}}` is found outside string literals,
 * as GitHub's parser finds it. Throws an ExpressionError for an unclosed or invalid expression.
 */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('${{', at);
    if (open < 0) {
      parts.push({ kind: 'text', text: template.slice(at) });
      break;
    }
    if (open > at) parts.push({ kind: 'text', text: template.slice(at, open) });
    let index = open + 3;
    let close = -1;
    while (index < template.length) {
      const char = template[index];
      if (char === "'") {
        const end = template.indexOf("'", index + 1);
        if (end < 0) break;
        index = end + 1;
        continue;
      }
      if (template.startsWith('}}', index)) {
        close = index;
        break;
      }
      index++;
    }
    if (close < 0) throw new ExpressionError(`unclosed \${{ in ${JSON.stringify(template)}`);
    const text = template.slice(open + 3, close).trim();
    parts.push({ kind: 'expression', text, node: parseExpression(text) });
    at = close + 2;
  }
  return parts;
}

/** Checks every expression of a template against what its place allows. */
export function checkTemplate(template: string, allowed: Allowed): void {
  for (const part of parseTemplate(template)) {
    if (part.kind === 'expression') checkExpression(part.node, part.text, allowed);
  }
}

/**
 * Substitutes every `${{ }}` of a template once (a value that itself reads `${{ }}` stays as it is, as on
 * GitHub). Every result becomes text; an object or array result throws.
 */
export function interpolate(template: string, scope: Scope): string {
  return parseTemplate(template)
    .map((part) =>
      part.kind === 'text' ? part.text : stringify(evaluateNode(part.node, scope, part.text), part.text),
    )
    .join('');
}

/**
 * The expression of an `if:` value: the text itself, or the inside of a value that is one whole
 * `${{ }}`. A value mixing text and `${{ }}` is refused: GitHub would read it as a non-empty string,
 * always true, which is never what its author meant.
 */
export function conditionText(value: string | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const trimmed = value.trim();
  if (!trimmed.includes('${{')) return trimmed;
  const parts = parseTemplate(trimmed);
  const [only] = parts;
  if (parts.length === 1 && only?.kind === 'expression') return only.text;
  throw new ExpressionError(
    `the if: condition ${JSON.stringify(value)} mixes text and \${{ }}; GitHub would always run it`,
  );
}

/** A parsed `if:` condition, with GitHub's implicit `success() &&` when it calls no status function. */
export interface Condition {
  text: string;
  node: Node;
}

/** Parses an `if:` value. Throws an ExpressionError. */
export function parseCondition(value: string | boolean): Condition {
  const text = conditionText(value);
  const node = parseExpression(text);
  if (usesStatusFunction(node)) return { text, node };
  return {
    text,
    node: { kind: 'binary', op: '&&', left: { kind: 'call', name: 'success', args: [] }, right: node },
  };
}

/** Evaluates a parsed condition to a boolean. */
export function evaluateCondition(condition: Condition, scope: Scope): boolean {
  return truthy(evaluateNode(condition.node, scope, condition.text));
}
