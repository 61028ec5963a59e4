/**
 * Node stacks: the package manager (packageManager field, then lockfile, nearest folder first) and the
 * commands for the package.json scripts that exist. A missing script is reported, never made up.
 */
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { joinPath, relativeTo, selfAndAncestors } from '../paths.js';
import type { RepoView } from '../repo-view.js';
import type { PackageManager, Stack } from '../types.js';

type NodeManager = Extract<PackageManager, 'npm' | 'pnpm' | 'yarn' | 'bun'>;

/** Lockfiles in the order a folder's own lockfile is trusted, with the manager each implies. */
const LOCKFILES: ReadonlyArray<readonly [string, NodeManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

const TYPECHECK_SCRIPTS = ['typecheck', 'type-check', 'check-types', 'tsc'];

/** A folder that declares workspaces, and the member globs (relative to it) it declares. */
export interface NodeWorkspace {
  dir: string;
  include: string[];
  exclude: string[];
}

interface PackageJson {
  scripts: Record<string, string>;
  packageManager?: string;
  workspaces: string[];
}

/** Reads the fields detection uses; undefined when the text is missing or not a JSON object. */
export function readPackageJson(text: string | undefined): PackageJson | undefined {
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data)) return undefined;
  const scripts: Record<string, string> = {};
  if (isRecord(data.scripts)) {
    for (const [name, body] of Object.entries(data.scripts))
      if (typeof body === 'string') scripts[name] = body;
  }
  // `workspaces` is a list (npm, yarn classic) or `{ packages: [...] }` (yarn's older object form).
  const rawWorkspaces = isRecord(data.workspaces) ? data.workspaces.packages : data.workspaces;
  const workspaces = Array.isArray(rawWorkspaces)
    ? rawWorkspaces.filter((w): w is string => typeof w === 'string')
    : [];
  const result: PackageJson = { scripts, workspaces };
  if (typeof data.packageManager === 'string') result.packageManager = data.packageManager;
  return result;
}

/**
 * Every folder that declares Node workspaces: a package.json `workspaces` field or a pnpm-workspace.yaml
 * `packages` list. `!`-prefixed globs exclude.
 */
export function findNodeWorkspaces(view: RepoView, packageDirs: readonly string[]): NodeWorkspace[] {
  const out: NodeWorkspace[] = [];
  for (const dir of packageDirs) {
    const globs = [...(readPackageJson(view.text(joinPath(dir, 'package.json')))?.workspaces ?? [])];
    globs.push(...pnpmWorkspaceGlobs(view.text(joinPath(dir, 'pnpm-workspace.yaml'))));
    if (globs.length === 0) continue;
    out.push({
      dir,
      include: globs.filter((g) => !g.startsWith('!')).map(trimGlob),
      exclude: globs.filter((g) => g.startsWith('!')).map((g) => trimGlob(g.slice(1))),
    });
  }
  return out;
}

function pnpmWorkspaceGlobs(text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    const data: unknown = parseYaml(text);
    if (isRecord(data) && Array.isArray(data.packages)) {
      return data.packages.filter((p): p is string => typeof p === 'string');
    }
  } catch {
    // An unreadable pnpm-workspace.yaml declares nothing we can use; the packages are still found
    // one by one through their own package.json.
  }
  return [];
}

function trimGlob(glob: string): string {
  return glob.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** `root` when `dir` declares workspaces, `member` when a declaring folder's globs match it. */
export function workspaceRole(
  dir: string,
  workspaces: readonly NodeWorkspace[],
): 'root' | 'member' | undefined {
  if (workspaces.some((w) => w.dir === dir)) return 'root';
  for (const w of workspaces) {
    if (w.dir !== '.' && !dir.startsWith(`${w.dir}/`)) continue;
    const rel = relativeTo(w.dir, dir);
    if (
      picomatch.isMatch(rel, w.include, { dot: true }) &&
      !picomatch.isMatch(rel, w.exclude, { dot: true })
    ) {
      return 'member';
    }
  }
  return undefined;
}

/**
 * The manager for the package in `dir`: the nearest folder (itself, then its parents) with a
 * `packageManager` field or a lockfile decides; `how` says which, for the notes.
 */
export function nodePackageManager(view: RepoView, dir: string): { manager: NodeManager; how?: string } {
  for (const folder of selfAndAncestors(dir)) {
    const declared = readPackageJson(view.text(joinPath(folder, 'package.json')))?.packageManager;
    const name = declared?.split('@')[0];
    if (name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun') {
      return { manager: name, how: `packageManager ${declared}` };
    }
    for (const [lockfile, manager] of LOCKFILES) {
      if (view.has(joinPath(folder, lockfile))) return { manager, how: joinPath(folder, lockfile) };
    }
  }
  return { manager: 'npm' };
}

/** The command that runs `script` with `manager` (`bun test` is bun's own runner, so bun uses `run`). */
export function runScript(manager: NodeManager, script: string): string {
  if (script === 'test' && manager !== 'bun') return `${manager} test`;
  return `${manager} run ${script}`;
}

/**
 * The Node stack for the package.json in `dir`. Commands exist only for scripts that exist; a missing
 * or placeholder test script is a note.
 */
export function detectNode(view: RepoView, dir: string, workspaces: readonly NodeWorkspace[]): Stack {
  const pkg = readPackageJson(view.text(joinPath(dir, 'package.json')));
  const { manager, how } = nodePackageManager(view, dir);
  const role = workspaceRole(dir, workspaces);
  const stack: Stack = { path: dir, kind: 'node', packageManager: manager, notes: [] };
  if (!pkg) {
    stack.notes.push('package.json could not be read as JSON; no scripts known');
    if (role) stack.workspace = role;
    return stack;
  }
  const scripts = pkg.scripts;
  const testScript = pickTestScript(scripts);
  if (testScript) stack.test = runScript(manager, testScript);
  if (scripts.lint !== undefined) stack.lint = runScript(manager, 'lint');
  if (scripts.build !== undefined) stack.build = runScript(manager, 'build');
  const typecheck = TYPECHECK_SCRIPTS.find((name) => scripts[name] !== undefined);
  if (typecheck) stack.typecheck = runScript(manager, typecheck);
  if (role) stack.workspace = role;

  if (!testScript) {
    stack.notes.push(
      isNpmPlaceholder(scripts.test)
        ? 'the "test" script is npm\'s placeholder ("no test specified"): no test command'
        : role === 'root'
          ? 'workspace root without a "test" script: run each member\'s tests in its folder'
          : 'package.json has no "test" script: no test command',
    );
  }
  if (!how && role !== 'member') stack.notes.push('no lockfile or packageManager field: npm assumed');
  return stack;
}

/** `test:*` scripts tried first when there is no `test`: the fast, self-contained ones. */
const PREFERRED_TEST_SCRIPTS = ['test:unit', 'test:ci'];

/** `test`, else `test:unit`/`test:ci`, else the first other `test:*` script; npm's placeholder is none. */
function pickTestScript(scripts: Record<string, string>): string | undefined {
  if (scripts.test !== undefined && !isNpmPlaceholder(scripts.test)) return 'test';
  const preferred = PREFERRED_TEST_SCRIPTS.find((name) => scripts[name] !== undefined);
  if (preferred) return preferred;
  return Object.keys(scripts)
    .filter((name) => name.startsWith('test:'))
    .sort()[0];
}

function isNpmPlaceholder(body: string | undefined): boolean {
  return body !== undefined && /no test specified/.test(body);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
