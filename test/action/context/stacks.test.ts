import { afterAll, describe, expect, it } from '@jest/globals';
import { assembleContext } from '../../../action/context/assemble.js';
import type { Stack } from '../../../action/context/types.js';
import { contextCommand } from '../../../cli/context.js';
import type { CliIO } from '../../../cli/io.js';
import { cleanUp, copyFixture } from './fixtures.js';

afterAll(cleanUp);

/** The stacks each fixture layout must yield, in order (notes are checked separately). */
const EXPECTED: Record<string, Array<Omit<Stack, 'notes'>>> = {
  'node-npm': [
    {
      path: '.',
      kind: 'node',
      packageManager: 'npm',
      test: 'npm test',
      lint: 'npm run lint',
      build: 'npm run build',
    },
  ],
  'node-pnpm-workspace': [
    {
      path: '.',
      kind: 'node',
      packageManager: 'pnpm',
      test: 'pnpm test',
      lint: 'pnpm run lint',
      workspace: 'root',
    },
    {
      path: 'packages/core',
      kind: 'node',
      packageManager: 'pnpm',
      test: 'pnpm test',
      build: 'pnpm run build',
      workspace: 'member',
    },
    {
      path: 'packages/web',
      kind: 'node',
      packageManager: 'pnpm',
      typecheck: 'pnpm run typecheck',
      workspace: 'member',
    },
  ],
  'node-yarn': [
    { path: '.', kind: 'node', packageManager: 'yarn', test: 'yarn test', lint: 'yarn run lint' },
  ],
  'python-pytest': [{ path: '.', kind: 'python', test: 'pytest', lint: 'ruff check .' }],
  'python-poetry': [
    {
      path: '.',
      kind: 'python',
      packageManager: 'poetry',
      test: 'poetry run pytest',
      typecheck: 'poetry run mypy .',
      build: 'poetry build',
    },
  ],
  'python-uv': [
    {
      path: '.',
      kind: 'python',
      packageManager: 'uv',
      test: 'uv run pytest',
      lint: 'uv run ruff check .',
      build: 'uv build',
    },
  ],
  'python-tox': [{ path: '.', kind: 'python', test: 'tox', lint: 'flake8' }],
  maven: [
    {
      path: '.',
      kind: 'maven',
      test: './mvnw -B test',
      lint: './mvnw -B spotless:check',
      build: './mvnw -B -DskipTests package',
    },
  ],
  gradle: [
    {
      path: '.',
      kind: 'gradle',
      test: './gradlew test',
      lint: './gradlew spotlessCheck',
      build: './gradlew assemble',
    },
  ],
  go: [{ path: '.', kind: 'go', test: 'go test ./...', lint: 'golangci-lint run', build: 'go build ./...' }],
  rust: [{ path: '.', kind: 'rust', test: 'cargo test', lint: 'cargo clippy', build: 'cargo build' }],
  make: [{ path: '.', kind: 'make', test: 'make test', lint: 'make lint', build: 'make build' }],
  monorepo: [
    {
      path: 'services/api',
      kind: 'go',
      test: 'go test ./...',
      lint: 'go vet ./...',
      build: 'go build ./...',
    },
    { path: 'web', kind: 'node', packageManager: 'npm', test: 'npm test', build: 'npm run build' },
  ],
  empty: [{ path: '.', kind: 'unknown' }],
};

function withoutNotes(stacks: readonly Stack[]): Array<Omit<Stack, 'notes'>> {
  return stacks.map((stack) => {
    const copy: Partial<Stack> = { ...stack };
    delete copy.notes;
    return copy as Omit<Stack, 'notes'>;
  });
}

function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    readText: () => Promise.reject(new Error('not used')),
  };
}

describe('stack detection on real layouts', () => {
  for (const [fixture, expected] of Object.entries(EXPECTED)) {
    it(`${fixture}: detects ${expected.map((s) => s.test ?? 'no test command').join(', ')}`, async () => {
      const repoDir = copyFixture(fixture, { git: true });
      const result = await assembleContext({ repoDir });
      expect(result.trackedFiles.source).toBe('git');
      expect(withoutNotes(result.stacks)).toEqual(expected);
    });

    it(`${fixture}: the same through \`ai-orchestrator context --json\``, async () => {
      const repoDir = copyFixture(fixture, { git: true });
      const io = captureIO();
      const code = await contextCommand(['--repo', repoDir, '--json'], io);
      expect(code).toBe(0);
      const json = JSON.parse(io.stdout.join('\n')) as { stacks: Stack[]; brief: string };
      expect(withoutNotes(json.stacks)).toEqual(expected);
      expect(json.stacks[0]?.test).toBe(expected[0]?.test);
    });
  }

  it('the fallback invents no command and the brief says no test command was found', async () => {
    const result = await assembleContext({ repoDir: copyFixture('empty', { git: true }) });
    expect(result.stacks).toHaveLength(1);
    expect(result.stacks[0]?.notes.join(' ')).toMatch(/no build manifest found/);
    expect(result.brief).toMatch(/No test command was found/);
  });

  it('a workspace member without a test script says so instead of inventing one', async () => {
    const result = await assembleContext({ repoDir: copyFixture('node-pnpm-workspace', { git: true }) });
    const web = result.stacks.find((s) => s.path === 'packages/web');
    expect(web?.test).toBeUndefined();
    expect(web?.notes).toEqual(['package.json has no "test" script: no test command']);
  });

  it('walks a folder that is not a git repository and finds the same stacks', async () => {
    const repoDir = copyFixture('monorepo', { git: false });
    const result = await assembleContext({ repoDir });
    expect(result.trackedFiles.source).toBe('walk');
    expect(withoutNotes(result.stacks)).toEqual(EXPECTED.monorepo);
  });
});
