/**
 * File kinds by name: the programming language of a source file, and whether a file is worth reading
 * as text. Pure lookups on the path; the language mix of a repository is a count over these.
 */
import { baseName, inForeignDir } from './paths.js';
import type { LanguageShare } from './types.js';

const LANGUAGE_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['ts', 'TypeScript'],
  ['tsx', 'TypeScript'],
  ['mts', 'TypeScript'],
  ['cts', 'TypeScript'],
  ['js', 'JavaScript'],
  ['jsx', 'JavaScript'],
  ['mjs', 'JavaScript'],
  ['cjs', 'JavaScript'],
  ['py', 'Python'],
  ['pyi', 'Python'],
  ['go', 'Go'],
  ['rs', 'Rust'],
  ['java', 'Java'],
  ['kt', 'Kotlin'],
  ['kts', 'Kotlin'],
  ['scala', 'Scala'],
  ['groovy', 'Groovy'],
  ['rb', 'Ruby'],
  ['php', 'PHP'],
  ['cs', 'C#'],
  ['fs', 'F#'],
  ['c', 'C'],
  ['h', 'C'],
  ['cc', 'C++'],
  ['cpp', 'C++'],
  ['cxx', 'C++'],
  ['hpp', 'C++'],
  ['hh', 'C++'],
  ['m', 'Objective-C'],
  ['swift', 'Swift'],
  ['dart', 'Dart'],
  ['ex', 'Elixir'],
  ['exs', 'Elixir'],
  ['erl', 'Erlang'],
  ['hs', 'Haskell'],
  ['clj', 'Clojure'],
  ['lua', 'Lua'],
  ['r', 'R'],
  ['jl', 'Julia'],
  ['zig', 'Zig'],
  ['vue', 'Vue'],
  ['svelte', 'Svelte'],
  ['sh', 'Shell'],
  ['bash', 'Shell'],
  ['zsh', 'Shell'],
  ['ps1', 'PowerShell'],
  ['sql', 'SQL'],
  ['proto', 'Protocol Buffers'],
  ['tf', 'HCL'],
]);

/** Text formats worth reading for relevance (docs, configs) that are not programming languages. */
const OTHER_TEXT = new Set([
  'md',
  'markdown',
  'rst',
  'txt',
  'json',
  'yml',
  'yaml',
  'toml',
  'ini',
  'cfg',
  'xml',
  'html',
  'htm',
  'css',
  'scss',
  'less',
  'graphql',
  'gql',
  'gradle',
  'properties',
  'env',
  'csv',
]);

/** Extension-less names that are text and matter (build scripts, configs). */
const TEXT_NAMES = new Set([
  'Makefile',
  'makefile',
  'GNUmakefile',
  'Dockerfile',
  'Jenkinsfile',
  'Pipfile',
  'Gemfile',
]);

/** Generated or packed files that would swamp a text search. */
const NOISE = /(?:\.min\.(?:js|css)|\.map|\.lock|-lock\.json|-lock\.yaml|\.snap|\.pb\.go|_pb2\.py|\.d\.ts)$/;

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The programming language of `path` by extension, or undefined for anything else. */
export function languageOf(path: string): string | undefined {
  return LANGUAGE_BY_EXTENSION.get(extensionOf(baseName(path)));
}

/** True for source code outside foreign folders and not generated: where callers are searched. */
export function isSearchableSource(path: string): boolean {
  return languageOf(path) !== undefined && !NOISE.test(path) && !inForeignDir(path);
}

/** True for any text file worth ranking for relevance: source, docs or configs, not generated. */
export function isRankableText(path: string): boolean {
  const name = baseName(path);
  if (NOISE.test(name) || inForeignDir(path)) return false;
  const ext = extensionOf(name);
  return (
    LANGUAGE_BY_EXTENSION.has(ext) ||
    OTHER_TEXT.has(ext) ||
    TEXT_NAMES.has(name) ||
    name.startsWith('Dockerfile')
  );
}

/** The source extensions a search should cover, for tools that take globs (`*.ts`, `*.py`, …). */
export function sourceExtensions(): string[] {
  return [...LANGUAGE_BY_EXTENSION.keys()];
}

/**
 * The languages of the code files (outside foreign folders), most files first, at most `limit`, each
 * with its whole-percent share of the code counted. Ties break by name so the result is stable.
 */
export function languageMix(files: readonly string[], limit: number): LanguageShare[] {
  const counts = new Map<string, number>();
  let total = 0;
  for (const path of files) {
    const language = languageOf(path);
    if (!language || inForeignDir(path)) continue;
    counts.set(language, (counts.get(language) ?? 0) + 1);
    total++;
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([language, count]) => ({ language, files: count, percent: Math.round((count / total) * 100) }));
}
