/**
 * The cited-files guard: every file the agent names in its summary exists (a model that cites a file it
 * never wrote, or one it imagined, is describing work that is not there). Pure.
 */
import type { Violation } from './violation.js';

/**
 * The repository-relative path a citation names: `./src/x.ts:12:3`, `src/x.ts#L4-L9` and `src/x.ts (L4)`
 * all name `src/x.ts`. Null for a citation that leaves the repository (absolute, or climbing above it).
 */
export function citedPath(citation: string): string | null {
  const bare = citation
    .trim()
    .replace(/^`|`$/g, '')
    .replace(/\s*\(L?\d+(?:[-–]L?\d+)?\)$/, '')
    .replace(/#L\d+(?:-L?\d+)?$/, '')
    .replace(/(?::\d+){1,2}$/, '');
  if (bare.startsWith('/') || /^[A-Za-z]:[\\/]/.test(bare)) return null;
  const parts: string[] = [];
  for (const part of bare.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/**
 * A finding for each cited file that does not exist after the change (`existing` holds every file then,
 * repository-relative). A cited folder counts as existing when a file exists under it. Each distinct path
 * is reported once.
 */
export function findMissingCitedFiles(cited: readonly string[], existing: ReadonlySet<string>): Violation[] {
  const found: Violation[] = [];
  const seen = new Set<string>();
  for (const citation of cited) {
    const path = citedPath(citation);
    const key = path ?? citation;
    if (seen.has(key)) continue;
    seen.add(key);
    if (path === null) {
      found.push({
        guard: 'missing_cited_file',
        file: citation,
        message: `The summary cites ${citation}, which is outside the repository. Cite repository-relative paths of files the change touches or relies on.`,
      });
      continue;
    }
    if (path !== '' && (existing.has(path) || [...existing].some((file) => file.startsWith(`${path}/`))))
      continue;
    found.push({
      guard: 'missing_cited_file',
      file: path,
      message: `The summary cites ${path}, which does not exist after the change. Cite only files that exist, or create the file if the story needs it.`,
    });
  }
  return found;
}
