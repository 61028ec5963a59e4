/**
 * Ranks tracked files by how much they have to do with a story (and a diff): first by path, over every
 * file, weighting rare words above common ones; then, for a bounded set of candidates, by content.
 * Pure: contents and symbol definitions come in as data.
 */
import { isRankableText } from './languages.js';
import { baseName, dirOf } from './paths.js';
import { splitWords, stem } from './story-terms.js';
import type { StoryTerms } from './story-terms.js';
import type { RelevantFile } from './types.js';

/** A file's path-only match against the story. */
export interface PathMatch {
  path: string;
  score: number;
  /** Story words found in the path (as the story wrote them). */
  words: string[];
  /** The story mentions this file, or a folder holding it. */
  mentioned?: 'file' | 'folder';
  /** The file name is one of the story's identifiers (`cartService.ts` for `CartService`). */
  named: boolean;
}

const BASENAME_WEIGHT = 3;
const FOLDER_WEIGHT = 1;
const NAMED_SCORE = 10;
const MENTIONED_FILE_SCORE = 40;
const MENTIONED_FOLDER_SCORE = 8;

function normalizeIdentifier(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function stripExtension(name: string): string {
  const dot = name.indexOf('.', 1);
  return dot < 0 ? name : name.slice(0, dot);
}

/**
 * Scores every rankable file by its path and returns the best `limit` with a score above zero, best
 * first (ties: shorter path first). A word found in many paths counts less (inverse document
 * frequency), so `src` or `api` don't drown the word that singles out the right folder.
 */
export function rankPaths(files: readonly string[], terms: StoryTerms, limit: number): PathMatch[] {
  const wordIndex = new Map(terms.words.map((w, i) => [w, i]));
  const identifiers = new Set(terms.identifiers.map(normalizeIdentifier));
  const mentioned = terms.paths;
  const documentFrequency = new Array<number>(terms.words.length).fill(0);
  const hits: Array<{
    path: string;
    base: Set<number>;
    folder: Set<number>;
    named: boolean;
    mention: number;
  }> = [];
  let rankable = 0;
  // Folder words are the same for every file of a folder: split each folder once.
  const folderWords = new Map<string, number[]>();
  for (const path of files) {
    if (!isRankableText(path)) continue;
    rankable++;
    const dir = dirOf(path);
    let inFolder = folderWords.get(dir);
    if (!inFolder) {
      inFolder = [];
      for (const word of dir === '.' ? [] : splitWords(dir)) {
        const at = wordIndex.get(stem(word));
        if (at !== undefined && !inFolder.includes(at)) inFolder.push(at);
      }
      folderWords.set(dir, inFolder);
    }
    const bare = stripExtension(baseName(path));
    // Most paths match nothing: collect into a plain array and allocate sets only for a match.
    const inBase: number[] = [];
    for (const word of splitWords(bare)) {
      const at = wordIndex.get(stem(word));
      if (at !== undefined && !inBase.includes(at)) inBase.push(at);
    }
    const named = identifiers.size > 0 && identifiers.has(normalizeIdentifier(bare));
    const mention = mentioned.length > 0 ? mentionScore(path, mentioned) : 0;
    if (inBase.length === 0 && inFolder.length === 0 && !named && mention === 0) continue;
    const base = new Set(inBase);
    const folder = new Set(inFolder.filter((at) => !base.has(at)));
    for (const at of base) documentFrequency[at] = (documentFrequency[at] ?? 0) + 1;
    for (const at of folder) documentFrequency[at] = (documentFrequency[at] ?? 0) + 1;
    hits.push({ path, base, folder, named, mention });
  }
  const idf = documentFrequency.map((df) => Math.log(1 + rankable / (1 + df)));
  const scored: PathMatch[] = hits.map(({ path, base, folder, named, mention }) => {
    let score = mention + (named ? NAMED_SCORE : 0);
    for (const at of base) score += BASENAME_WEIGHT * (idf[at] ?? 0);
    for (const at of folder) score += FOLDER_WEIGHT * (idf[at] ?? 0);
    const words = [...base, ...folder]
      .sort((a, b) => a - b)
      .map((at) => terms.labels[at] ?? terms.words[at] ?? '');
    const match: PathMatch = { path, score, words, named };
    if (mention === MENTIONED_FILE_SCORE) match.mentioned = 'file';
    else if (mention > 0) match.mentioned = 'folder';
    return match;
  });
  return scored.sort(byScoreThenPath).slice(0, limit);
}

function mentionScore(path: string, mentioned: readonly string[]): number {
  let best = 0;
  for (const m of mentioned) {
    if (path === m || path.endsWith(`/${m}`)) return MENTIONED_FILE_SCORE;
    if (path.startsWith(`${m}/`) || path.includes(`/${m}/`)) best = MENTIONED_FOLDER_SCORE;
  }
  return best;
}

function byScoreThenPath<T extends { path: string; score: number }>(a: T, b: T): number {
  return (
    b.score - a.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  );
}

/** What a file's content shows: the story words (as the story wrote them) and identifiers it contains. */
export interface ContentMatch {
  words: string[];
  identifiers: string[];
}

/**
 * A pattern for a stemmed word inside code or prose: the stem, lower-case or capitalised, starting a
 * word or a camelCase part, followed by at most three more letters (`pric` finds `price`, `pricing` and
 * `priceFor`; `cat` does not find `catalog`).
 */
export function stemPattern(word: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const capital = escaped.charAt(0).toUpperCase() + escaped.slice(1);
  return new RegExp(`(?:(?<![A-Za-z])${escaped}|(?<![A-Z])${capital})[a-z]{0,3}(?![a-z])`);
}

/**
 * Builds a matcher for the story's terms: words through stemPattern, identifiers case-sensitively as
 * whole words.
 */
export function contentMatcher(terms: StoryTerms): (text: string) => ContentMatch {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const words = terms.words.map((w, i) => [terms.labels[i] ?? w, stemPattern(w)] as const);
  const identifiers = terms.identifiers.map((id) => [id, new RegExp(`\\b${escape(id)}\\b`)] as const);
  return (text) => ({
    words: words.filter(([, re]) => re.test(text)).map(([w]) => w),
    identifiers: identifiers.filter(([, re]) => re.test(text)).map(([id]) => id),
  });
}

/**
 * The files whose contents are worth reading, at most `max`: the diff's files, then the best path
 * matches, then files where the symbol search hit; if the repository is small enough, every rankable
 * file; otherwise the neighbours (same folder) of the ten best path matches.
 */
export function contentCandidates(
  files: readonly string[],
  pathMatches: readonly PathMatch[],
  symbolFiles: readonly string[],
  diffFiles: readonly string[],
  max: number,
): string[] {
  const picked = new Set<string>();
  const add = (path: string) => {
    if (picked.size < max) picked.add(path);
  };
  for (const path of diffFiles) add(path);
  for (const match of pathMatches) add(match.path);
  for (const path of symbolFiles) add(path);
  const rankable = files.filter(isRankableText);
  if (rankable.length <= max) {
    for (const path of rankable) add(path);
  } else {
    const folders = new Set(pathMatches.slice(0, 10).map((m) => dirOf(m.path)));
    for (const path of rankable) if (folders.has(dirOf(path))) add(path);
  }
  return [...picked];
}

/** Everything known about one candidate, for the final ranking. */
export interface Evidence {
  path: string;
  pathMatch?: PathMatch;
  content?: ContentMatch;
  /** Story or diff symbols this file defines (from the symbol search). */
  defines: string[];
  inDiff: boolean;
}

const IN_DIFF_SCORE = 50;
const DEFINES_SCORE = 8;
const MENTIONS_SCORE = 3;
const CONTENT_WORD_SCORE = 1;

/**
 * Ranks candidates by all their evidence and keeps the best `cap`. A file needs more than one stray
 * word in its content to count: a path match, a symbol, the diff, or two story words.
 */
export function rankRelevant(evidence: readonly Evidence[], cap: number): RelevantFile[] {
  const ranked: RelevantFile[] = [];
  for (const e of evidence) {
    const pathScore = e.pathMatch?.score ?? 0;
    const mentions = (e.content?.identifiers ?? []).filter((id) => !e.defines.includes(id));
    // Words already shown by the path, or that are parts of an identifier the file defines or uses, are
    // not counted twice.
    const identifierParts = new Set(
      [...e.defines, ...(e.content?.identifiers ?? [])].flatMap(splitWords).map(stem),
    );
    const contentWords = (e.content?.words ?? []).filter(
      (w) => !(e.pathMatch?.words ?? []).includes(w) && !identifierParts.has(stem(w)),
    );
    const strong = e.inDiff || pathScore > 0 || e.defines.length > 0 || mentions.length > 0;
    if (!strong && contentWords.length < 2) continue;
    const score =
      (e.inDiff ? IN_DIFF_SCORE : 0) +
      pathScore +
      DEFINES_SCORE * e.defines.length +
      MENTIONS_SCORE * mentions.length +
      CONTENT_WORD_SCORE * contentWords.length;
    const reasons: string[] = [];
    if (e.inDiff) reasons.push('changed by the diff');
    if (e.pathMatch?.mentioned === 'file') reasons.push('named in the story');
    if (e.pathMatch?.mentioned === 'folder') reasons.push('in a folder the story names');
    if (e.pathMatch?.named) reasons.push('file named after a story identifier');
    if (e.defines.length > 0) reasons.push(`defines ${e.defines.join(', ')}`);
    if (mentions.length > 0) reasons.push(`uses ${mentions.join(', ')}`);
    if (e.pathMatch && e.pathMatch.words.length > 0) reasons.push(`path: ${e.pathMatch.words.join(', ')}`);
    if (contentWords.length > 0) reasons.push(`text: ${contentWords.slice(0, 4).join(', ')}`);
    ranked.push({ path: e.path, score: Math.round(score * 10) / 10, reasons });
  }
  return ranked.sort(byScoreThenPath).slice(0, cap);
}
