/**
 * Callers of the symbols a change touches: the lines of a text search, split into each symbol's
 * definitions and uses, capped so the brief stays short. Pure: the search results come in as data.
 */
import { defines } from './definitions.js';
import type { CallerGroup, CallSite } from './types.js';

/** A symbol to look for, and why: the story names it or the diff changes it. */
export interface SymbolRef {
  name: string;
  source: 'story' | 'diff';
}

/** One line of a text search. */
export interface SearchHit {
  file: string;
  line: number;
  text: string;
}

/** At most this many symbols are searched: diff symbols first, then the story's. */
export const MAX_SYMBOLS = 12;

/** Symbols shorter than this match too much to be worth a search. */
const MIN_SYMBOL_LENGTH = 3;

/**
 * The symbols to search: the diff's (what really changes) before the story's (what it names), without
 * duplicates, at most MAX_SYMBOLS.
 */
export function pickSymbols(
  diffSymbols: readonly string[],
  storyIdentifiers: readonly string[],
): SymbolRef[] {
  const out: SymbolRef[] = [];
  const add = (name: string, source: SymbolRef['source']) => {
    if (name.length >= MIN_SYMBOL_LENGTH && out.length < MAX_SYMBOLS && !out.some((s) => s.name === name)) {
      out.push({ name, source });
    }
  };
  for (const name of diffSymbols) add(name, 'diff');
  for (const name of storyIdentifiers) add(name, 'story');
  return out;
}

function wordPattern(symbol: string): RegExp {
  return new RegExp(`(?<![\\w$])${symbol.replace(/[$]/g, '\\$')}(?![\\w$])`);
}

/**
 * Groups `hits` by symbol. A line that defines the symbol is a definition, any other line containing
 * it as a whole word is a use. Uses are ordered so distinct files come first (one line per file, then
 * the rest), and at most `perSymbol` are kept; `total` counts them all.
 */
export function groupCallers(
  symbols: readonly SymbolRef[],
  hits: readonly SearchHit[],
  perSymbol: number,
): CallerGroup[] {
  const groups: CallerGroup[] = [];
  for (const symbol of symbols) {
    const pattern = wordPattern(symbol.name);
    const definedAt: string[] = [];
    const uses: CallSite[] = [];
    for (const hit of hits) {
      if (!pattern.test(hit.text)) continue;
      if (defines(hit.text, symbol.name)) {
        if (definedAt.length < 3) definedAt.push(`${hit.file}:${hit.line}`);
      } else {
        uses.push({ file: hit.file, line: hit.line, text: hit.text.trim() });
      }
    }
    const firstPerFile: CallSite[] = [];
    const rest: CallSite[] = [];
    const seenFiles = new Set<string>();
    for (const use of uses) {
      if (seenFiles.has(use.file)) rest.push(use);
      else {
        seenFiles.add(use.file);
        firstPerFile.push(use);
      }
    }
    groups.push({
      symbol: symbol.name,
      source: symbol.source,
      definedAt,
      sites: [...firstPerFile, ...rest].slice(0, perSymbol),
      total: uses.length,
    });
  }
  return groups;
}

/** Defining files above this make a plain-word story symbol ambiguous (`block`, `list`, `run`). */
const MAX_PLAIN_WORD_DEFINITIONS = 2;

/**
 * Drops story symbols that are plain lower-case words (`block`, `title`) unless the repository defines
 * them in one or two files: a story backticks values and words as often as code, and a word defined
 * nowhere or in many places names no particular symbol. Diff symbols and identifiers with a capital,
 * an underscore or a digit are always kept.
 */
export function keepSpecificSymbols(groups: readonly CallerGroup[]): CallerGroup[] {
  return groups.filter((group) => {
    if (group.source === 'diff' || !/^[a-z]+$/.test(group.symbol)) return true;
    const files = new Set(group.definedAt.map((at) => at.slice(0, at.lastIndexOf(':'))));
    return files.size >= 1 && files.size <= MAX_PLAIN_WORD_DEFINITIONS;
  });
}

/** For each file, the symbols it defines according to `groups` (for relevance ranking). */
export function definitionsByFile(groups: readonly CallerGroup[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const group of groups) {
    for (const at of group.definedAt) {
      const file = at.slice(0, at.lastIndexOf(':'));
      const list = out.get(file) ?? [];
      if (!list.includes(group.symbol)) list.push(group.symbol);
      out.set(file, list);
    }
  }
  return out;
}
