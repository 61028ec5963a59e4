/** Test helpers: copy a fixture repository to a temp folder, optionally as a real git work tree. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, '../../fixtures/stacks');

const made: string[] = [];

/** Runs git in `dir` with a fixed identity and no user or system config. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

/**
 * Copies fixture `name` into a fresh temp folder. With `git`, the folder becomes a work tree with every
 * file staged (tracked files come from the index, so no commit is needed).
 */
export function copyFixture(name: string, options: { git: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), `ctx-${name}-`));
  made.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  if (options.git) {
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
  }
  return dir;
}

/** A fresh empty temp folder. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ctx-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder made by this module; call from afterAll. */
export function cleanUp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
