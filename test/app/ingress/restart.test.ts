/**
 * The queue's durability: a delivery acknowledged but not finished, because the app crashed or was stopped
 * mid-way, is handled by the next app started on the same store; one that keeps killing the app is given up.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../../../app/config.js';
import { laneOf } from '../../../app/queue/lane.js';
import { startApp } from '../../../app/start.js';
import type { RunningApp, StartOptions } from '../../../app/start.js';
import { openStore } from '../../../app/store/index.js';
import type { Store } from '../../../app/store/index.js';
import type { GitHubTestbed } from '../../../testbed/github/index.js';
import { appConfig, fixture, githubWithApp, post, signedDelivery, until } from './harness.js';
import type { Delivery } from './harness.js';
import { recordingApp } from './recording-app.js';
import type { RecordingAppOptions } from './recording-app.js';

let github: GitHubTestbed;
let config: AppConfig;
let store: Store;
const started: RunningApp[] = [];

beforeAll(async () => {
  const testbed = await githubWithApp();
  github = testbed.github;
  config = appConfig(github, testbed.app, testbed.privateKey);
  store = await openStore({ dataDir: 'memory://' });
}, 120_000);

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()));
});

afterAll(async () => {
  await store?.close();
  await github?.close();
});

async function start(options: RecordingAppOptions, overrides: Partial<StartOptions> = {}) {
  const recording = recordingApp(options);
  const app = await startApp({ config, app: recording.factory, store, ...overrides });
  started.push(app);
  return { app, recording };
}

/** An issues.labeled delivery in a repository of its own. */
function labeled(repositoryId: number): Promise<Delivery> {
  const payload = fixture('issues', 'labeled');
  (payload.repository as Record<string, unknown>).id = repositoryId;
  return signedDelivery('issues', payload);
}

/** What a process that died right after acknowledging `delivery` leaves in the store. */
async function leftByCrashedInstance(delivery: Delivery, leaseMs: number): Promise<void> {
  const payload = JSON.parse(delivery.body) as Record<string, unknown>;
  const claim = await store.pendingDeliveries.accept(
    {
      id: delivery.id,
      event: delivery.event,
      action: 'labeled',
      lane: laneOf(payload),
      payload: delivery.body,
    },
    `crashed-${randomUUID()}`,
    leaseMs,
  );
  expect(claim).toBe('new');
}

describe('after a crash', () => {
  it('deliveries acknowledged but never handled are handled by the next app, in arrival order', async () => {
    const first = await labeled(501);
    const second = await labeled(501);
    await leftByCrashedInstance(first, 1);
    await leftByCrashedInstance(second, 1);
    const { app, recording } = await start({}, { queue: { leaseMs: 60_000 } });
    await until(() => recording.runs.filter((r) => r.endedAt !== undefined).length === 2);
    await app.queue.idle();
    expect(recording.runs.map((r) => r.id)).toEqual([first.id, second.id]);
    expect((await store.deliveries.get(first.id))?.outcome).toBe('handled');
    expect((await store.deliveries.get(second.id))?.outcome).toBe('handled');
    // A redelivery of a resumed delivery still counts as a duplicate.
    expect((await post(app.url, first)).status).toBe(200);
  });

  it('a crashed instance whose lease has not lapsed yet is taken over once it does', async () => {
    const delivery = await labeled(502);
    await leftByCrashedInstance(delivery, 400);
    const { app, recording } = await start({}, { queue: { leaseMs: 90 } });
    expect(recording.runs).toEqual([]);
    await until(() => recording.runs.length === 1, 3_000);
    await app.queue.idle();
    expect((await store.deliveries.get(delivery.id))?.outcome).toBe('handled');
  });

  it('a delivery whose handling was started too often without finishing is given up as failed', async () => {
    const delivery = await labeled(503);
    const owner = `crashed-${randomUUID()}`;
    const payload = JSON.parse(delivery.body) as Record<string, unknown>;
    await store.pendingDeliveries.accept(
      { id: delivery.id, event: 'issues', action: 'labeled', lane: laneOf(payload), payload: delivery.body },
      owner,
      60_000,
    );
    for (let attempt = 0; attempt < 2; attempt += 1)
      await store.pendingDeliveries.begin(delivery.id, owner, 60_000);
    await store.pendingDeliveries.release(owner);
    const { app, recording } = await start({}, { queue: { maxAttempts: 2 } });
    await app.queue.idle();
    expect(recording.runs).toEqual([]);
    expect(await store.deliveries.get(delivery.id)).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^given up: handling was started 2 times/),
    });
  });
});

describe('after a stop that did not wait for the work', () => {
  it('the next app handles the interrupted delivery again and the queued one after it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { app: first, recording: blocked } = await start({ gate }, { stopTimeoutMs: 50 });
    const interrupted = await labeled(601);
    const queued = await labeled(601);
    expect((await post(first.url, interrupted)).status).toBe(202);
    expect((await post(first.url, queued)).status).toBe(202);
    await until(() => blocked.runs.length === 1);
    await first.stop();
    expect((await store.pendingDeliveries.list()).map((p) => p.id)).toEqual(
      expect.arrayContaining([interrupted.id, queued.id]),
    );

    const { app: second, recording } = await start({});
    await until(() => recording.runs.filter((r) => r.endedAt !== undefined).length === 2);
    expect(recording.runs.map((r) => r.id)).toEqual([interrupted.id, queued.id]);
    // The first app's handler ending late must not overwrite what the second one recorded.
    release();
    await first.queue.idle();
    await second.queue.idle();
    expect((await store.deliveries.get(interrupted.id))?.outcome).toBe('handled');
    expect(blocked.runs).toHaveLength(1);
    expect((await store.pendingDeliveries.list()).map((p) => p.id)).not.toContain(interrupted.id);
  });
});
