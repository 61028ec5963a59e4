/**
 * The protected-path guard: agents never change `.github/**`, the config file or secrets-like files
 * (design §7). Pure.
 *
 * Both sides of a change count, so renaming a protected file away (or another file onto a protected path)
 * is a change to it, and so is a mode change or a deletion. A symbolic link that a change adds or retargets
 * is judged by where it points too: a link into a protected path, or out of the repository, would let a
 * later write reach what the guard protects.
 */
import picomatch from 'picomatch';
import type { FileDiff } from '../diff.js';
import type { Violation } from './violation.js';

const SYMLINK_MODE = '120000';

/** The first glob of `globs` that `path` matches (dotfiles included), or null. */
function matchingGlob(
  path: string,
  matchers: ReadonlyArray<readonly [string, (p: string) => boolean]>,
): string | null {
  return matchers.find(([, isMatch]) => isMatch(path))?.[0] ?? null;
}

/** Where a symbolic link at `linkPath` pointing at `target` lands, repository-relative; null if outside. */
function linkDestination(linkPath: string, target: string): string | null {
  if (target.startsWith('/')) return null;
  const parts = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/**
 * One finding per changed file that touches a path matched by one of `globs` (picomatch, `dot: true`),
 * naming the glob, plus one per added or retargeted symbolic link that points into a protected path or
 * out of the repository.
 */
export function findProtectedPathChanges(diff: readonly FileDiff[], globs: readonly string[]): Violation[] {
  const matchers = globs.map((glob) => [glob, picomatch(glob, { dot: true })] as const);
  const found: Violation[] = [];
  for (const file of diff) {
    const sides = [...new Set([file.oldPath, file.newPath].filter((p): p is string => p !== null))];
    for (const path of sides) {
      const glob = matchingGlob(path, matchers);
      if (glob === null) continue;
      const how =
        file.change === 'renamed' && path === file.oldPath
          ? `renames the protected file ${path} to ${file.newPath}`
          : file.change === 'renamed'
            ? `renames ${file.oldPath} onto the protected path ${path}`
            : file.change === 'deleted'
              ? `deletes the protected file ${path}`
              : `changes the protected file ${path}`;
      found.push({
        guard: 'protected_path',
        file: path,
        message: `The change ${how} (policy protected_paths: "${glob}"). Agents may not touch it: revert this file; if it must change, say so and a human will do it.`,
      });
    }
    const target = file.newMode === SYMLINK_MODE ? file.added[0]?.text : undefined;
    if (target !== undefined && file.newPath !== null) {
      const destination = linkDestination(file.newPath, target);
      const glob = destination === null ? null : matchingGlob(destination, matchers);
      if (destination === null || glob !== null) {
        found.push({
          guard: 'protected_path',
          file: file.newPath,
          message: `The symbolic link ${file.newPath} points to ${target}, ${destination === null ? 'outside the repository' : `a protected path (policy protected_paths: "${glob}")`}. Remove the link.`,
        });
      }
    }
  }
  return found;
}
