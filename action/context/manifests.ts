/**
 * Which tracked files context assembly reads: build manifests and the configs whose *content* matters
 * (a `[tool.ruff]` table, a `"type": "module"`). Everything else is judged by its path alone.
 */
import { baseName, depthOf, inForeignDir } from './paths.js';

/** File names read wherever they are (outside foreign folders). */
const READ_ANYWHERE: ReadonlySet<string> = new Set([
  'package.json',
  'pnpm-workspace.yaml',
  'pyproject.toml',
  'setup.cfg',
  'tox.ini',
  'Pipfile',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'settings.gradle.kts',
  'go.mod',
  'Cargo.toml',
  'Makefile',
  'makefile',
  'GNUmakefile',
]);

/** Read only at the repository root: the facts the conventions report are repository-wide. */
const READ_AT_ROOT: ReadonlySet<string> = new Set(['tsconfig.json']);

/** `requirements.txt`, `requirements-dev.txt`, `dev-requirements.txt`, … */
const REQUIREMENTS = /^(?:[\w.-]*[-_.])?requirements(?:[-_.][\w.-]*)?\.txt$/;

/** At most this many manifests are read: a monorepo with more is described by its shallowest ones. */
export const MAX_MANIFESTS = 400;

/** At most this many bytes of any one manifest are read; a larger file is skipped. */
export const MAX_MANIFEST_BYTES = 512 * 1024;

/**
 * The tracked paths whose text stack detection and conventions need, shallowest first, at most
 * MAX_MANIFESTS of them. Paths inside foreign folders (node_modules, vendor, fixtures, …) are left out.
 */
export function manifestPaths(files: readonly string[]): string[] {
  const picked: string[] = [];
  for (const path of files) {
    const name = baseName(path);
    const depth = depthOf(path);
    const wanted =
      READ_ANYWHERE.has(name) || (depth === 0 && READ_AT_ROOT.has(name)) || REQUIREMENTS.test(name);
    if (wanted && !inForeignDir(path)) picked.push(path);
  }
  picked.sort((a, b) => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0));
  return picked.slice(0, MAX_MANIFESTS);
}

/** True for a requirements file name (`requirements.txt`, `requirements-dev.txt`, …). */
export function isRequirementsFile(name: string): boolean {
  return REQUIREMENTS.test(name);
}
