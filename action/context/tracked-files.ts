/**
 * The repository's tracked files: `git ls-files` when the folder is a git work tree, else a walk of the
 * folder that skips what is never the project's own (.git, dependencies, build output).
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSource } from './types.js';

export interface TrackedFiles {
  /** Repository-relative POSIX paths, sorted. */
  files: string[];
  source: FileSource;
  /** True when the walk stopped at MAX_WALK_FILES. */
  truncated: boolean;
}

/** The walk stops here: a folder this big that is not a git repository is not a project checkout. */
export const MAX_WALK_FILES = 200_000;

/** Folders the walk never enters. */
const WALK_SKIP = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'vendor',
  'dist',
  'build',
  'target',
  'out',
  'coverage',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.gradle',
  '.next',
  '.nuxt',
  '.cache',
]);

/**
 * Lists the files git tracks under `repoDir` (relative to it). Resolves undefined when git is missing,
 * the folder is not in a work tree, or git lists nothing (e.g. a fresh `git init`), so the caller walks.
 */
export function gitTrackedFiles(repoDir: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', repoDir, 'ls-files', '-z', '--cached'],
      { maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (error, stdout) => {
        if (error) return resolve(undefined);
        const files = stdout.split('\0').filter((f) => f !== '');
        resolve(files.length > 0 ? files : undefined);
      },
    );
  });
}

/**
 * Walks `repoDir` breadth-first and returns relative POSIX paths of regular files (symbolic links are
 * listed but not followed), skipping WALK_SKIP folders, stopping at MAX_WALK_FILES.
 */
export async function walkFiles(repoDir: string): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  let level = [''];
  while (level.length > 0) {
    const next: string[] = [];
    const listings = await Promise.all(
      level.map(async (rel) => ({
        rel,
        entries: await readdir(rel === '' ? repoDir : join(repoDir, rel), { withFileTypes: true }).catch(
          () => [],
        ),
      })),
    );
    for (const { rel, entries } of listings) {
      for (const entry of entries) {
        const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!WALK_SKIP.has(entry.name)) next.push(path);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          if (files.length >= MAX_WALK_FILES) return { files: files.sort(), truncated: true };
          files.push(path);
        }
      }
    }
    level = next;
  }
  return { files: files.sort(), truncated: false };
}

/** The tracked files of `repoDir`: git's list when there is one, else the walk. */
export async function listTrackedFiles(repoDir: string): Promise<TrackedFiles> {
  const fromGit = await gitTrackedFiles(repoDir);
  if (fromGit) return { files: fromGit.sort(), source: 'git', truncated: false };
  const walked = await walkFiles(repoDir);
  return { files: walked.files, source: 'walk', truncated: walked.truncated };
}
