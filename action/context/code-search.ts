/**
 * A bounded whole-word search for symbols over the tracked source files: `git grep` in a git work tree
 * (fast, multi-threaded, tracked files only), else a scan of the listed files in this process. Both stop
 * at MAX_HITS lines and say so, so a symbol used everywhere can't stall context assembly.
 */
import { spawn } from 'node:child_process';
import type { SearchHit } from './callers.js';
import { isSearchableSource, sourceExtensions } from './languages.js';
import { FOREIGN_DIRS } from './paths.js';
import { readTextFiles } from './read-files.js';
import type { TrackedFiles } from './tracked-files.js';

export interface SearchResult {
  hits: SearchHit[];
  /** True when a bound stopped the search before it saw every line. */
  truncated: boolean;
}

/** Matching lines kept at most. */
export const MAX_HITS = 5_000;
/** The in-process scan reads at most this many files, this many bytes each, this many bytes in all. */
export const MAX_SCAN_FILES = 5_000;
export const MAX_SCAN_FILE_BYTES = 512 * 1024;
export const MAX_SCAN_TOTAL_BYTES = 32 * 1024 * 1024;
/** A hit's line is kept to this many characters (minified code has very long lines). */
const MAX_HIT_CHARS = 240;

function clipLine(text: string): string {
  return text.length > MAX_HIT_CHARS ? text.slice(0, MAX_HIT_CHARS) : text;
}

/**
 * Lines of tracked source files containing any of `symbols` as a whole word (case-sensitive). Uses git
 * when `tracked` came from git and git grep works, the in-process scan otherwise.
 */
export async function searchSymbols(
  repoDir: string,
  symbols: readonly string[],
  tracked: TrackedFiles,
): Promise<SearchResult> {
  if (symbols.length === 0) return { hits: [], truncated: false };
  if (tracked.source === 'git') {
    const viaGit = await gitGrep(repoDir, symbols);
    if (viaGit) return viaGit;
  }
  return scanFiles(repoDir, symbols, tracked.files);
}

/** Runs `git grep`; resolves undefined when git fails (then the caller scans instead). */
export function gitGrep(repoDir: string, symbols: readonly string[]): Promise<SearchResult | undefined> {
  // Repository-relative paths and no submodules, whatever the user's git config says, so the hits
  // line up with `git ls-files`.
  const args = ['-C', repoDir, '-c', 'grep.fullName=false', '-c', 'submodule.recurse=false'];
  args.push('grep', '-I', '-n', '-w', '-F', '--null', '--no-color');
  for (const symbol of symbols) args.push('-e', symbol);
  args.push('--', ...sourceExtensions().map((ext) => `*.${ext}`));
  // Only top-level foreign folders are excluded here: `**` glob pathspecs made git grep three times
  // slower on 50k files. Nested ones are dropped below by isSearchableSource.
  for (const dir of FOREIGN_DIRS) args.push(`:(exclude)${dir}/`);

  return new Promise((resolve) => {
    const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
    const hits: SearchHit[] = [];
    let truncated = false;
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (truncated) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const record of lines) {
        const [file, line, ...text] = record.split('\0');
        if (file === undefined || line === undefined || !isSearchableSource(file)) continue;
        hits.push({ file, line: Number(line), text: clipLine(text.join('\0')) });
        if (hits.length >= MAX_HITS) {
          truncated = true;
          child.kill();
          return;
        }
      }
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      // git grep exits 1 when nothing matched; a kill after MAX_HITS is our own doing.
      if (truncated || code === 0 || code === 1) resolve({ hits, truncated });
      else resolve(undefined);
    });
  });
}

/** Scans `files` in this process, within MAX_SCAN_FILES / MAX_SCAN_TOTAL_BYTES / MAX_HITS. */
export async function scanFiles(
  repoDir: string,
  symbols: readonly string[],
  files: readonly string[],
): Promise<SearchResult> {
  const alternatives = symbols.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const pattern = new RegExp(`(?<![\\w$])(?:${alternatives})(?![\\w$])`);
  const sources = files.filter(isSearchableSource);
  const hits: SearchHit[] = [];
  let truncated = sources.length > MAX_SCAN_FILES;
  let bytes = 0;
  const batchSize = 256;
  const limit = Math.min(sources.length, MAX_SCAN_FILES);
  for (let start = 0; start < limit; start += batchSize) {
    const batch = sources.slice(start, Math.min(start + batchSize, limit));
    const texts = await readTextFiles(repoDir, batch, {
      maxBytes: MAX_SCAN_FILE_BYTES,
      oversize: 'truncate',
    });
    for (const file of batch) {
      const text = texts.get(file);
      if (text === undefined) continue;
      bytes += text.length;
      if (!pattern.test(text)) continue;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (!pattern.test(line)) continue;
        hits.push({ file, line: i + 1, text: clipLine(line.replace(/\r$/, '')) });
        if (hits.length >= MAX_HITS) return { hits, truncated: true };
      }
    }
    if (bytes >= MAX_SCAN_TOTAL_BYTES) {
      truncated = truncated || start + batchSize < limit;
      break;
    }
  }
  return { hits, truncated };
}
