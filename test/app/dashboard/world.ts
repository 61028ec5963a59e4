/**
 * The dashboards' test world: the app as `npm start` runs it (startApp with the conductor, its metrics,
 * `/metrics` and the web dashboard) on the offline GitHub, which delivers signed webhooks to the app's
 * real HTTP endpoint. `settle()` waits until every delivery was answered and handled, including the ones
 * that handling caused. The conductor tests' Scenario drives repositories, people and runs.
 */
import Bottleneck from 'bottleneck';
import { ProbotOctokit } from 'probot';
import type { Logger } from 'probot';
import { loadConfig } from '../../../app/config.js';
import { conductorApp } from '../../../app/conductor-app.js';
import { startApp } from '../../../app/start.js';
import type { RunningApp } from '../../../app/start.js';
import { startWorld } from '../conductor/harness.js';
import type { World } from '../conductor/harness.js';

/** The admin token of the test app's dashboard. */
export const TOKEN = 'test-dashboard-token-0123456789abcdef0123456789';
const SECRET = 'conductor-test-secret';

export interface AppWorld {
  world: World;
  app: RunningApp;
  /** Waits until no delivery is in flight or being handled, repeatedly (handling makes new ones). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Probot's Octokit with test-sized waits: retries and rate-limit waits scaled down (one "second" is 20 ms),
 * writes not spaced a second apart. The rate-limit handlers stay the app's own (Probot's, measured).
 */
export function testOctokit(): typeof ProbotOctokit {
  const group = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });
  return ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
    ...instance,
    retry: { retryAfterBaseValue: 10 },
    throttle: {
      ...(instance.throttle as object | undefined),
      retryAfterBaseValue: 20,
      fallbackSecondaryRateRetryAfter: 1,
      write: group(),
      notifications: group(),
      search: group(),
    },
  }));
}

/** The configuration `npm start` would read for the world's app, with `env` over it. */
export function appConfig(world: World, env: Record<string, string> = {}) {
  return loadConfig({
    APP_ID: String(world.app.id),
    PRIVATE_KEY: world.privateKey,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: new URL(world.github.url).host,
    GHE_PROTOCOL: 'http',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    HEARTBEAT: 'off',
    DASHBOARD_TOKEN: TOKEN,
    ...env,
  });
}

/** The world with the app started on it (`env` over the test configuration; `log`: where it logs). */
export async function startAppWorld(env: Record<string, string> = {}, log?: Logger): Promise<AppWorld> {
  const world = await startWorld();
  const config = appConfig(world, env);
  let app: RunningApp;
  try {
    app = await startApp({
      config,
      app: conductorApp,
      store: world.store,
      Octokit: testOctokit(),
      env: {},
      ...(log === undefined ? {} : { log }),
    });
  } catch (error) {
    await world.close();
    throw error;
  }
  world.github.state.apps.setWebhook(world.app, new URL('/api/github/webhooks', app.url).href, SECRET);
  world.github.webhooks.setAutoDeliver(true);
  const { webhooks } = world.github;
  return {
    world,
    app,
    async settle() {
      for (let round = 0; round < 200; round += 1) {
        const seen = webhooks.deliveries().length;
        await webhooks.settled();
        await app.queue.idle();
        if (webhooks.deliveries().length === seen && app.queue.size === 0) {
          const refused = webhooks.deliveries().filter((delivery) => delivery.state === 'failed');
          if (refused.length > 0)
            throw new Error(
              `deliveries the app refused: ${refused.map((d) => `${d.event} ${d.id}`).join(', ')}`,
            );
          return;
        }
      }
      throw new Error('settle: deliveries keep coming (a loop?)');
    },
    async close() {
      await app.stop();
      await world.close();
    },
  };
}
