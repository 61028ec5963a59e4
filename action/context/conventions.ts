/**
 * Conventions a change must follow, read from the repository mechanically: the lint/format/type tools it
 * configures, how its tests are laid out and named, its language mix, and a few root-manifest facts.
 */
import { languageMix } from './languages.js';
import { baseName, inForeignDir } from './paths.js';
import type { RepoView } from './repo-view.js';
import { parseToml } from './toml.js';
import type { Conventions, TestLayout, TestPattern, ToolConfig } from './types.js';

/** Config files by tool, tested against a file's name. Order is the order tools are reported in. */
const TOOL_FILES: ReadonlyArray<readonly [string, RegExp]> = [
  ['eslint', /^(?:\.eslintrc(?:\.(?:js|cjs|mjs|json|ya?ml))?|eslint\.config\.(?:js|cjs|mjs|ts|mts|cts))$/],
  [
    'prettier',
    /^(?:\.prettierrc(?:\.(?:js|cjs|mjs|json|json5|ya?ml|toml))?|prettier\.config\.(?:js|cjs|mjs|ts))$/,
  ],
  ['biome', /^biome\.jsonc?$/],
  ['stylelint', /^(?:\.stylelintrc(?:\.\w+)?|stylelint\.config\.\w+)$/],
  ['typescript', /^tsconfig(?:\.[\w-]+)?\.json$/],
  ['ruff', /^\.?ruff\.toml$/],
  ['black', /^\.black$/],
  ['flake8', /^\.flake8$/],
  ['isort', /^\.isort\.cfg$/],
  ['pylint', /^\.?pylintrc$/],
  ['mypy', /^\.?mypy\.ini$/],
  ['pyright', /^pyrightconfig\.json$/],
  ['golangci-lint', /^\.golangci\.(?:ya?ml|toml|json)$/],
  ['rustfmt', /^\.?rustfmt\.toml$/],
  ['clippy', /^\.?clippy\.toml$/],
  ['checkstyle', /^checkstyle\.xml$/],
  ['detekt', /^detekt\.ya?ml$/],
  ['rubocop', /^\.rubocop\.ya?ml$/],
  ['clang-format', /^\.clang-format$/],
  ['editorconfig', /^\.editorconfig$/],
  ['pre-commit', /^\.pre-commit-config\.ya?ml$/],
  ['commitlint', /^(?:\.commitlintrc(?:\.\w+)?|commitlint\.config\.\w+)$/],
];

/** pyproject tables that configure a tool. */
const PYPROJECT_TOOLS = ['ruff', 'black', 'isort', 'mypy', 'pylint', 'pyright', 'flake8'];

/** INI sections (setup.cfg, tox.ini) that configure a tool. */
const INI_TOOLS: ReadonlyArray<readonly [string, string]> = [
  ['flake8', 'flake8'],
  ['mypy', 'mypy'],
  ['isort', 'isort'],
];

const MAX_FILES_PER_TOOL = 3;

/** Any tool config name at all: one test per path before trying each tool's own pattern. */
const ANY_TOOL_FILE = new RegExp(TOOL_FILES.map(([, pattern]) => `(?:${pattern.source})`).join('|'));

/** The tools the repository configures, each with up to three configuring files or manifest tables. */
export function detectTools(view: RepoView): ToolConfig[] {
  const found = new Map<string, string[]>();
  const add = (tool: string, where: string) => {
    const list = found.get(tool) ?? [];
    if (list.length < MAX_FILES_PER_TOOL && !list.includes(where)) list.push(where);
    found.set(tool, list);
  };
  for (const path of view.files) {
    if (inForeignDir(path)) continue;
    const name = baseName(path);
    if (ANY_TOOL_FILE.test(name)) {
      for (const [tool, pattern] of TOOL_FILES) if (pattern.test(name)) add(tool, path);
    }
    const text = view.text(path);
    if (text === undefined) continue;
    if (name === 'package.json') {
      if (/"prettier"\s*:/.test(text)) add('prettier', `${path} "prettier"`);
      if (/"eslintConfig"\s*:/.test(text)) add('eslint', `${path} "eslintConfig"`);
    } else if (name === 'pyproject.toml') {
      let tables: Map<string, unknown>;
      try {
        tables = parseToml(text);
      } catch {
        continue;
      }
      for (const tool of PYPROJECT_TOOLS) if (tables.has(`tool.${tool}`)) add(tool, `${path} [tool.${tool}]`);
    } else if (name === 'setup.cfg' || name === 'tox.ini') {
      for (const [tool, section] of INI_TOOLS) {
        if (new RegExp(`^\\[${section}\\]`, 'm').test(text)) add(tool, `${path} [${section}]`);
      }
    }
  }
  const order = TOOL_FILES.map(([tool]) => tool);
  return [...found]
    .sort((a, b) => rank(order, a[0]) - rank(order, b[0]))
    .map(([tool, files]) => ({ tool, files }));
}

function rank(order: readonly string[], tool: string): number {
  const at = order.indexOf(tool);
  return at < 0 ? order.length : at;
}

/** Test file naming rules, tried in order; the first match names the file's pattern. */
const TEST_RULES: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/\.(test|spec)\.([cm]?[jt]sx?)$/, (m) => `*.${m[1]}.${m[2]}`],
  [/(?:^|\/)__tests__\/.*\.([cm]?[jt]sx?)$/, (m) => `__tests__/*.${m[1]}`],
  [/(?:^|\/)test_[^/]*\.py$/, () => 'test_*.py'],
  [/_test\.py$/, () => '*_test.py'],
  [/_test\.go$/, () => '*_test.go'],
  [/(?:^|\/)tests\/[^/]+\.rs$/, () => 'tests/*.rs'],
  [/(Tests?|IT)\.(java|kt)$/, (m) => `*${m[1]}.${m[2]}`],
  [/Spec\.(scala|groovy|kt)$/, (m) => `*Spec.${m[1]}`],
  [/_spec\.rb$/, () => '*_spec.rb'],
  [/(?:^|\/)test_[^/]*\.rb$/, () => 'test_*.rb'],
];

/** Folders that hold tests; `src/test` (Maven, Gradle) is one folder, not `src` then `test`. */
const TEST_DIR = /(?:^|\/)(src\/test|test|tests|__tests__|spec|specs|e2e)\//;

/** Every TEST_RULES pattern needs one of these substrings: a cheap first test for each path. */
const MAYBE_TEST = /test|spec|IT\.|Spec/i;

/** The test pattern of `path`, or undefined when it is not a test file by name. */
export function testPatternOf(path: string): string | undefined {
  if (!MAYBE_TEST.test(path)) return undefined;
  for (const [pattern, name] of TEST_RULES) {
    const match = pattern.exec(path);
    if (match) return name(match);
  }
  return undefined;
}

/** The test folder a test file lives under (`test`, `tests`, `packages/x/test` → `test`), if any. */
function testDirOf(path: string): string | undefined {
  return TEST_DIR.exec(path)?.[1];
}

/** How tests are named and where they live, from the tracked paths alone. */
export function detectTestLayout(files: readonly string[]): TestLayout {
  const patterns = new Map<string, TestPattern>();
  const dirs = new Map<string, number>();
  let colocated = 0;
  let total = 0;
  for (const path of files) {
    if (inForeignDir(path)) continue;
    const pattern = testPatternOf(path);
    if (!pattern) continue;
    total++;
    const entry = patterns.get(pattern);
    if (entry) entry.count++;
    else patterns.set(pattern, { pattern, count: 1, example: path });
    const dir = testDirOf(path);
    if (dir) dirs.set(dir, (dirs.get(dir) ?? 0) + 1);
    else colocated++;
  }
  return {
    dirs: [...dirs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([dir]) => dir),
    patterns: [...patterns.values()].sort((a, b) => b.count - a.count || (a.pattern < b.pattern ? -1 : 1)),
    colocated,
    total,
  };
}

/** Facts from the root manifests that change how code must be written. */
export function manifestNotes(view: RepoView): string[] {
  const notes: string[] = [];
  const pkg = view.text('package.json');
  if (pkg !== undefined) {
    if (/"type"\s*:\s*"module"/.test(pkg)) notes.push('Node modules are ESM (package.json "type": "module")');
    const engine = /"engines"\s*:\s*\{[^}]*"node"\s*:\s*"([^"]+)"/.exec(pkg);
    if (engine) notes.push(`Node ${engine[1]} (package.json engines)`);
  }
  const tsconfig = view.text('tsconfig.json');
  if (tsconfig !== undefined && /"strict"\s*:\s*true/.test(tsconfig))
    notes.push('TypeScript strict mode (tsconfig.json)');
  const pyproject = view.text('pyproject.toml');
  const python = pyproject === undefined ? null : /^requires-python\s*=\s*["']([^"']+)["']/m.exec(pyproject);
  if (python) notes.push(`Python ${python[1]} (pyproject.toml requires-python)`);
  const gomod = view.text('go.mod');
  const go = gomod === undefined ? null : /^go\s+(\S+)/m.exec(gomod);
  if (go) notes.push(`Go ${go[1]} (go.mod)`);
  const cargo = view.text('Cargo.toml');
  const edition = cargo === undefined ? null : /^edition\s*=\s*"(\d+)"/m.exec(cargo);
  if (edition) notes.push(`Rust edition ${edition[1]} (Cargo.toml)`);
  return notes;
}

/** All conventions: tools, test layout, the top five languages and root-manifest notes. */
export function detectConventions(view: RepoView): Conventions {
  return {
    tools: detectTools(view),
    tests: detectTestLayout(view.files),
    languages: languageMix(view.files, 5),
    notes: manifestNotes(view),
  };
}
