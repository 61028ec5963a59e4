import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitGrep, scanFiles, searchSymbols } from '../../../action/context/code-search.js';
import { readTextFiles } from '../../../action/context/read-files.js';
import { listTrackedFiles } from '../../../action/context/tracked-files.js';
import { cleanUp, copyFixture, git, tempDir } from './fixtures.js';

afterAll(cleanUp);

function write(dir: string, path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

describe('tracked files', () => {
  it('lists what git tracks: not untracked or ignored files', async () => {
    const dir = tempDir('git');
    write(dir, 'src/a.ts', 'export const a = 1;\n');
    write(dir, '.gitignore', 'out/\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    write(dir, 'out/build.js', '');
    write(dir, 'scratch.txt', '');
    expect(await listTrackedFiles(dir)).toEqual({
      files: ['.gitignore', 'src/a.ts'],
      source: 'git',
      truncated: false,
    });
  });

  it('walks a plain folder, skipping .git, node_modules, vendor and build output', async () => {
    const dir = tempDir('walk');
    for (const path of [
      'src/a.ts',
      'node_modules/x/index.js',
      'vendor/y.go',
      'dist/a.js',
      'build/b.js',
      'lib/sub/c.py',
    ]) {
      write(dir, path, '');
    }
    expect(await listTrackedFiles(dir)).toEqual({
      files: ['lib/sub/c.py', 'src/a.ts'],
      source: 'walk',
      truncated: false,
    });
  });

  it('a fresh `git init` with nothing staged is walked instead of reported empty', async () => {
    const dir = tempDir('fresh');
    write(dir, 'main.go', 'package main\n');
    git(dir, 'init', '-q');
    expect(await listTrackedFiles(dir)).toMatchObject({ files: ['main.go'], source: 'walk' });
  });
});

describe('reading files', () => {
  it('skips binaries, oversize files (or truncates them), missing files and symbolic links', async () => {
    const dir = tempDir('read');
    write(dir, 'a.txt', 'hello');
    writeFileSync(join(dir, 'bin.dat'), Buffer.from([1, 0, 2]));
    write(dir, 'big.txt', 'x'.repeat(100));
    symlinkSync('/etc/hostname', join(dir, 'link.txt'));
    const paths = ['a.txt', 'bin.dat', 'big.txt', 'missing.txt', 'link.txt'];
    const skipped = await readTextFiles(dir, paths, { maxBytes: 10, oversize: 'skip' });
    expect([...skipped]).toEqual([['a.txt', 'hello']]);
    const truncated = await readTextFiles(dir, paths, { maxBytes: 10, oversize: 'truncate' });
    expect(truncated.get('big.txt')).toBe('x'.repeat(10));
  });
});

describe('symbol search', () => {
  it('git grep and the in-process scan find the same whole-word lines in source files', async () => {
    const dir = copyFixture('node-npm', { git: true });
    const tracked = await listTrackedFiles(dir);
    const viaGit = await gitGrep(dir, ['priceFor', 'Catalog']);
    const viaScan = await scanFiles(dir, ['priceFor', 'Catalog'], tracked.files);
    const key = (h: { file: string; line: number }) => `${h.file}:${h.line}`;
    expect(viaGit?.hits.map(key).sort()).toEqual(viaScan.hits.map(key).sort());
    expect(viaScan.hits.map(key)).toContain('src/cart.js:18');
    // docs/architecture.md mentions the catalog, but documentation is not a caller.
    expect(viaScan.hits.some((h) => h.file.endsWith('.md'))).toBe(false);
    expect(viaScan.truncated).toBe(false);
  });

  it('searches nothing for no symbols, and scans when the folder is not a git repository', async () => {
    const dir = copyFixture('go', { git: false });
    const tracked = await listTrackedFiles(dir);
    expect(await searchSymbols(dir, [], tracked)).toEqual({ hits: [], truncated: false });
    const result = await searchSymbols(dir, ['Put'], tracked);
    expect(result.hits.map((h) => `${h.file}:${h.line}`)).toEqual([
      'cmd/server/main.go:11',
      'internal/store/store.go:8',
      'internal/store/store_test.go:7',
    ]);
  });
});
