/**
 * Context assembly: the one I/O step that gathers what an agent needs before it works on a story —
 * tracked files, stacks and their commands, conventions, files relevant to the story, callers of the
 * symbols the story names or the diff changes, the repository's lessons — and the brief built from them.
 * The decisions live in the pure modules; this file only reads the repository and wires them together.
 */
import { basename, resolve } from 'node:path';
import { renderBrief } from './brief.js';
import { definitionsByFile, groupCallers, keepSpecificSymbols, pickSymbols } from './callers.js';
import type { SearchHit } from './callers.js';
import { searchSymbols } from './code-search.js';
import { detectConventions } from './conventions.js';
import { summarizeDiff } from './diff.js';
import type { DiffSummary } from './diff.js';
import { normalizeLessons } from './lessons.js';
import { MAX_MANIFEST_BYTES, manifestPaths } from './manifests.js';
import { readTextFiles } from './read-files.js';
import { contentCandidates, contentMatcher, rankPaths, rankRelevant } from './relevance.js';
import type { Evidence, PathMatch } from './relevance.js';
import { createRepoView } from './repo-view.js';
import { detectStacks } from './stacks/detect.js';
import { extractStoryTerms } from './story-terms.js';
import type { StoryTerms } from './story-terms.js';
import { listTrackedFiles } from './tracked-files.js';
import type { ContextResult, RelevantFile } from './types.js';

export interface AssembleOptions {
  /** The repository's folder (a git work tree, or any folder: then it is walked). */
  repoDir: string;
  /** The story, as markdown: drives relevant files and the symbols whose callers are listed. */
  story?: string;
  /** A unified diff: its files are relevant, and the symbols it changes get their callers listed. */
  diff?: string;
  /** The repository's lessons, at most five (more throws TooManyLessonsError). */
  lessons?: readonly string[];
}

/** Relevant files listed at most. */
export const MAX_RELEVANT_FILES = 15;
/** Files whose contents are read for ranking at most. */
export const MAX_CONTENT_CANDIDATES = 300;
/** Path matches considered before content ranking. */
const PATH_CANDIDATES = 200;
/** Bytes of a candidate read for ranking: the head of a file says what it is about. */
const CONTENT_BYTES = 128 * 1024;
/** Call sites kept per symbol. */
const SITES_PER_SYMBOL = 6;

const NO_TERMS: StoryTerms = { words: [], labels: [], identifiers: [], paths: [] };
const NO_DIFF: DiffSummary = { files: [], symbols: [] };

/**
 * Assembles the context of `repoDir` for an optional story, diff and lessons. Rejects only when the
 * lessons are too many; an unreadable file is skipped, a folder without git is walked, a repository
 * without a manifest gets the `unknown` stack and a brief that says no test command was found.
 */
export async function assembleContext(options: AssembleOptions): Promise<ContextResult> {
  const repoDir = resolve(options.repoDir);
  const lessons = normalizeLessons(options.lessons ?? []);
  const terms = options.story !== undefined ? extractStoryTerms(options.story) : NO_TERMS;
  const diff = options.diff !== undefined ? summarizeDiff(options.diff) : NO_DIFF;
  const symbols = pickSymbols(diff.symbols, terms.identifiers);

  const tracked = await listTrackedFiles(repoDir);
  // The symbol search runs in a child process (git grep): start it, then do the in-process work
  // (manifests, detection, path ranking) while it runs.
  const searching = searchSymbols(
    repoDir,
    symbols.map((s) => s.name),
    tracked,
  );
  const manifests = await readTextFiles(repoDir, manifestPaths(tracked.files), {
    maxBytes: MAX_MANIFEST_BYTES,
    oversize: 'skip',
  });
  const view = createRepoView(tracked.files, manifests);
  const stacks = detectStacks(view);
  const conventions = detectConventions(view);
  const hasSubject = options.story !== undefined || options.diff !== undefined;
  const pathMatches = hasSubject ? rankPaths(view.files, terms, PATH_CANDIDATES) : [];

  const search = await searching;
  const callers = keepSpecificSymbols(groupCallers(symbols, search.hits, SITES_PER_SYMBOL));
  const definitions = definitionsByFile(callers);
  // Content ranking looks only for the identifiers that survived as specific symbols.
  const kept = callers.map((c) => c.symbol);
  const specific: StoryTerms = { ...terms, identifiers: terms.identifiers.filter((id) => kept.includes(id)) };
  const hitFiles = hitsOf(search.hits, kept).map((h) => h.file);
  const relevantFiles = hasSubject
    ? await rankFiles(repoDir, view.files, specific, pathMatches, diff, hitFiles, definitions)
    : [];

  const brief = renderBrief({
    repoName: basename(repoDir),
    trackedFiles: { count: tracked.files.length, source: tracked.source },
    // A story without a title line still gets its relevant-files section.
    ...(options.story !== undefined ? { storyTitle: terms.title ?? '(untitled)' } : {}),
    ...(options.diff !== undefined ? { diffFiles: diff.files.length } : {}),
    stacks,
    conventions,
    relevantFiles,
    callers,
    searchTruncated: search.truncated || tracked.truncated,
    lessons,
  });
  return {
    repoDir,
    trackedFiles: { count: tracked.files.length, source: tracked.source },
    stacks,
    conventions,
    relevantFiles,
    callers,
    searchTruncated: search.truncated || tracked.truncated,
    lessons,
    brief,
  };
}

/** Content ranking over a bounded set of candidates: the path matches, the diff's and the search's files. */
async function rankFiles(
  repoDir: string,
  files: readonly string[],
  terms: StoryTerms,
  pathMatches: readonly PathMatch[],
  diff: DiffSummary,
  hitFiles: readonly string[],
  definitions: ReadonlyMap<string, string[]>,
): Promise<RelevantFile[]> {
  const tracked = new Set(files);
  const diffFiles = diff.files.filter((f) => tracked.has(f));
  const symbolFiles = [...definitions.keys(), ...byHitCount(hitFiles)];
  const candidates = contentCandidates(files, pathMatches, symbolFiles, diffFiles, MAX_CONTENT_CANDIDATES);
  const contents = await readTextFiles(repoDir, candidates, {
    maxBytes: CONTENT_BYTES,
    oversize: 'truncate',
  });
  const match = contentMatcher(terms);
  const byPath = new Map(pathMatches.map((m) => [m.path, m]));
  const diffSet = new Set(diffFiles);
  const evidence: Evidence[] = candidates.map((path) => {
    const text = contents.get(path);
    const e: Evidence = { path, defines: definitions.get(path) ?? [], inDiff: diffSet.has(path) };
    const pathMatch = byPath.get(path);
    if (pathMatch) e.pathMatch = pathMatch;
    if (text !== undefined) e.content = match(text);
    return e;
  });
  return rankRelevant(evidence, MAX_RELEVANT_FILES);
}

/** The hits whose line contains one of `symbols` as a whole word. */
function hitsOf(hits: readonly SearchHit[], symbols: readonly string[]): SearchHit[] {
  if (symbols.length === 0) return [];
  const pattern = new RegExp(
    `(?<![\\w$])(?:${symbols.map((s) => s.replace(/[$]/g, '\\$')).join('|')})(?![\\w$])`,
  );
  return hits.filter((hit) => pattern.test(hit.text));
}

/** Distinct files, the ones with the most hits first. */
function byHitCount(files: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const file of files) counts.set(file, (counts.get(file) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([file]) => file);
}
