/**
 * The server under test of bench/ingress.mjs, run in a child process of its own (`fork` of a bundle of this
 * file) so the load generator and the offline GitHub do not share its event loop. `BENCH_SERVER` picks it:
 *
 * - `probot`: the baseline, Probot's own `Server` (its webhook middleware, ping and not-found handlers)
 *   with one no-op `issues.opened` handler, as `probot run` would serve a trivial app.
 * - `app`: this project's app as `npm start` runs it (`loadConfig` from the environment, `startApp` with
 *   the conductor and Probot's default Octokit), its heartbeat off; the store is PGlite in a data folder
 *   (`DATA_DIR`) or Postgres (`DATABASE_URL`) in the schema `BENCH_SCHEMA`. `BENCH_WRITE_SPACING=off`
 *   swaps in Probot's Octokit without the 1 s spacing of writes (bench/octokit.ts).
 *
 * It tells the parent `{ type: 'ready', url }` once it listens, then answers `{ type: 'idle' }` (resolves
 * when no delivery is queued or running and no outbox drain is in flight), `{ type: 'outcomes', ids }`
 * (the recorded outcome of those deliveries) and `{ type: 'stop' }` (stops, then exits).
 */
import { Probot, Server } from 'probot';
import type { Options } from 'probot';
import { loadConfig } from '../app/config.js';
import { conductor } from '../app/conductor/index.js';
import { startApp } from '../app/start.js';
import type { RunningApp } from '../app/start.js';
import { octokitWithoutWriteSpacing } from './octokit.js';

type Request = { type: 'idle' } | { type: 'outcomes'; ids: string[] } | { type: 'stop' };

interface Target {
  url: string;
  idle(): Promise<void>;
  outcomes(ids: readonly string[]): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

function send(message: object): void {
  process.send?.(message);
}

async function probotServer(env: NodeJS.ProcessEnv): Promise<Target> {
  const server = new Server({
    Probot: Probot.defaults({
      appId: Number(env.APP_ID),
      privateKey: env.PRIVATE_KEY ?? '',
      secret: env.WEBHOOK_SECRET ?? '',
      baseUrl: `http://${env.GHE_HOST ?? ''}/api/v3`,
      logLevel: (env.LOG_LEVEL ?? 'silent') as Options['logLevel'],
    }),
    port: 0,
    host: '127.0.0.1',
  });
  let handled = 0;
  await server.load((app: Probot) => {
    app.on('issues.opened', async () => {
      handled += 1;
    });
  });
  await server.start();
  return {
    url: `http://127.0.0.1:${server.port}`,
    idle: async () => undefined,
    outcomes: async (ids) => ({ handled: Math.min(handled, ids.length) }),
    stop: () => server.stop(),
  };
}

async function appServer(env: NodeJS.ProcessEnv): Promise<Target> {
  const config = loadConfig(env);
  const schema = env.BENCH_SCHEMA;
  if (config.store.databaseUrl !== undefined && schema !== undefined) config.store.schema = schema;
  let loaded: ReturnType<typeof conductor> | undefined;
  const running: RunningApp = await startApp({
    config,
    env,
    ...(env.BENCH_WRITE_SPACING === 'off' ? { Octokit: octokitWithoutWriteSpacing() } : {}),
    app: ({ store }) => {
      const handlers = conductor({ store, heartbeat: { enabled: false } });
      loaded = handlers;
      return Object.assign(handlers, {
        close: async () => {
          handlers.stop();
          await handlers.idle();
        },
      });
    },
  });
  return {
    url: running.url.origin,
    async idle() {
      // A drain may end after the queue went idle, and nothing it does queues a delivery here (the
      // offline GitHub's webhooks for the app's own writes are held by the bench), so two rounds suffice.
      for (let round = 0; round < 2; round++) {
        await running.queue.idle();
        await loaded?.idle();
      }
    },
    async outcomes(ids) {
      const counts: Record<string, number> = {};
      for (const id of ids) {
        const record = await running.store.deliveries.get(id);
        const outcome = record === null ? 'missing' : (record.outcome ?? 'unfinished');
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      }
      return counts;
    },
    stop: () => running.stop(),
  };
}

const target = await (process.env.BENCH_SERVER === 'probot'
  ? probotServer(process.env)
  : appServer(process.env));
process.on('message', (message: Request) => {
  void (async () => {
    if (message.type === 'idle') {
      await target.idle();
      send({ type: 'idle' });
    } else if (message.type === 'outcomes') {
      send({ type: 'outcomes', counts: await target.outcomes(message.ids) });
    } else if (message.type === 'stop') {
      await target.stop();
      send({ type: 'stopped' });
      process.disconnect();
    }
  })().catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
send({ type: 'ready', url: target.url });
