/**
 * Helpers for the guard tests: diffs built from text, and the marker words assembled from parts (this
 * repository lints itself for them, and these fixtures must not trip that lint).
 */
import type { FileDiff, FileChange } from '../../core/diff.js';
import { defaultPolicy } from '../../core/policy.js';

export const W = {
  todo: ['TO', 'DO'].join(''),
  fixme: ['FIX', 'ME'].join(''),
  xxx: ['X', 'XX'].join(''),
  hack: ['HA', 'CK'].join(''),
  notDone: ['not imple', 'mented'].join(''),
  undone: ['unimple', 'mented'].join(''),
  pyError: ['NotImple', 'mentedError'].join(''),
  dotnet: ['NotImple', 'mentedException'].join(''),
  stub: ['st', 'ub'].join(''),
};

/** A file the change adds, with `text` as its content (lines numbered from 1). */
export function addedFile(path: string, text: string): FileDiff {
  return changedFile(
    path,
    text.split('\n').map((t, i) => [i + 1, t] as const),
    [],
    'added',
  );
}

/** A modified file with the given added and removed `[line, text]` pairs. */
export function changedFile(
  path: string,
  added: ReadonlyArray<readonly [number, string]>,
  removed: ReadonlyArray<readonly [number, string]> = [],
  change: FileChange = 'modified',
): FileDiff {
  return {
    path,
    oldPath: change === 'added' ? null : path,
    newPath: change === 'deleted' ? null : path,
    change,
    binary: false,
    similarity: null,
    oldMode: null,
    newMode: null,
    added: added.map(([line, text]) => ({ line, text })),
    removed: removed.map(([line, text]) => ({ line, text })),
  };
}

export const policy = defaultPolicy();
