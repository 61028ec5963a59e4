/**
 * Starting and stopping the app: the store (migrated), Probot with the app's handlers, the durable delivery
 * queue (resuming what a previous run left unfinished) and the HTTP server (webhooks, `/healthz`,
 * `/metrics`, the web dashboard), in that order; stopping goes the other way.
 */
import type { ApplicationFunction, Logger, Probot, ProbotOctokit } from 'probot';
import type { AppConfig } from './config.js';
import { recordPause } from './conductor/pause.js';
import { githubWebUrl } from './dashboard/links.js';
import { dashboardRoute } from './dashboard/routes.js';
import type { AppOperations } from './dashboard/types.js';
import { AppMetrics } from './metrics/metrics.js';
import { metricsRoute } from './metrics/route.js';
import { createAppProbot } from './probot.js';
import { DeliveryQueue } from './queue/delivery-queue.js';
import type { DeliveryQueueOptions } from './queue/delivery-queue.js';
import { AppServer } from './server/server.js';
import { MAX_BODY_BYTES } from './server/webhook.js';
import { openStore } from './store/index.js';
import type { Store } from './store/index.js';

/** What the app's handlers are built with. */
export interface AppContext {
  store: Store;
  config: AppConfig;
  /** The app's metrics (its own registry), for the handlers to report to. */
  metrics: AppMetrics;
}

/**
 * The app's handlers: the ApplicationFunction Probot loads, and optionally `close`, awaited when the app
 * stops (after the queue has drained, before the store closes) to stop timers and finish background work.
 */
export type AppHandlers = ApplicationFunction & {
  close?: () => Promise<void>;
  /** What the web dashboard shows and does beyond the store (see AppOperations); default: no heartbeat. */
  operations?: AppOperations;
};

/** Builds the app's handlers (the conductor in production) for an open store. */
export type AppFactory = (context: AppContext) => AppHandlers;

export interface StartOptions {
  config: AppConfig;
  app: AppFactory;
  /** The environment, for Probot's logging variables; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * An open store to run on instead of opening `config.store`; the caller keeps it (it is not closed on
   * stop), so tests can restart the app on one store.
   */
  store?: Store;
  /** See `ProbotOptions.Octokit`. */
  Octokit?: typeof ProbotOctokit;
  /** See `ProbotOptions.log`. */
  log?: Logger;
  /** Tuning of the delivery queue (see `DeliveryQueueOptions`). */
  queue?: Pick<DeliveryQueueOptions, 'concurrency' | 'leaseMs' | 'maxAttempts'>;
  /** Largest delivery accepted, in bytes; default GitHub's 25 MB. */
  maxBodyBytes?: number;
  /** How long `stop` waits for requests and deliveries in progress, in ms; default 10 000. */
  stopTimeoutMs?: number;
}

/** A running app. */
export interface RunningApp {
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  url: URL;
  probot: Probot;
  store: Store;
  queue: DeliveryQueue;
  metrics: AppMetrics;
  /** The handlers the app factory made (the conductor in production). */
  handlers: AppHandlers;
  /**
   * Stops: the server takes no new requests, the queue finishes what is running (bounded by
   * `stopTimeoutMs`; the rest stays pending for the next start), and the store is closed if the app
   * opened it. Safe to call more than once.
   */
  stop(): Promise<void>;
}

/**
 * Closes the handlers (if they have `close`), waiting at most `timeoutMs`: what they leave unfinished must
 * be durable already, as after a crash. A failure or the timeout is logged, not thrown, so the store is
 * still closed.
 */
async function closeHandlers(handlers: AppHandlers, timeoutMs: number, probot: Probot): Promise<void> {
  if (handlers.close === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([handlers.close().then(() => 'closed' as const), deadline]);
    if (result === 'timeout') probot.log.warn(`the app's handlers did not close within ${timeoutMs} ms`);
  } catch (error) {
    probot.log.error({ err: error }, "closing the app's handlers failed");
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the dashboard can do with handlers that bring no operations of their own: nothing about a
 * heartbeat, and the kill switch stored and audited (nothing else of theirs needs to know).
 */
function storeOnlyOperations(store: Store): AppOperations {
  return {
    heartbeat: () => ({ enabled: false, intervalMinutes: 0, last: null }),
    setPaused: (repository, paused, actor) =>
      recordPause(store, repository, { paused, actor, source: 'web-dashboard' }),
  };
}

/**
 * Starts the app and resolves once it listens on `config.port` (0: a free port) and `config.host`. If a
 * step fails, what was started is stopped again and the error rethrown.
 */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { config } = options;
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(config.store));
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  let queue: DeliveryQueue | undefined;
  let handlers: AppHandlers | undefined;
  try {
    const metrics = new AppMetrics();
    metrics.trackStore(store);
    const probot = await createAppProbot(config, {
      env: options.env ?? process.env,
      metrics,
      ...(options.Octokit === undefined ? {} : { Octokit: options.Octokit }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    handlers = options.app({ store, config, metrics });
    await probot.load(handlers);
    queue = new DeliveryQueue({
      store,
      probot,
      log: probot.log.child({ name: 'queue' }),
      metrics,
      ...options.queue,
    });
    const accepting = queue;
    const server = new AppServer({
      secret: config.webhookSecret,
      maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
      accept: (delivery) => accepting.accept(delivery),
      log: probot.log.child({ name: 'ingress' }),
      routes: [
        metricsRoute(metrics, config.metricsToken),
        dashboardRoute({
          token: config.dashboardToken,
          store,
          web: githubWebUrl(config.baseUrl),
          operations: handlers.operations ?? storeOnlyOperations(store),
          log: probot.log.child({ name: 'dashboard' }),
        }),
      ],
    });
    // Resumed before listening, so left-over deliveries of a repository go before new ones.
    await queue.start();
    const url = await server.listen(config.port, config.host);
    let stopping: Promise<void> | undefined;
    const loaded = handlers;
    const stop = async () => {
      await server.close(stopTimeoutMs);
      await accepting.stop(stopTimeoutMs);
      await closeHandlers(loaded, stopTimeoutMs, probot);
      if (ownsStore) await store.close();
    };
    return {
      url,
      probot,
      store,
      queue,
      metrics,
      handlers: loaded,
      stop: () => (stopping ??= stop()),
    };
  } catch (error) {
    await queue?.stop(0);
    // The start failed already; a failure to close too must not hide why.
    await handlers?.close?.().catch(() => undefined);
    if (ownsStore) await store.close();
    throw error;
  }
}
