/**
 * Repository-relative path helpers. Paths are POSIX (`a/b/c.ts`), the repository root is `.`.
 * Pure string functions: nothing here touches the file system.
 */

/**
 * Folder names whose content is not the project's own code (installed dependencies, build output,
 * vendored or generated trees, test fixtures). Manifests and sources under them are never stacks,
 * conventions or callers: a fixture `package.json` is not a sub-project.
 */
export const FOREIGN_DIRS: ReadonlySet<string> = new Set([
  '.git',
  'node_modules',
  'bower_components',
  'vendor',
  'third_party',
  'third-party',
  'dist',
  'build',
  'target',
  'out',
  'coverage',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.gradle',
  '.next',
  '.nuxt',
  'testdata',
  'fixtures',
  '__fixtures__',
  'site-packages',
]);

/** The folder holding `path`: `.` for a top-level file. */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/** The last segment of `path`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `dir` joined with `name`; `.` joined with `x` is `x`. */
export function joinPath(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}

/** The folder itself, then each parent up to and including `.`. */
export function selfAndAncestors(dir: string): string[] {
  const out = [dir];
  let current = dir;
  while (current !== '.') {
    current = dirOf(current);
    out.push(current);
  }
  return out;
}

/** `path` relative to `ancestor` (which must contain it, or be equal: then `.`). */
export function relativeTo(ancestor: string, path: string): string {
  if (ancestor === path) return '.';
  return ancestor === '.' ? path : path.slice(ancestor.length + 1);
}

/** How to reach `ancestor` from `dir` with `..` segments: `./` when they are the same folder. */
export function upwardPrefix(dir: string, ancestor: string): string {
  const depth = dir === '.' ? 0 : dir.split('/').length;
  const ancestorDepth = ancestor === '.' ? 0 : ancestor.split('/').length;
  const ups = depth - ancestorDepth;
  return ups === 0 ? './' : '../'.repeat(ups);
}

/** Number of folders between the root and the file: `a.ts` is 0, `src/a.ts` is 1. */
export function depthOf(path: string): number {
  let depth = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) depth++;
  return depth;
}

// One regular expression instead of a split per call: this runs several times for each of up to
// hundreds of thousands of paths, and dominated context assembly's time when it split.
const FOREIGN_SEGMENT = new RegExp(
  `(?:^|/)(?:${[...FOREIGN_DIRS].map((d) => d.replace(/[.]/g, '\\.')).join('|')})/`,
);

/** True when a folder of `path` (not the file name) is one of FOREIGN_DIRS. */
export function inForeignDir(path: string): boolean {
  return FOREIGN_SEGMENT.test(path);
}
