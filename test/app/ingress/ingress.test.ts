/**
 * Webhook ingress end to end (security checklist A 1–7, 11, 12): the real app (Probot, the HTTP server on
 * 127.0.0.1, the durable queue, an in-memory PGlite store) with a small recording app of the tests' own,
 * Probot's Octokit pointed at the offline GitHub, and deliveries signed over their raw bytes.
 */
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sign } from '@octokit/webhooks-methods';
import type { AppConfig } from '../../../app/config.js';
import { startApp } from '../../../app/start.js';
import type { RunningApp, StartOptions } from '../../../app/start.js';
import { openStore } from '../../../app/store/index.js';
import type { Store } from '../../../app/store/index.js';
import type { GitHubTestbed } from '../../../testbed/github/index.js';
import { appConfig, fixture, githubWithApp, post, SECRET, send, signedDelivery, until } from './harness.js';
import type { Delivery } from './harness.js';
import { recordingApp } from './recording-app.js';
import type { RecordingApp, RecordingAppOptions } from './recording-app.js';

let github: GitHubTestbed;
let config: AppConfig;
let store: Store;
let running: RunningApp | undefined;

beforeAll(async () => {
  const testbed = await githubWithApp();
  github = testbed.github;
  config = appConfig(github, testbed.app, testbed.privateKey);
  store = await openStore({ dataDir: 'memory://' });
}, 120_000);

afterEach(async () => {
  await running?.stop();
  running = undefined;
  github.requests.clear();
});

afterAll(async () => {
  await store?.close();
  await github?.close();
});

/** Starts the app with a recording app on the shared store. */
async function start(
  options: RecordingAppOptions = {},
  overrides: Partial<StartOptions> = {},
): Promise<{ app: RunningApp; recording: RecordingApp }> {
  const recording = recordingApp(options);
  const app = await startApp({ config, app: recording.factory, store, ...overrides });
  running = app;
  return { app, recording };
}

/** An issues.labeled delivery of GitHub's example payload, for repository `repositoryId` if given. */
async function labeled(repositoryId?: number): Promise<Delivery> {
  const payload = fixture('issues', 'labeled');
  if (repositoryId !== undefined) (payload.repository as Record<string, unknown>).id = repositoryId;
  return signedDelivery('issues', payload);
}

const appCalls = () => github.requests.count('apps/get-authenticated');

describe('a signed delivery', () => {
  it('is acknowledged with 202, handled once, and recorded as handled', async () => {
    const { app, recording } = await start();
    const delivery = await labeled();
    const answer = await post(app.url, delivery);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ delivery: delivery.id, status: 'accepted' });
    await app.queue.idle();
    expect(recording.runs).toEqual([
      expect.objectContaining({ id: delivery.id, name: 'issues', action: 'labeled' }),
    ]);
    expect(appCalls()).toBe(1);
    expect(await store.deliveries.get(delivery.id)).toMatchObject({
      event: 'issues',
      action: 'labeled',
      outcome: 'handled',
      error: null,
    });
    expect((await store.pendingDeliveries.list()).map((p) => p.id)).not.toContain(delivery.id);
  });

  it('sent again with the same X-GitHub-Delivery does nothing', async () => {
    const { app, recording } = await start();
    const delivery = await labeled();
    expect((await post(app.url, delivery)).status).toBe(202);
    await app.queue.idle();
    const again = await post(app.url, delivery);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ delivery: delivery.id, status: 'duplicate' });
    await app.queue.idle();
    expect(recording.runs).toHaveLength(1);
    expect(appCalls()).toBe(1);
  });

  it('sent twice at once is handled once', async () => {
    const { app, recording } = await start();
    const delivery = await labeled();
    const answers = await Promise.all([post(app.url, delivery), post(app.url, delivery)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 202]);
    await app.queue.idle();
    expect(recording.runs).toHaveLength(1);
    expect(appCalls()).toBe(1);
  });

  it('is verified over its raw bytes: emoji, non-ASCII, escapes and odd whitespace', async () => {
    const { app, recording } = await start();
    const payload = fixture('issues', 'labeled');
    (payload.label as Record<string, unknown>).name = 'ai:implement 🤖';
    const body = JSON.stringify(payload, null, '\t')
      .replace('"labeled"', '"labeled"  \r\n ')
      .replace('"ai:implement 🤖"', '"ai:implement \\ud83e\\udd16 caf\u00e9 \\u00e9"');
    // A verifier that re-serialised the parsed JSON would sign other bytes.
    expect(JSON.stringify(JSON.parse(body))).not.toBe(body);
    const delivery = await signedDelivery('issues', body);
    expect((await post(app.url, delivery)).status).toBe(202);
    await app.queue.idle();
    expect(recording.runs.map((r) => r.id)).toEqual([delivery.id]);
    expect((await store.deliveries.get(delivery.id))?.outcome).toBe('handled');
  });
});

describe('a bad delivery is refused before anything happens', () => {
  type Case = [
    name: string,
    status: number,
    build: () => Promise<Parameters<typeof send>[1] & { id?: string }>,
  ];

  const withHeaders = async (change: (d: Delivery) => void) => {
    const delivery = await labeled();
    change(delivery);
    return { headers: delivery.headers, body: delivery.body, id: delivery.id };
  };
  const sha1 = (d: Delivery) => {
    delete d.headers['x-hub-signature-256'];
    d.headers['x-hub-signature'] = 'sha1=0a9f4a5ab9b2cdaa3dee3c8b0e8b1a5b0b5e5f5a';
  };

  const cases: Case[] = [
    ['unsigned', 400, () => withHeaders((d) => delete d.headers['x-hub-signature-256'])],
    ['an empty signature', 400, () => withHeaders((d) => (d.headers['x-hub-signature-256'] = ''))],
    ['a SHA-1 signature only', 400, () => withHeaders(sha1)],
    [
      'a malformed signature',
      400,
      () => withHeaders((d) => (d.headers['x-hub-signature-256'] = 'sha256=xyz')),
    ],
    [
      'signed with another secret',
      400,
      async () => {
        const d = await signedDelivery('issues', fixture('issues', 'labeled'), { secret: 'not-the-secret' });
        return { headers: d.headers, body: d.body, id: d.id };
      },
    ],
    ['a tampered body', 400, () => withHeaders((d) => (d.body = d.body.replace('"labeled"', '"unlabeled"')))],
    ['no X-GitHub-Event', 400, () => withHeaders((d) => delete d.headers['x-github-event'])],
    ['no X-GitHub-Delivery', 400, () => withHeaders((d) => delete d.headers['x-github-delivery'])],
    [
      'the reserved event name "error"',
      400,
      () => withHeaders((d) => (d.headers['x-github-event'] = 'error')),
    ],
    ['text/plain', 415, () => withHeaders((d) => (d.headers['content-type'] = 'text/plain'))],
    [
      'form-encoded',
      415,
      () => withHeaders((d) => (d.headers['content-type'] = 'application/x-www-form-urlencoded')),
    ],
    ['a GET', 404, async () => ({ method: 'GET' })],
    [
      'a POST to another path',
      404,
      () => withHeaders(() => undefined).then((r) => ({ ...r, path: '/hooks' })),
    ],
    [
      'malformed JSON with a valid signature',
      400,
      async () => {
        const d = await signedDelivery('issues', '{"action": "labeled",');
        return { headers: d.headers, body: d.body, id: d.id };
      },
    ],
    [
      'a JSON array with a valid signature',
      400,
      async () => {
        const d = await signedDelivery('issues', '[{"action": "labeled"}]');
        return { headers: d.headers, body: d.body, id: d.id };
      },
    ],
  ];

  it.each(cases)('%s → %i, nothing recorded, no call to GitHub', async (_name, status, build) => {
    const { app, recording } = await start();
    const { id, ...options } = await build();
    const answer = await send(app.url, options);
    expect(answer.status).toBe(status);
    expect(typeof answer.body.message).toBe('string');
    await app.queue.idle();
    expect(recording.runs).toEqual([]);
    expect(github.requests.all()).toEqual([]);
    if (id !== undefined) expect(await store.deliveries.get(id)).toBeNull();
  });
});

/**
 * Streams `total` bytes of JSON-ish filler in 64 KiB chunks (chunked encoding, no Content-Length), reusing
 * one buffer so the client itself stays small. Stops writing as soon as an answer arrives or the connection
 * is cut, and resolves with the answer's status and the bytes written.
 */
async function streamBody(base: URL, total: number): Promise<{ status: number; written: number }> {
  const delivery = await labeled();
  const req = request(new URL('/api/github/webhooks', base), { method: 'POST', headers: delivery.headers });
  let status = 0;
  let ended = false;
  const answered = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      resolve();
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
  });
  void answered.then(() => (ended = true));
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  while (written < total && !ended) {
    const more = req.write(chunk);
    written += chunk.length;
    if (!more) await Promise.race([once(req, 'drain'), answered]);
  }
  if (!ended) req.end();
  await answered;
  req.destroy();
  return { status, written };
}

describe('an oversized delivery', () => {
  const MB = 1024 * 1024;

  it('declaring more than 25 MB is refused with 413 before its body is read', async () => {
    const { app } = await start();
    const delivery = await labeled();
    const req = request(new URL('/api/github/webhooks', app.url), {
      method: 'POST',
      headers: { ...delivery.headers, 'content-length': String(26 * MB) },
    });
    req.on('error', () => undefined);
    // Only the headers are sent: the answer must come without the body.
    req.flushHeaders();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.statusCode).toBe(413);
    res.resume();
    req.destroy();
    expect(await store.deliveries.get(delivery.id)).toBeNull();
  });

  it('streaming 26 MB without a length is refused with 413', async () => {
    const { app, recording } = await start();
    const { status } = await streamBody(app.url, 26 * MB);
    expect(status).toBe(413);
    expect(recording.runs).toEqual([]);
  });

  it('is cut off at the limit while streaming, so memory stays bounded by the limit, not the body', async () => {
    const { app } = await start({}, { maxBodyBytes: 1 * MB });
    const before = process.memoryUsage().rss;
    const { status, written } = await streamBody(app.url, 26 * MB);
    const growth = process.memoryUsage().rss - before;
    expect(status).toBe(413);
    // The server stopped reading: past the limit, only socket buffers' worth got through.
    expect(written).toBeLessThan(13 * MB);
    expect(growth).toBeLessThan(8 * MB);
  });
});

describe('slow and failing handlers', () => {
  it('a slow handler still gets a fast 202; its failure is recorded on the delivery', async () => {
    const delayMs = 1_500;
    const { app, recording } = await start({ delayMs, failWith: 'boom after slow work' });
    const delivery = await labeled();
    const sent = performance.now();
    const answer = await post(app.url, delivery);
    const ackMs = performance.now() - sent;
    expect(answer.status).toBe(202);
    expect(ackMs).toBeLessThan(delayMs / 3);
    await until(() => recording.runs.length === 1);
    expect(recording.runs[0]?.endedAt).toBeUndefined();
    await app.queue.idle();
    expect(await store.deliveries.get(delivery.id)).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('boom after slow work'),
    });
    // The server is still serving.
    expect((await send(app.url, { method: 'GET', path: '/healthz' })).body).toEqual({ status: 'ok' });
  });

  it('unknown events and actions are acknowledged and end as no-ops', async () => {
    const { app, recording } = await start();
    const unknownEvent = await signedDelivery('future_event', { action: 'invented', answer: 42 });
    const unknownAction = await signedDelivery('issues', {
      ...fixture('issues', 'labeled'),
      action: 'teleported',
    });
    expect((await post(app.url, unknownEvent)).status).toBe(202);
    expect((await post(app.url, unknownAction)).status).toBe(202);
    await app.queue.idle();
    expect(recording.runs).toEqual([]);
    expect(github.requests.all()).toEqual([]);
    expect(await store.deliveries.get(unknownEvent.id)).toMatchObject({
      event: 'future_event',
      outcome: 'handled',
    });
    expect(await store.deliveries.get(unknownAction.id)).toMatchObject({
      action: 'teleported',
      outcome: 'handled',
    });
  });
});

describe('ordering', () => {
  it('handles one repository in arrival order and different repositories side by side', async () => {
    const { app, recording } = await start({ delayMs: 150 });
    const first = await labeled(101);
    const second = await labeled(101);
    const third = await labeled(101);
    const other = await labeled(202);
    for (const delivery of [first, second, third, other]) {
      expect((await post(app.url, delivery)).status).toBe(202);
    }
    await app.queue.idle();
    const run = (d: Delivery) => {
      const found = recording.runs.find((r) => r.id === d.id);
      if (found?.endedAt === undefined) throw new Error(`delivery ${d.id} did not run to the end`);
      return { startedAt: found.startedAt, endedAt: found.endedAt };
    };
    expect(run(second).startedAt).toBeGreaterThan(run(first).endedAt);
    expect(run(third).startedAt).toBeGreaterThan(run(second).endedAt);
    expect(run(other).startedAt).toBeLessThan(run(first).endedAt);
  });
});

describe('starting', () => {
  it('fails when the port is taken, and leaves the store it was given open and its leases free', async () => {
    const { app } = await start();
    const recording = recordingApp();
    const taken = { ...config, port: Number(app.url.port) };
    await expect(startApp({ config: taken, app: recording.factory, store })).rejects.toThrow(/EADDRINUSE/);
    expect(recording.closes()).toBe(1);
    expect(await store.deliveries.get('no-such-delivery')).toBeNull();
    const held = (await store.pendingDeliveries.list()).filter((p) => p.leaseOwner !== app.queue.owner);
    expect(held.filter((p) => Date.parse(p.leaseUntil) > Date.now())).toEqual([]);
  });
});

describe('stopping', () => {
  it("closes the app's handlers once, and does not wait past the bound for a close that hangs", async () => {
    const { app, recording } = await start(
      { closeGate: new Promise(() => undefined) },
      { stopTimeoutMs: 100 },
    );
    const stopped = performance.now();
    await Promise.all([app.stop(), app.stop()]);
    expect(performance.now() - stopped).toBeLessThan(2_000);
    expect(recording.closes()).toBe(1);
    // The store it was given stays open.
    expect(await store.deliveries.get('no-such-delivery')).toBeNull();
  });
});

describe('health', () => {
  it('answers /healthz', async () => {
    const { app } = await start();
    const answer = await send(app.url, { method: 'GET', path: '/healthz' });
    expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('the GitHub test vector through the server', () => {
  it('a body signed with the secret it was configured with passes, the same body otherwise fails', async () => {
    const { app } = await start();
    const body = JSON.stringify({ zen: 'Hello, World!', hook_id: 1 });
    const good = await signedDelivery('ping', body);
    expect((await post(app.url, good)).status).toBe(202);
    const bad = await signedDelivery('ping', body);
    bad.headers['x-hub-signature-256'] = await sign(`${SECRET}x`, body);
    expect((await post(app.url, bad)).status).toBe(400);
  });
});
