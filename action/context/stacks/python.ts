/**
 * Python stacks: the runner that owns the environment (uv, poetry, pdm, pipenv, by lockfile or pyproject
 * table), the test tool (tox or pytest, only on evidence: a config, a tests folder, a dependency), and
 * ruff/flake8 and mypy/pyright when configured or declared.
 */
import { baseName, joinPath, selfAndAncestors } from '../paths.js';
import { isRequirementsFile } from '../manifests.js';
import type { RepoView } from '../repo-view.js';
import { hasAny } from '../repo-view.js';
import { parseToml, tomlStrings } from '../toml.js';
import type { TomlTable } from '../toml.js';
import type { PackageManager, Stack } from '../types.js';

type PythonRunner = Extract<PackageManager, 'uv' | 'poetry' | 'pdm' | 'pipenv'>;

const RUNNER_LOCKFILES: ReadonlyArray<readonly [string, PythonRunner]> = [
  ['uv.lock', 'uv'],
  ['poetry.lock', 'poetry'],
  ['pdm.lock', 'pdm'],
  ['Pipfile.lock', 'pipenv'],
  ['Pipfile', 'pipenv'],
];

/** What a folder's Python files say, gathered once so each decision below is a plain lookup. */
export interface PythonFacts {
  tables: ReadonlySet<string>;
  dependencies: ReadonlySet<string>;
  setupCfg: string;
  toxIni: string;
  pyprojectError?: string;
}

/**
 * Gathers the pyproject tables, the declared dependency names (pyproject and requirements files) and
 * the setup.cfg / tox.ini text of `dir`.
 */
export function pythonFacts(view: RepoView, dir: string): PythonFacts {
  const tables = new Set<string>();
  const dependencies = new Set<string>();
  let pyprojectError: string | undefined;
  const pyproject = view.text(joinPath(dir, 'pyproject.toml'));
  if (pyproject !== undefined) {
    try {
      const doc = parseToml(pyproject);
      for (const [name, table] of doc) {
        if (name !== '') tables.add(name);
        for (const dep of dependencyNames(name, table)) dependencies.add(dep);
      }
    } catch (error) {
      pyprojectError = `pyproject.toml could not be parsed (${(error as Error).message})`;
    }
  }
  for (const path of view.filesUnder(dir)) {
    if (!isRequirementsFile(baseName(path))) continue;
    for (const line of (view.text(path) ?? '').split('\n')) {
      const name = requirementName(line);
      if (name) dependencies.add(name);
    }
  }
  const facts: PythonFacts = {
    tables,
    dependencies,
    setupCfg: view.text(joinPath(dir, 'setup.cfg')) ?? '',
    toxIni: view.text(joinPath(dir, 'tox.ini')) ?? '',
  };
  if (pyprojectError) facts.pyprojectError = pyprojectError;
  return facts;
}

/** Dependency names a pyproject table declares (PEP 621, dependency groups, uv, pdm, poetry). */
function dependencyNames(tableName: string, table: TomlTable): string[] {
  if (/^tool\.poetry(\.group\.[^.]+)?\.(dev-)?dependencies$/.test(tableName)) {
    return Object.keys(table).map(normalizeName);
  }
  let strings: string[] = [];
  if (tableName === 'project') strings = tomlStrings(table.dependencies);
  else if (tableName === 'project.optional-dependencies' || tableName === 'dependency-groups') {
    strings = tomlStrings(table);
  } else if (tableName === 'tool.uv') strings = tomlStrings(table['dev-dependencies']);
  else if (tableName === 'tool.pdm.dev-dependencies') strings = tomlStrings(table);
  return strings.map(requirementName).filter((n): n is string => n !== undefined);
}

/** The project name at the start of a PEP 508 requirement line, normalised; undefined for others. */
function requirementName(line: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/#.*/, ''));
  return match ? normalizeName(match[1] as string) : undefined;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_.]+/g, '-');
}

/** The runner for `dir`: its own lockfile, then its pyproject's tool table, then a parent's lockfile. */
export function pythonRunner(view: RepoView, dir: string, facts: PythonFacts): PythonRunner | undefined {
  const [self, ...parents] = selfAndAncestors(dir);
  const lockIn = (folder: string) =>
    RUNNER_LOCKFILES.find(([lockfile]) => view.has(joinPath(folder, lockfile)))?.[1];
  const own = lockIn(self as string);
  if (own) return own;
  const declared = (['uv', 'poetry', 'pdm'] as const).find((runner) => facts.tables.has(`tool.${runner}`));
  if (declared) return declared;
  for (const folder of parents) {
    const inherited = lockIn(folder);
    if (inherited) return inherited;
  }
  return undefined;
}

function iniHasSection(text: string, section: string): boolean {
  return new RegExp(`^\\[${section.replace(/[.:]/g, '\\$&')}\\]`, 'm').test(text);
}

/** Why pytest is believed to be the test tool, or undefined when nothing says so. */
export function pytestEvidence(view: RepoView, dir: string, facts: PythonFacts): string | undefined {
  if (view.has(joinPath(dir, 'pytest.ini'))) return 'pytest.ini';
  if (facts.tables.has('tool.pytest.ini_options') || facts.tables.has('tool.pytest')) {
    return 'pyproject.toml [tool.pytest]';
  }
  if (iniHasSection(facts.setupCfg, 'tool:pytest')) return 'setup.cfg [tool:pytest]';
  if (iniHasSection(facts.toxIni, 'pytest')) return 'tox.ini [pytest]';
  if (hasAny(view, dir, ['conftest.py', 'tests/conftest.py', 'test/conftest.py'])) return 'conftest.py';
  if (facts.dependencies.has('pytest')) return 'pytest is a declared dependency';
  for (const folder of ['tests', 'test']) {
    if (view.filesUnder(joinPath(dir, folder)).some((f) => f.endsWith('.py'))) return `${folder}/ folder`;
  }
  return undefined;
}

function hasTox(view: RepoView, dir: string, facts: PythonFacts): boolean {
  return (
    hasAny(view, dir, ['tox.ini', 'tox.toml']) ||
    facts.tables.has('tool.tox') ||
    iniHasSection(facts.setupCfg, 'tox:tox')
  );
}

/**
 * The Python stack in `dir`. With a lockfile runner (uv, poetry, pdm, pipenv) pytest runs through it,
 * because the lockfile defines the environment; otherwise a tox configuration wins over bare pytest,
 * because tox builds its own environment.
 */
export function detectPython(view: RepoView, dir: string): Stack {
  const facts = pythonFacts(view, dir);
  const runner = pythonRunner(view, dir, facts);
  const prefix = runner ? `${runner} run ` : '';
  const stack: Stack = { path: dir, kind: 'python', notes: [] };
  if (runner) stack.packageManager = runner;
  if (facts.pyprojectError) stack.notes.push(facts.pyprojectError);

  const pytest = pytestEvidence(view, dir, facts);
  const tox = hasTox(view, dir, facts);
  if (pytest && (runner || !tox)) stack.test = `${prefix}pytest`;
  else if (tox) stack.test = 'tox';
  else stack.notes.push('no pytest or tox configuration, tests folder or dependency found: no test command');

  const has = (names: string[]) => hasAny(view, dir, names);
  if (has(['ruff.toml', '.ruff.toml']) || facts.tables.has('tool.ruff') || facts.dependencies.has('ruff')) {
    stack.lint = `${prefix}ruff check .`;
  } else if (
    has(['.flake8']) ||
    iniHasSection(facts.setupCfg, 'flake8') ||
    iniHasSection(facts.toxIni, 'flake8') ||
    facts.dependencies.has('flake8')
  ) {
    stack.lint = `${prefix}flake8`;
  }
  if (
    has(['mypy.ini', '.mypy.ini']) ||
    facts.tables.has('tool.mypy') ||
    iniHasSection(facts.setupCfg, 'mypy') ||
    facts.dependencies.has('mypy')
  ) {
    stack.typecheck = `${prefix}mypy .`;
  } else if (
    has(['pyrightconfig.json']) ||
    facts.tables.has('tool.pyright') ||
    facts.dependencies.has('pyright')
  ) {
    stack.typecheck = `${prefix}pyright`;
  }
  if (runner === 'uv' || runner === 'poetry' || runner === 'pdm') stack.build = `${runner} build`;
  return stack;
}
