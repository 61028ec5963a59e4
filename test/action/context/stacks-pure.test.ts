import { describe, expect, it } from '@jest/globals';
import { createRepoView } from '../../../action/context/repo-view.js';
import { detectStacks } from '../../../action/context/stacks/detect.js';
import { makeTargets } from '../../../action/context/stacks/make.js';
import { runScript } from '../../../action/context/stacks/node.js';

/** A view over `files`: a string value is the file's text, `null` a tracked file whose text isn't needed. */
function repo(files: Record<string, string | null>) {
  const texts = new Map<string, string>();
  for (const [path, text] of Object.entries(files)) if (text !== null) texts.set(path, text);
  return createRepoView(Object.keys(files), texts);
}

const pkg = (data: object) => JSON.stringify(data);

describe('Node detection', () => {
  it('the packageManager field wins over a lockfile; bun runs even `test` through `run`', () => {
    const [stack] = detectStacks(
      repo({
        'package.json': pkg({ packageManager: 'yarn@4.1.0', scripts: { test: 'vitest' } }),
        'package-lock.json': null,
      }),
    );
    expect(stack?.packageManager).toBe('yarn');
    expect(stack?.test).toBe('yarn test');
    expect(runScript('bun', 'test')).toBe('bun run test');
  });

  it("npm's placeholder test script is no test command, and a missing lockfile is noted", () => {
    const [stack] = detectStacks(
      repo({
        'package.json': pkg({
          scripts: { test: 'echo "Error: no test specified" && exit 1', lint: 'eslint .' },
        }),
      }),
    );
    expect(stack?.test).toBeUndefined();
    expect(stack?.lint).toBe('npm run lint');
    expect(stack?.notes).toEqual([
      'the "test" script is npm\'s placeholder ("no test specified"): no test command',
      'no lockfile or packageManager field: npm assumed',
    ]);
  });

  it('falls back to test:unit, else another test:* script, and finds typecheck under its usual names', () => {
    const [stack] = detectStacks(
      repo({
        'package.json': pkg({
          scripts: { 'test:e2e': 'playwright test', 'test:unit': 'vitest', 'type-check': 'tsc' },
        }),
        'pnpm-lock.yaml': null,
      }),
    );
    expect(stack?.test).toBe('pnpm run test:unit');
    expect(stack?.typecheck).toBe('pnpm run type-check');
    const [other] = detectStacks(
      repo({ 'package.json': pkg({ scripts: { 'test:e2e': 'playwright test' } }) }),
    );
    expect(other?.test).toBe('npm run test:e2e');
  });

  it('npm workspaces (package.json "workspaces", with exclusions) mark root and members; members inherit the lockfile', () => {
    const stacks = detectStacks(
      repo({
        'package.json': pkg({ workspaces: ['apps/*', '!apps/legacy'], scripts: {} }),
        'yarn.lock': null,
        'apps/site/package.json': pkg({ scripts: { test: 'jest' } }),
        'apps/legacy/package.json': pkg({ scripts: { test: 'mocha' } }),
      }),
    );
    expect(stacks.map((s) => [s.path, s.workspace, s.test])).toEqual([
      ['.', 'root', undefined],
      ['apps/legacy', undefined, 'yarn test'],
      ['apps/site', 'member', 'yarn test'],
    ]);
    expect(stacks[0]?.notes).toEqual([
      'workspace root without a "test" script: run each member\'s tests in its folder',
    ]);
  });

  it('an unreadable package.json is a stack without commands and a note', () => {
    const [stack] = detectStacks(repo({ 'package.json': '{ not json', 'package-lock.json': null }));
    expect(stack).toMatchObject({
      kind: 'node',
      notes: ['package.json could not be read as JSON; no scripts known'],
    });
    expect(stack?.test).toBeUndefined();
  });

  it('ignores manifests inside node_modules, vendor and fixture folders', () => {
    const stacks = detectStacks(
      repo({
        'go.mod': 'module x\n',
        'node_modules/left-pad/package.json': pkg({ scripts: { test: 'x' } }),
        'vendor/lib/Cargo.toml': '[package]\nname = "v"\n',
        'test/fixtures/app/pyproject.toml': '[project]\nname = "f"\n',
      }),
    );
    expect(stacks.map((s) => s.kind)).toEqual(['go']);
  });
});

describe('Python detection', () => {
  it('pytest from setup.cfg [tool:pytest], mypy from setup.cfg, pipenv from a Pipfile', () => {
    const [stack] = detectStacks(
      repo({
        'setup.cfg': '[tool:pytest]\naddopts = -q\n\n[mypy]\nstrict = True\n',
        Pipfile: null,
        'app.py': null,
      }),
    );
    expect(stack).toMatchObject({
      kind: 'python',
      packageManager: 'pipenv',
      test: 'pipenv run pytest',
      typecheck: 'pipenv run mypy .',
    });
  });

  it('pytest from a requirements file at the root; no runner means plain commands', () => {
    const [stack] = detectStacks(
      repo({ 'requirements.txt': 'flask==3.0\n', 'requirements-dev.txt': 'pytest>=8\nflake8\n' }),
    );
    expect(stack).toMatchObject({ kind: 'python', test: 'pytest', lint: 'flake8' });
    expect(stack?.packageManager).toBeUndefined();
  });

  it('a tests folder with Python files is evidence for pytest; with tox and no runner, tox wins', () => {
    expect(detectStacks(repo({ 'setup.py': null, 'tests/test_a.py': null }))[0]?.test).toBe('pytest');
    expect(
      detectStacks(repo({ 'setup.py': null, 'tests/test_a.py': null, 'tox.ini': '[tox]\n' }))[0]?.test,
    ).toBe('tox');
  });

  it('[tool.poetry] without a lockfile still means poetry; a uv.lock in a parent folder is inherited', () => {
    const stacks = detectStacks(
      repo({
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["libs/*"]\n[tool.pytest.ini_options]\n',
        'uv.lock': null,
        'libs/core/pyproject.toml': '[project]\nname = "core"\n[dependency-groups]\ndev = ["pytest"]\n',
        'svc/pyproject.toml':
          '[tool.poetry]\nname = "svc"\n[tool.poetry.group.dev.dependencies]\npytest = "*"\n',
      }),
    );
    expect(stacks.map((s) => [s.path, s.test])).toEqual([
      ['.', 'uv run pytest'],
      ['libs/core', 'uv run pytest'],
      ['svc', 'poetry run pytest'],
    ]);
  });

  it('no evidence of a test tool: no test command, and a note that says so', () => {
    const [stack] = detectStacks(repo({ 'pyproject.toml': '[project]\nname = "x"\n' }));
    expect(stack?.test).toBeUndefined();
    expect(stack?.notes.join()).toMatch(/no pytest or tox/);
  });

  it('an unparsable pyproject is noted, and file-based evidence still counts', () => {
    const [stack] = detectStacks(repo({ 'pyproject.toml': '[project\n', 'pytest.ini': null }));
    expect(stack?.test).toBe('pytest');
    expect(stack?.notes[0]).toMatch(/pyproject.toml could not be parsed \(line 1/);
  });
});

describe('JVM, Go, Rust and Make detection', () => {
  it('Maven without a wrapper uses mvn and says so; a checkstyle plugin is the lint', () => {
    const [stack] = detectStacks(
      repo({ 'pom.xml': '<project><plugin>maven-checkstyle-plugin</plugin></project>' }),
    );
    expect(stack).toMatchObject({ test: 'mvn -B test', lint: 'mvn -B checkstyle:check' });
    expect(stack?.notes).toEqual(['no Maven wrapper (mvnw): needs mvn on the PATH']);
  });

  it('a Maven module of a reactor is not a stack; a pom outside the modules list is, with ../mvnw', () => {
    const stacks = detectStacks(
      repo({
        'pom.xml': '<project><modules><module>core</module></modules></project>',
        mvnw: null,
        'core/pom.xml': '<project/>',
        'tools/pom.xml': '<project/>',
      }),
    );
    expect(stacks.map((s) => [s.path, s.test])).toEqual([
      ['.', './mvnw -B test'],
      ['tools', '../mvnw -B test'],
    ]);
  });

  it('Gradle without a wrapper uses gradle; subprojects under a settings file are not stacks; ktlint is the lint', () => {
    const stacks = detectStacks(
      repo({
        'settings.gradle': "include 'lib'",
        'build.gradle': "plugins { id 'org.jlleitschuh.gradle.ktlint' }",
        'lib/build.gradle': '',
      }),
    );
    expect(stacks).toEqual([
      {
        path: '.',
        kind: 'gradle',
        test: 'gradle test',
        build: 'gradle assemble',
        lint: 'gradle ktlintCheck',
        notes: ['no Gradle wrapper (gradlew): needs gradle on the PATH'],
      },
    ]);
  });

  it('a Cargo workspace runs every member and its members are not stacks of their own', () => {
    const stacks = detectStacks(
      repo({
        'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
        'crates/a/Cargo.toml': '[package]\nname = "a"\n',
      }),
    );
    expect(stacks.map((s) => [s.path, s.test, s.lint])).toEqual([
      ['.', 'cargo test --workspace', 'cargo clippy --workspace'],
    ]);
  });

  it('each go.mod of a multi-module repository is a stack', () => {
    const stacks = detectStacks(
      repo({ 'a/go.mod': 'module a\n', 'b/go.mod': 'module b\n', '.golangci.yml': '' }),
    );
    expect(stacks.map((s) => [s.path, s.lint])).toEqual([
      ['a', 'golangci-lint run'],
      ['b', 'golangci-lint run'],
    ]);
  });

  it('make targets: variables, special and pattern rules are not targets; `all` builds; no useful target, no stack', () => {
    expect([
      ...makeTargets('.PHONY: test\nCC := gcc\nX ?= 1\n%.o: %.c\nall: app\ncheck lint::\n\t@echo x: y\n'),
    ]).toEqual(['all', 'check', 'lint']);
    expect(detectStacks(repo({ Makefile: 'all: app\ncheck:\n\t./t\n' }))[0]).toMatchObject({
      kind: 'make',
      test: 'make check',
      build: 'make',
    });
    expect(detectStacks(repo({ Makefile: 'html:\n\tsphinx-build . _build\n' }))[0]?.kind).toBe('unknown');
  });

  it('orders stacks: root first, then folders by path, and kinds within a folder', () => {
    const stacks = detectStacks(
      repo({
        Makefile: 'test:\n\tgo test ./...\n',
        'go.mod': 'module x\n',
        'web/package.json': pkg({ scripts: { test: 'vitest' } }),
        'api/go.mod': 'module api\n',
      }),
    );
    expect(stacks.map((s) => `${s.path}:${s.kind}`)).toEqual(['.:go', '.:make', 'api:go', 'web:node']);
  });
});
