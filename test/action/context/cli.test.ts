import { afterAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTEXT_USAGE, contextCommand } from '../../../cli/context.js';
import type { CliIO } from '../../../cli/io.js';
import { cleanUp, copyFixture, tempDir } from './fixtures.js';

afterAll(cleanUp);

function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    readText: (path) => readFile(path, 'utf8'),
  };
}

describe('ai-orchestrator context', () => {
  it('prints the brief for a repository and a story', async () => {
    const repo = copyFixture('node-npm', { git: true });
    const story = join(tempDir('story'), 'story.md');
    await writeFile(story, '# Members discount\n\nChange `priceFor` so members get 15% off.\n');
    const io = captureIO();
    expect(await contextCommand(['--repo', repo, '--story', story], io)).toBe(0);
    expect(io.stdout[1]).toBe('Story: Members discount');
    expect(io.stdout).toContain('- . [node, npm] test: npm test | lint: npm run lint | build: npm run build');
    expect(io.stdout.some((line) => line.startsWith('- src/pricing.js: '))).toBe(true);
    expect(io.stderr).toEqual([]);
  });

  it('--json prints the stacks, conventions, relevant files, callers, lessons and brief', async () => {
    const repo = copyFixture('python-uv', { git: true });
    const dir = tempDir('inputs');
    await writeFile(join(dir, 'story.md'), 'Trim whitespace in `title`.\n');
    await writeFile(join(dir, 'lessons.txt'), 'Use uv run.\n\nKeep tests small.\n');
    const io = captureIO();
    const code = await contextCommand(
      ['--repo', repo, '--story', join(dir, 'story.md'), '--lessons', join(dir, 'lessons.txt'), '--json'],
      io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(io.stdout.join('\n'));
    expect(json.stacks).toEqual([
      {
        path: '.',
        kind: 'python',
        packageManager: 'uv',
        test: 'uv run pytest',
        lint: 'uv run ruff check .',
        build: 'uv build',
        notes: [],
      },
    ]);
    expect(json.lessons).toEqual(['Use uv run.', 'Keep tests small.']);
    expect(json.relevantFiles[0].path).toBe('src/notes/__init__.py');
    expect(json.callers[0].symbol).toBe('title');
    expect(json.conventions.languages).toEqual([{ language: 'Python', files: 2, percent: 100 }]);
    expect(typeof json.brief).toBe('string');
  });

  it.each([
    [[], /--repo <dir> is required/],
    [['--repo'], /argument missing|requires a value|--repo/],
    [['--repo', '/nonexistent/folder'], /--repo \/nonexistent\/folder is not a directory/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const io = captureIO();
    expect(await contextCommand(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it('exits 2 when the story, diff or lessons file cannot be read, or has too many lessons', async () => {
    const repo = copyFixture('empty', { git: false });
    const io = captureIO();
    expect(await contextCommand(['--repo', repo, '--story', join(repo, 'missing.md')], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/^context: cannot read the story file .*missing\.md: ENOENT/);
    const lessons = join(tempDir('lessons'), 'lessons.txt');
    await writeFile(lessons, 'a\nb\nc\nd\ne\nf\n');
    const io2 = captureIO();
    expect(await contextCommand(['--repo', repo, '--lessons', lessons], io2)).toBe(2);
    expect(io2.stderr[0]).toMatch(/at most 5 lessons are allowed, got 6/);
  });

  it('--help prints the usage', async () => {
    const io = captureIO();
    expect(await contextCommand(['--help'], io)).toBe(0);
    expect(io.stdout).toEqual([CONTEXT_USAGE]);
  });
});
