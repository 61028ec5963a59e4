/**
 * Stack detection over a whole repository: every folder with a build manifest is a candidate, the
 * per-ecosystem detectors decide its commands, and parts of a bigger build (Maven modules, Gradle
 * subprojects, Cargo workspace members) are left to their root. Pure: reads only the RepoView.
 */
import { baseName, dirOf, inForeignDir } from '../paths.js';
import type { RepoView } from '../repo-view.js';
import type { Stack, StackKind } from '../types.js';
import { detectGo } from './go.js';
import { detectGradle, GRADLE_BUILD_FILES, GRADLE_SETTINGS_FILES, isGradleSubproject } from './gradle.js';
import { detectMake, MAKEFILE_NAMES } from './make.js';
import { detectMaven, isMavenModule } from './maven.js';
import { detectNode, findNodeWorkspaces } from './node.js';
import type { NodeWorkspace } from './node.js';
import { detectPython } from './python.js';
import { detectRust, isCargoWorkspaceMember } from './rust.js';

/** The file names that make their folder a candidate, and for which kind. */
const MARKERS: ReadonlyMap<string, StackKind> = new Map<string, StackKind>([
  ['package.json', 'node'],
  ['pyproject.toml', 'python'],
  ['setup.py', 'python'],
  ['setup.cfg', 'python'],
  ['tox.ini', 'python'],
  ['Pipfile', 'python'],
  ['pom.xml', 'maven'],
  ...[...GRADLE_BUILD_FILES, ...GRADLE_SETTINGS_FILES].map((name) => [name, 'gradle'] as [string, StackKind]),
  ['go.mod', 'go'],
  ['Cargo.toml', 'rust'],
  ...MAKEFILE_NAMES.map((name) => [name, 'make'] as [string, StackKind]),
]);

/** Order of kinds that share a folder: the language's own tool first, a Makefile wrapper last. */
const KIND_ORDER: readonly StackKind[] = [
  'node',
  'python',
  'maven',
  'gradle',
  'go',
  'rust',
  'make',
  'unknown',
];

/** Manifest names the fallback note lists, so a reader knows what was looked for. */
const LOOKED_FOR =
  'package.json, pyproject.toml, setup.py, pom.xml, build.gradle, go.mod, Cargo.toml, Makefile';

/**
 * Folders holding a marker manifest, per kind, shallowest first. A root-level requirements.txt also
 * marks a Python project (elsewhere it is too often a docs or tooling list). Foreign folders are skipped.
 */
export function candidateFolders(view: RepoView): Array<{ dir: string; kind: StackKind }> {
  const seen = new Set<string>();
  const out: Array<{ dir: string; kind: StackKind }> = [];
  for (const path of view.files) {
    const name = baseName(path);
    const kind = MARKERS.get(name) ?? (path === 'requirements.txt' ? 'python' : undefined);
    if (!kind || inForeignDir(path)) continue;
    const dir = dirOf(path);
    const key = `${kind}\0${dir}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ dir, kind });
  }
  return out;
}

function detectOne(
  view: RepoView,
  dir: string,
  kind: StackKind,
  workspaces: readonly NodeWorkspace[],
): Stack | undefined {
  switch (kind) {
    case 'node':
      return detectNode(view, dir, workspaces);
    case 'python':
      return detectPython(view, dir);
    case 'maven':
      return isMavenModule(view, dir) ? undefined : detectMaven(view, dir);
    case 'gradle':
      return isGradleSubproject(view, dir) ? undefined : detectGradle(view, dir);
    case 'go':
      return detectGo(view, dir);
    case 'rust':
      return isCargoWorkspaceMember(view, dir) ? undefined : detectRust(view, dir);
    case 'make':
      return detectMake(view, dir);
    case 'unknown':
      return undefined;
  }
}

/**
 * Every stack in the repository: the root's first, then sub-projects by path; within a folder, in
 * KIND_ORDER. When nothing is found, one `unknown` stack at `.` with no command and a note saying what
 * was looked for, so a consumer never runs an invented command.
 */
export function detectStacks(view: RepoView): Stack[] {
  const candidates = candidateFolders(view);
  const nodeDirs = candidates.filter((c) => c.kind === 'node').map((c) => c.dir);
  const workspaces = findNodeWorkspaces(view, nodeDirs);
  const stacks: Stack[] = [];
  for (const { dir, kind } of candidates) {
    const stack = detectOne(view, dir, kind, workspaces);
    if (stack) stacks.push(stack);
  }
  stacks.sort(
    (a, b) =>
      depthRank(a.path) - depthRank(b.path) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
  if (stacks.length > 0) return stacks;
  return [
    {
      path: '.',
      kind: 'unknown',
      notes: [`no build manifest found (looked for ${LOOKED_FOR}): no test command`],
    },
  ];
}

/** The root sorts first; every other folder sorts by path alone, so siblings stay together. */
function depthRank(path: string): number {
  return path === '.' ? 0 : 1;
}
