import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiffParseError, diffStats, parseUnifiedDiff } from '../../core/diff.js';
import type { FileDiff } from '../../core/diff.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });

const byPath = (files: readonly FileDiff[], path: string): FileDiff => {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no diff entry for ${path}; got ${files.map((f) => f.path).join(', ')}`);
  return file;
};

describe('parseUnifiedDiff on real git output', () => {
  let dir: string;
  let files: FileDiff[];
  let text: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'diff-test-'));
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'sp ace.txt'), 'a\nb\nc\n');
    writeFileSync(join(dir, 'old.txt'), 'one\ntwo\nthree\nfour\nfive\n');
    writeFileSync(join(dir, 'gone.ts'), 'export const x = 1;\nexport const y = 2;\n');
    writeFileSync(join(dir, 'image.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
    writeFileSync(join(dir, 'run.sh'), 'echo hi\n');
    writeFileSync(join(dir, 'tricky.txt'), '-- not a header\nkeep\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');

    git(dir, 'mv', 'old.txt', 'renamed.txt');
    writeFileSync(join(dir, 'renamed.txt'), 'one\ntwo\nthree\nfour\nfive\nsix\n');
    writeFileSync(join(dir, 'sp ace.txt'), 'a\nB\nc\nd');
    git(dir, 'rm', '-q', 'gone.ts');
    writeFileSync(join(dir, 'image.bin'), Buffer.from([0, 9, 9, 0]));
    chmodSync(join(dir, 'run.sh'), 0o755);
    writeFileSync(join(dir, 'café.ts'), '// é\nexport const café = 1;\n');
    writeFileSync(join(dir, 'tricky.txt'), '--- a/looks-like-a-header\n+++ b/too\nkeep\n');
    writeFileSync(join(dir, 'empty.txt'), '');
    git(dir, 'add', '-A');
    text = git(dir, 'diff', '--cached', '-M', '--no-color', '--src-prefix=a/', '--dst-prefix=b/', 'HEAD');
    files = parseUnifiedDiff(text);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every changed file once', () => {
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        'café.ts',
        'empty.txt',
        'gone.ts',
        'image.bin',
        'renamed.txt',
        'run.sh',
        'sp ace.txt',
        'tricky.txt',
      ].sort(),
    );
  });

  it('reads a modified file with a space in its name, with line numbers on both sides', () => {
    const file = byPath(files, 'sp ace.txt');
    expect(file.change).toBe('modified');
    expect(file.removed).toEqual([{ line: 2, text: 'b' }]);
    expect(file.added).toEqual([
      { line: 2, text: 'B' },
      { line: 4, text: 'd' },
    ]);
  });

  it('reads a rename with its similarity and the added line', () => {
    const file = byPath(files, 'renamed.txt');
    expect(file.change).toBe('renamed');
    expect(file.oldPath).toBe('old.txt');
    expect(file.newPath).toBe('renamed.txt');
    expect(file.similarity).toBeGreaterThan(50);
    expect(file.added).toEqual([{ line: 6, text: 'six' }]);
  });

  it('reads new and deleted files, including an empty new file without hunks', () => {
    const gone = byPath(files, 'gone.ts');
    expect(gone.change).toBe('deleted');
    expect(gone.newPath).toBeNull();
    expect(gone.removed.map((l) => l.text)).toEqual(['export const x = 1;', 'export const y = 2;']);
    const empty = byPath(files, 'empty.txt');
    expect(empty.change).toBe('added');
    expect(empty.oldPath).toBeNull();
    expect(empty.added).toEqual([]);
  });

  it('decodes a C-quoted non-ASCII path and its content', () => {
    const file = byPath(files, 'café.ts');
    expect(file.change).toBe('added');
    expect(file.added).toEqual([
      { line: 1, text: '// é' },
      { line: 2, text: 'export const café = 1;' },
    ]);
  });

  it('marks a binary file and a mode change', () => {
    expect(byPath(files, 'image.bin').binary).toBe(true);
    const mode = byPath(files, 'run.sh');
    expect(mode.oldMode).toBe('100644');
    expect(mode.newMode).toBe('100755');
    expect(mode.added).toEqual([]);
  });

  it('reads content lines that look like file headers as content', () => {
    const file = byPath(files, 'tricky.txt');
    expect(file.added.map((l) => l.text)).toEqual(['--- a/looks-like-a-header', '+++ b/too']);
    expect(file.removed.map((l) => l.text)).toEqual(['-- not a header']);
  });

  it('reads a binary patch made with --binary and goes on with the next file', () => {
    const binary = git(
      dir,
      'diff',
      '--cached',
      '--binary',
      '--no-color',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      'HEAD',
    );
    expect(binary).toContain('GIT binary patch');
    const parsed = parseUnifiedDiff(binary);
    expect(byPath(parsed, 'image.bin').binary).toBe(true);
    expect(parsed).toHaveLength(files.length);
  });

  it('counts files and lines', () => {
    const stats = diffStats(files);
    expect(stats.files).toBe(8);
    // renamed.txt 1, sp ace.txt 2, café.ts 2, tricky.txt 2 added; gone.ts 2, sp ace.txt 1, tricky.txt 1 removed.
    expect(stats.added).toBe(7);
    expect(stats.removed).toBe(4);
  });
});

describe('parseUnifiedDiff on hand-written diffs', () => {
  it('reads a plain unified diff without a git header', () => {
    const files = parseUnifiedDiff(
      ['--- a/src/x.py\t2024-01-01', '+++ b/src/x.py\t2024-01-02', '@@ -1 +1,2 @@', ' a', '+b', ''].join(
        '\n',
      ),
    );
    expect(files).toEqual([
      expect.objectContaining({ path: 'src/x.py', change: 'modified', added: [{ line: 2, text: 'b' }] }),
    ]);
  });

  it('drops a carriage return at the end of a line and reads a context line whose space was stripped', () => {
    const files = parseUnifiedDiff(
      [
        'diff --git a/w.txt b/w.txt',
        '--- a/w.txt',
        '+++ b/w.txt',
        '@@ -1,2 +1,2 @@',
        '',
        '-x\r',
        '+y\r',
      ].join('\n'),
    );
    expect(files[0]?.removed).toEqual([{ line: 2, text: 'x' }]);
    expect(files[0]?.added).toEqual([{ line: 2, text: 'y' }]);
  });

  it('fails closed on a hunk shorter than its header says', () => {
    const truncated = ['diff --git a/a b/a', '--- a/a', '+++ b/a', '@@ -1,3 +1,3 @@', ' x', '-y'].join('\n');
    expect(() => parseUnifiedDiff(truncated)).toThrow(DiffParseError);
    expect(() => parseUnifiedDiff(truncated)).toThrow(/hunk ends early/);
  });

  it('refuses a combined merge diff', () => {
    expect(() => parseUnifiedDiff('diff --cc file.txt\nindex 1,2..3\n')).toThrow(/combined/);
  });

  it('reads a rename whose new name is quoted and old name is not', () => {
    const files = parseUnifiedDiff(
      [
        'diff --git a/plain.txt "b/t\\303\\251.txt"',
        'similarity index 100%',
        'rename from plain.txt',
        'rename to "t\\303\\251.txt"',
      ].join('\n'),
    );
    expect(files[0]).toMatchObject({
      change: 'renamed',
      oldPath: 'plain.txt',
      newPath: 'té.txt',
      path: 'té.txt',
    });
  });

  it('returns nothing for empty input', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});
