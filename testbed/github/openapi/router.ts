/**
 * Finds the operation of GitHub's description that a request addresses, from its method and path.
 *
 * Paths are matched segment by segment against the templates (`/repos/{owner}/{repo}/issues/{issue_number}`).
 * A literal segment wins over a parameter (`/issues/comments` is issues/list-comments-for-repo, not an issue
 * numbered "comments"), as on GitHub; a segment mixing text and parameters (`{base}...{head}`) wins over a
 * bare parameter. A template-final `{path}`, `{ref}`, `{branch}` or `{dir}` may also take the remaining
 * segments when nothing else matches, for clients that do not encode the `/` in a file path or ref.
 */
import type { OpenApiDocument, OperationObject } from './spec.js';

/** The result of a successful match. */
export interface RouteMatch {
  /** The operation, e.g. with operationId `issues/create`. */
  operation: OperationObject;
  /** The path template it was declared under. */
  template: string;
  /** The path parameters, percent-decoded, as text. */
  pathParams: Record<string, string>;
}

/** A segment that mixes text and parameters, such as `{base}...{head}`. */
interface PatternSegment {
  regex: RegExp;
  /** How many parameters it captures. */
  groups: number;
}

/** An operation at the end of a path, with its parameter names in template order. */
interface Endpoint {
  operation: OperationObject;
  template: string;
  names: string[];
}

/**
 * A trie node. Parameters are positional: `/commits/{commit_sha}/…` and `/commits/{ref}/…` share the
 * parameter child, and each endpoint names the captured values with its own template's names.
 */
interface Node {
  literal: Map<string, Node>;
  param: Node | undefined;
  patterns: { pattern: PatternSegment; node: Node }[];
  /** Operations ending at this node, by lower-case HTTP method. */
  operations: Map<string, Endpoint>;
}

/** Parameters whose values may contain `/` (file paths, refs, branch names). */
const SLASHED_PARAMETERS = new Set(['path', 'ref', 'branch', 'dir']);

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function emptyNode(): Node {
  return { literal: new Map(), param: undefined, patterns: [], operations: new Map() };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a segment like `{base}...{head}` into a regex; its last parameter is greedy, the others lazy. */
function compilePattern(segment: string): PatternSegment {
  const parts = segment.split(/(\{[^}]+\})/).filter((part) => part !== '');
  const lastParam = parts.map((part) => part.startsWith('{')).lastIndexOf(true);
  const source = parts
    .map((part, index) => {
      if (!part.startsWith('{')) return escapeRegex(part);
      return index === lastParam ? '(.+)' : '(.+?)';
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), groups: parts.filter((part) => part.startsWith('{')).length };
}

/** The parameter names of a template, in order. */
function parameterNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

/** Names captured values with an endpoint's parameter names. */
function named(endpoint: Endpoint, values: string[]): RouteMatch {
  const pathParams = Object.fromEntries(endpoint.names.map((name, i) => [name, values[i] as string]));
  return { operation: endpoint.operation, template: endpoint.template, pathParams };
}

/** Percent-decodes one path segment; a malformed escape is kept as written rather than failing. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches request paths against every operation of a description. Build once, match many times. */
export class Router {
  private readonly root = emptyNode();

  constructor(doc: OpenApiDocument) {
    for (const [template, item] of Object.entries(doc.paths)) {
      const node = this.insert(template);
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method) || operation === null || typeof operation !== 'object') continue;
        if (
          Array.isArray(operation) ||
          typeof (operation as { operationId?: unknown }).operationId !== 'string'
        )
          continue;
        node.operations.set(method, {
          operation: operation as unknown as OperationObject,
          template,
          names: parameterNames(template),
        });
      }
    }
  }

  /**
   * Returns the operation for `method` (any case) and `pathname` (no query string, no `/api/v3` prefix),
   * or undefined when GitHub has no such route (which GitHub answers with 404).
   */
  match(method: string, pathname: string): RouteMatch | undefined {
    const segments = pathname.split('/').slice(1);
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
    return this.walk(this.root, segments, 0, [], method.toLowerCase());
  }

  private insert(template: string): Node {
    let node = this.root;
    for (const segment of template.split('/').slice(1)) {
      if (/^\{[^}]+\}$/.test(segment)) {
        node.param ??= emptyNode();
        node = node.param;
      } else if (segment.includes('{')) {
        let entry = node.patterns.find(
          (candidate) => candidate.pattern.regex.source === compilePattern(segment).regex.source,
        );
        if (entry === undefined) {
          entry = { pattern: compilePattern(segment), node: emptyNode() };
          node.patterns.push(entry);
        }
        node = entry.node;
      } else {
        let next = node.literal.get(segment);
        if (next === undefined) {
          next = emptyNode();
          node.literal.set(segment, next);
        }
        node = next;
      }
    }
    return node;
  }

  private walk(
    node: Node,
    segments: string[],
    index: number,
    values: string[],
    method: string,
  ): RouteMatch | undefined {
    if (index === segments.length) {
      const found = node.operations.get(method);
      return found === undefined ? undefined : named(found, values);
    }
    const raw = segments[index] as string;
    const literal = node.literal.get(raw);
    if (literal !== undefined) {
      const matched = this.walk(literal, segments, index + 1, values, method);
      if (matched !== undefined) return matched;
    }
    for (const { pattern, node: next } of node.patterns) {
      const groups = pattern.regex.exec(decodeSegment(raw));
      if (groups === null) continue;
      const captured = groups.slice(1, pattern.groups + 1) as string[];
      const matched = this.walk(next, segments, index + 1, [...values, ...captured], method);
      if (matched !== undefined) return matched;
    }
    if (node.param !== undefined && raw !== '') {
      const matched = this.walk(node.param, segments, index + 1, [...values, decodeSegment(raw)], method);
      if (matched !== undefined) return matched;
    }
    // Last resort: a template-final parameter takes the rest of the path, slashes included.
    if (node.param !== undefined && index < segments.length - 1) {
      const found = node.param.operations.get(method);
      if (found !== undefined && SLASHED_PARAMETERS.has(found.names[found.names.length - 1] as string)) {
        const rest = segments.slice(index).map(decodeSegment).join('/');
        return named(found, [...values, rest]);
      }
    }
    return undefined;
  }
}
