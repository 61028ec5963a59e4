/**
 * `run`, what `npm start` does around the app: the report of missing variables, and a start on PGlite
 * under DATA_DIR that a SIGTERM stops cleanly, keeping what it received for the next start.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../../../app/run.js';
import type { ProcessIO } from '../../../app/run.js';
import { openStore } from '../../../app/store/index.js';
import type { GitHubTestbed } from '../../../testbed/github/index.js';
import { appEnv, fixture, githubWithApp, post, signedDelivery, until } from './harness.js';
import { recordingApp } from './recording-app.js';

/** A process stand-in: records lines, exits and signal handlers. */
function fakeProcess(env: Record<string, string>) {
  const lines: string[] = [];
  const exits: number[] = [];
  const handlers = new Map<string, () => void>();
  const io: ProcessIO = {
    env,
    error: (line) => lines.push(line),
    onSignal: (signal, handler) => handlers.set(signal, handler),
    exit: (code) => exits.push(code),
  };
  return { io, lines, exits, handlers };
}

let github: GitHubTestbed;
let env: Record<string, string>;
let dataDir: string;

beforeAll(async () => {
  const testbed = await githubWithApp();
  github = testbed.github;
  dataDir = await mkdtemp(join(tmpdir(), 'run-'));
  env = { ...appEnv(github, testbed.app, testbed.privateKey), DATA_DIR: dataDir };
});

afterAll(async () => {
  await github?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('run', () => {
  it('without the App variables says which are missing and where to read how, and exits 1', async () => {
    const proc = fakeProcess({ PORT: '0', DATA_DIR: dataDir });
    expect(await run(recordingApp().factory, proc.io)).toBeUndefined();
    expect(proc.exits).toEqual([1]);
    expect(proc.lines[0]).toBe('ai-orchestrator cannot start; fix these environment variables:');
    expect(proc.lines.slice(1, -1).map((line) => line.split(' is ')[0])).toEqual([
      '  - APP_ID',
      '  - WEBHOOK_SECRET',
      '  - PRIVATE_KEY',
    ]);
    expect(proc.lines.at(-1)).toBe(
      "How to register the App and get these values: README.md, section 'Install on a repository'.",
    );
  });

  it('reports a start that fails (the database is unreachable) and exits 1', async () => {
    const proc = fakeProcess({ ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(await run(recordingApp().factory, proc.io)).toBeUndefined();
    expect(proc.exits).toEqual([1]);
    expect(proc.lines).toEqual([expect.stringMatching(/^ai-orchestrator could not start: .*ECONNREFUSED/)]);
    expect(proc.handlers.size).toBe(0);
  });

  it('starts on PGlite under DATA_DIR, handles a delivery, and stops on SIGTERM with exit 0', async () => {
    const proc = fakeProcess(env);
    const recording = recordingApp();
    const running = await run(recording.factory, proc.io);
    if (running === undefined) throw new Error(`did not start: ${proc.lines.join('\n')}`);
    expect(running.store.engine).toBe('pglite');
    expect([...proc.handlers.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    const delivery = await signedDelivery('issues', fixture('issues', 'labeled'));
    expect((await post(running.url, delivery)).status).toBe(202);
    await until(() => recording.runs.length === 1);

    proc.handlers.get('SIGTERM')?.();
    await until(() => proc.exits.length === 1);
    expect(proc.exits).toEqual([0]);
    // The data folder kept the delivery: a later start knows it.
    const reopened = await openStore({ dataDir });
    try {
      expect((await reopened.deliveries.get(delivery.id))?.outcome).toBe('handled');
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
