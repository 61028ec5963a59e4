/** Bounded reading of repository text files: no huge files, no binaries, no following a final symlink. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReadLimits {
  /** Bytes read per file at most. */
  maxBytes: number;
  /** A larger file is `skip`ped (manifests: a partial JSON is useless) or `truncate`d (contents to rank). */
  oversize: 'skip' | 'truncate';
}

/** Files read at the same time; enough to hide latency, few enough to stay clear of descriptor limits. */
const CONCURRENCY = 64;

// O_NOFOLLOW: a tracked symbolic link pointing outside the repository is not read through.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads the text of `paths` (relative to `repoDir`) under `limits`. Files that can't be opened, that
 * look binary (a NUL byte) or that are over the limit with `oversize: 'skip'` are absent from the map.
 */
export async function readTextFiles(
  repoDir: string,
  paths: readonly string[],
  limits: ReadLimits,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++] as string;
      const text = await readOne(join(repoDir, path), limits);
      if (text !== undefined) out.set(path, text);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, paths.length) }, worker));
  return out;
}

async function readOne(fullPath: string, limits: ReadLimits): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(fullPath, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    if (stats.size > limits.maxBytes && limits.oversize === 'skip') return undefined;
    const buffer = Buffer.alloc(Math.min(stats.size, limits.maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.subarray(0, 8000).includes(0)) return undefined;
    return bytes.toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
