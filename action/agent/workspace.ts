/**
 * The checkout an agent's tools work in, and the rules on which of its paths a tool may touch.
 *
 * A path from the model is untrusted: it must be relative, use `/`, have no `..` segment and name nothing
 * inside `.git/` (which can hold credentials and hooks). The file it resolves to must stay inside the root
 * after symbolic links are followed. Writes are also refused on protected paths (the policy's
 * `protected_paths`, matched with picomatch, dotfiles included), checked on the path as given and on the
 * path after links are followed, and refused through a symbolic link.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { ToolError } from './tool-error.js';

export interface Workspace {
  /** The root as given, absolute. */
  readonly root: string;
  /** The root with symbolic links resolved: what "inside the root" is checked against. */
  readonly realRoot: string;
  /** Whether a repository-relative path is protected (never written by an agent). */
  isProtected(relativePath: string): boolean;
}

/** Opens a workspace on an existing directory; throws when `root` is not an absolute path to one. */
export async function openWorkspace(root: string, protectedPaths: readonly string[]): Promise<Workspace> {
  if (!path.isAbsolute(root)) throw new Error(`workspace root must be an absolute path, got "${root}"`);
  const realRoot = await realpath(root);
  const matches = protectedPaths.length > 0 ? picomatch([...protectedPaths], { dot: true }) : () => false;
  return { root, realRoot, isProtected: (relativePath) => matches(relativePath) };
}

/**
 * The canonical form of a model-given path: segments joined by `/`, without `.` or empty segments; `''`
 * for the root itself. Throws ToolError (`refused`) for absolute paths, `..`, backslashes, NUL and `.git`.
 */
export function normalisePath(given: string): string {
  if (given.includes('\u0000')) throw new ToolError('refused', 'the path contains a NUL character');
  if (given.includes('\\')) throw new ToolError('refused', `use "/" to separate folders: "${given}"`);
  if (given.startsWith('/') || /^[A-Za-z]:/.test(given)) {
    throw new ToolError('refused', `"${given}" is absolute; give a path relative to the repository root`);
  }
  const segments = given.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new ToolError('refused', `"${given}" leaves the repository: ".." is not allowed in paths`);
  }
  if (segments.includes('.git'))
    throw new ToolError('refused', `"${given}" is inside .git, which no tool may touch`);
  return segments.join('/');
}

/** Whether `target` is `base` or inside it (both absolute and resolved). */
function isInside(base: string, target: string): boolean {
  const relative = path.relative(base, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Where a path really points, relative to the real root, or a refusal when that is outside it. */
function confined(workspace: Workspace, real: string, given: string): string {
  if (!isInside(workspace.realRoot, real)) {
    throw new ToolError('refused', `"${given}" resolves outside the repository (through a symbolic link)`);
  }
  const relative = path.relative(workspace.realRoot, real).split(path.sep).join('/');
  if (relative.split('/').includes('.git')) {
    throw new ToolError('refused', `"${given}" resolves inside .git, which no tool may touch`);
  }
  return relative;
}

export interface ResolvedPath {
  /** The canonical relative path as the model named it (see {@link normalisePath}). */
  relative: string;
  /** The absolute path to operate on. */
  absolute: string;
}

/**
 * Resolves a path for reading: it must exist and, with links followed, stay inside the root and out of
 * `.git`. Throws ToolError `refused` for an escape, `failed` when nothing is there.
 */
export async function resolveForRead(workspace: Workspace, given: string): Promise<ResolvedPath> {
  const relative = normalisePath(given);
  const absolute = path.join(workspace.realRoot, relative);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    throw new ToolError('failed', `"${given}" does not exist`);
  }
  confined(workspace, real, given);
  return { relative, absolute: real };
}

/** The deepest existing ancestor of `absolute` (the root at worst) and the segments below it. */
async function existingAncestor(
  workspace: Workspace,
  relative: string,
): Promise<{ real: string; rest: string[] }> {
  const segments = relative.split('/');
  for (let depth = segments.length - 1; depth >= 0; depth--) {
    try {
      const real = await realpath(path.join(workspace.realRoot, ...segments.slice(0, depth)));
      return { real, rest: segments.slice(depth) };
    } catch {
      // Not there yet: the write creates it; look one level up.
    }
  }
  return { real: workspace.realRoot, rest: segments };
}

/**
 * Resolves a path for writing a file: not the root, not protected (as named, nor where its existing
 * folders really lead), not a symbolic link, and inside the root with links followed. Throws ToolError
 * `refused` for each of those. The result's `relative` is where the file really is, links followed.
 */
export async function resolveForWrite(workspace: Workspace, given: string): Promise<ResolvedPath> {
  const relative = normalisePath(given);
  if (relative === '') throw new ToolError('refused', 'give a file path, not the repository root');
  const refuseProtected = (candidate: string) => {
    if (workspace.isProtected(candidate)) {
      throw new ToolError(
        'refused',
        `"${candidate}" is a protected path (policy protected_paths): agents may not change it; say so in your report instead`,
      );
    }
  };
  refuseProtected(relative);
  const absolute = path.join(workspace.realRoot, relative);
  const stats = await lstat(absolute).catch(() => undefined);
  if (stats?.isSymbolicLink())
    throw new ToolError('refused', `"${given}" is a symbolic link; it is not written through`);
  if (stats?.isDirectory()) throw new ToolError('failed', `"${given}" is a folder, not a file`);
  const { real, rest } = await existingAncestor(workspace, relative);
  const realRelative = confined(workspace, path.join(real, ...rest), given);
  refuseProtected(realRelative);
  // The file that really changes, as git will see it, may differ from the name when a folder is a link.
  return { relative: realRelative, absolute: path.join(workspace.realRoot, realRelative) };
}
