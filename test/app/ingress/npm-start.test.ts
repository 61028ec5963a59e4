/**
 * `npm start` for real: the committed bundle `dist/app.js` in a child process, configured only through the
 * environment, pointed at the offline GitHub (GHE_HOST/GHE_PROTOCOL) with no DATABASE_URL. It must start
 * on PGlite under DATA_DIR, say where it listens, answer a signed delivery with 202, and stop on SIGTERM.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GitHubTestbed } from '../../../testbed/github/index.js';
import { appEnv, fixture, githubWithApp, post, signedDelivery } from './harness.js';

const BUNDLE = resolve('dist/app.js');

let github: GitHubTestbed;
let env: Record<string, string>;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build`);
  const testbed = await githubWithApp();
  github = testbed.github;
  dataDir = await mkdtemp(join(tmpdir(), 'npm-start-'));
  env = {
    // Only what the app needs: nothing of this test process's own environment (DATABASE_URL…) leaks in.
    PATH: process.env.PATH ?? '',
    // The App's key was generated with node:crypto (see githubWithApp); the fake knows the App by it.
    ...appEnv(github, testbed.app, testbed.privateKey),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  };
});

afterAll(async () => {
  await github?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startBundle(childEnv: Record<string, string>): Child {
  const child = spawn(process.execPath, [BUNDLE], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { process: child, output: () => output, exited };
}

/** Waits for `pattern` in the child's output, at most `timeoutMs`; fails with the output so far. */
async function waitFor(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(child.output());
    if (match !== null) return match;
    if (Date.now() > deadline || child.process.exitCode !== null) {
      throw new Error(`no ${pattern} in the app's output:\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the child to exit, at most `timeoutMs`; then kills it (by its own pid) and fails. */
async function exitOf(child: Child, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), timeoutMs)));
  const result = await Promise.race([child.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.process.kill('SIGKILL');
    throw new Error(`the app did not exit within ${timeoutMs} ms:\n${child.output()}`);
  }
  return result;
}

describe('npm start (node dist/app.js)', () => {
  it('without APP_ID and PRIVATE_KEY names them and the README section, and exits 1', async () => {
    const child = startBundle({ PATH: env.PATH ?? '', WEBHOOK_SECRET: 'x', DATA_DIR: dataDir });
    expect(await exitOf(child, 20_000)).toBe(1);
    expect(child.output()).toContain('APP_ID is missing');
    expect(child.output()).toContain('PRIVATE_KEY is missing');
    expect(child.output()).not.toContain('WEBHOOK_SECRET is missing');
    expect(child.output()).toContain("README.md, section 'Install on a repository'");
  });

  it('starts on PGlite, logs where it listens, answers a signed delivery with 202, stops on SIGTERM', async () => {
    const child = startBundle(env);
    try {
      const [, url] = await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 90_000);
      expect(child.output()).toContain('"store":"pglite"');
      const delivery = await signedDelivery('issues', fixture('issues', 'labeled'));
      const answer = await post(new URL(url ?? ''), delivery);
      expect(answer.status).toBe(202);
      expect((await post(new URL(url ?? ''), delivery)).status).toBe(200);
      child.process.kill('SIGTERM');

      expect(await exitOf(child, 20_000)).toBe(0);
      expect(child.output()).toContain('"msg":"stopped"');
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    } finally {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }
  }, 120_000);
});
