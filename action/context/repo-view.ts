/**
 * A read-only view of a repository for the pure detectors: the tracked paths plus the text of the few
 * files (manifests, configs) that were read. Built once by the assembler, so detection needs no I/O.
 */
import { joinPath } from './paths.js';

export interface RepoView {
  /** Tracked paths, sorted. */
  readonly files: readonly string[];
  /** True when `path` is tracked. */
  has(path: string): boolean;
  /** The text of `path` if it was read (a manifest or config), else undefined. */
  text(path: string): string | undefined;
  /** Tracked paths under folder `dir` (any depth); every path for `.`. */
  filesUnder(dir: string): readonly string[];
}

/**
 * Builds a view over `files` (any order; duplicates kept once) with `texts` as the readable contents.
 * Lookups are O(1) for `has`/`text` and O(log n) for `filesUnder`, so detectors may call them freely.
 */
export function createRepoView(files: Iterable<string>, texts: ReadonlyMap<string, string>): RepoView {
  const sorted = [...new Set(files)].sort();
  const set = new Set(sorted);
  const lowerBound = (key: string): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const filesUnder = (dir: string): readonly string[] => {
    if (dir === '.') return sorted;
    const prefix = `${dir}/`;
    const start = lowerBound(prefix);
    let end = start;
    while (end < sorted.length && (sorted[end] as string).startsWith(prefix)) end++;
    return sorted.slice(start, end);
  };
  return {
    files: sorted,
    has: (path) => set.has(path),
    text: (path) => texts.get(path),
    filesUnder,
  };
}

/** True when any of `names` is tracked directly in `dir`. */
export function hasAny(view: RepoView, dir: string, names: readonly string[]): boolean {
  return names.some((name) => view.has(joinPath(dir, name)));
}
