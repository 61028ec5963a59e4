/**
 * What the benches need from the project's TypeScript, bundled by bench/bundle.mjs and imported by the
 * .mjs scripts: the offline GitHub set up with the App installed, the app itself, the conductor's test
 * scenario (test/app/conductor/harness.ts: the same stand-in runner the conductor tests use), and a way
 * to wait until the app has nothing left to do.
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Octokit } from '@octokit/rest';
import { sign } from '@octokit/webhooks-methods';
import { ProbotOctokit } from 'probot';
import { loadConfig } from '../app/config.js';
import type { AppConfig } from '../app/config.js';
import { conductor } from '../app/conductor/index.js';
import type { Conductor } from '../app/conductor/index.js';
import { startApp } from '../app/start.js';
import type { RunningApp } from '../app/start.js';
import { openStore } from '../app/store/index.js';
import type { Store, StoreOptions } from '../app/store/index.js';
import { Scenario, WORKFLOW_INPUTS, WORKFLOW_PATH } from '../test/app/conductor/harness.js';
import type { World } from '../test/app/conductor/harness.js';
import { startGitHub } from '../testbed/github/index.js';
import { octokitWithoutWriteSpacing } from './octokit.js';
import type { App, Delivery, GitHubTestbed, RecordedRequest, Repository } from '../testbed/github/index.js';

export { Scenario, octokitWithoutWriteSpacing, openStore };
export type { Delivery, GitHubTestbed, RecordedRequest, Repository, RunningApp, Store, World };

export const SECRET = 'bench-webhook-secret';
export const TRIGGER_LABEL = 'ai:implement';

/** A fresh RSA key for the App, PEM, as GitHub generates one. */
export function rsaKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
}

export interface BenchGitHub {
  github: GitHubTestbed;
  app: App;
  privateKey: string;
  /** The environment `npm start` would get to run the app against this offline GitHub. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * An offline GitHub on 127.0.0.1 with the organisation `acme`, its people, and the App registered and
 * installed there. `autoDeliver: false` holds webhooks for the bench to send (ingress); true sends them
 * to the app's webhook URL (set later with `github.state.apps.setWebhook`).
 */
export async function startBenchGitHub(options: {
  autoDeliver: boolean;
  checkResponses?: boolean;
}): Promise<BenchGitHub> {
  const github = await startGitHub({
    autoDeliver: options.autoDeliver,
    checkResponses: options.checkResponses ?? true,
  });
  const privateKey = rsaKey();
  const { state } = github;
  state.accounts.createOrganization('acme');
  for (const login of ['alice', 'bob', 'mallory', 'ops', 'carol']) state.accounts.createUser(login);
  const app = state.apps.createApp({
    slug: 'ai-orchestrator',
    privateKeyPem: privateKey,
    webhookUrl: 'http://127.0.0.1:9/unused',
    webhookSecret: SECRET,
  });
  state.apps.install(app, 'acme');
  const env = {
    APP_ID: String(app.id),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: new URL(github.url).host,
    GHE_PROTOCOL: 'http',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    HEARTBEAT: 'off',
  };
  return { github, app, privateKey, env, close: () => github.close() };
}

/** A repository of `acme` with the people and the orchestrator's workflow, as the conductor tests set up. */
export function createRepository(bench: BenchGitHub, name: string): Repository {
  const { state } = bench.github;
  const repo = state.repos.create('acme', name);
  state.repos.addCollaborator(repo, 'alice', 'write');
  state.repos.addCollaborator(repo, 'bob', 'write');
  state.actions.addWorkflow(repo, { path: WORKFLOW_PATH, inputs: WORKFLOW_INPUTS });
  return repo;
}

/** Opens an issue as alice; returns its number. */
export function openIssue(bench: BenchGitHub, repo: Repository, title: string): number {
  const { state } = bench.github;
  return state.issues.create(repo, state.as('alice'), { title, body: 'Customers want to insure their pets.' })
    .number;
}

/** Adds `label` to an issue as alice. */
export function addLabel(bench: BenchGitHub, repo: Repository, issue: number, label: string): void {
  const { state } = bench.github;
  state.issues.addLabels(repo, issue, state.as('alice'), [label]);
}

export interface BenchApp {
  running: RunningApp;
  conductor: Conductor;
  config: AppConfig;
  /**
   * Resolves once the app and the offline GitHub are quiet: every webhook sent and answered, no delivery
   * queued or running, no drain in flight, and no new request or delivery since the last look.
   */
  settle(): Promise<void>;
}

/**
 * Starts the app as `npm start` does (configuration from `bench.env`, `startApp`, Probot's Octokit) with
 * the conductor on `store`, points the App's webhooks at it, and returns it. `writeSpacing: false` uses
 * {@link octokitWithoutWriteSpacing}.
 */
export async function startBenchApp(
  bench: BenchGitHub,
  store: Store,
  options: { writeSpacing: boolean },
): Promise<BenchApp> {
  const config = loadConfig(bench.env);
  let loaded: Conductor | undefined;
  const running = await startApp({
    config,
    store,
    env: bench.env,
    ...(options.writeSpacing ? {} : { Octokit: octokitWithoutWriteSpacing() }),
    app: ({ store: open }) => {
      const handlers = conductor({ store: open, heartbeat: { enabled: false } });
      loaded = handlers;
      return Object.assign(handlers, {
        close: async () => {
          handlers.stop();
          await handlers.idle();
        },
      });
    },
  });
  if (loaded === undefined) throw new Error('the conductor was not loaded');
  const app = loaded;
  bench.github.state.apps.setWebhook(bench.app, new URL('/api/github/webhooks', running.url).href, SECRET);
  const { github } = bench;
  const settle = async () => {
    let last = '';
    for (let round = 0; round < 1000; round++) {
      await github.webhooks.settled();
      await running.queue.idle();
      await app.idle();
      await github.webhooks.settled();
      const now = `${github.requests.all().length}/${github.webhooks.deliveries().length}/${running.queue.size}`;
      if (now === last) return;
      last = now;
    }
    throw new Error('the app never settled (a loop of deliveries?)');
  };
  return { running, conductor: app, config, settle };
}

/**
 * The request of a held delivery as GitHub would post it: its exact bytes, signed with {@link SECRET}
 * (X-Hub-Signature-256), with GitHub's headers. The offline GitHub signs only when it sends.
 */
export async function signedRequest(
  delivery: Delivery,
): Promise<{ id: string; headers: Record<string, string>; body: string }> {
  return {
    id: delivery.id,
    body: delivery.body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/bench',
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.id,
      'x-github-hook-id': String(delivery.appId ?? 0),
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(delivery.appId ?? 0),
      'x-hub-signature-256': await sign(SECRET, delivery.body),
    },
  };
}

/**
 * The conductor tests' world on a bench GitHub, so their `Scenario` (repository and runner) can be used.
 * Without a store (the app runs in another process), the scenario's store readers (`item`, `audit`) must
 * not be called.
 */
export function worldOf(bench: BenchGitHub, store?: Store): World {
  return {
    github: bench.github,
    store: store as Store,
    app: bench.app,
    privateKey: bench.privateKey,
    rateLimitDecisions: [],
    close: async () => undefined,
  };
}

/** The store's options for a bench: PGlite in `dataDir`, or Postgres at `databaseUrl` in `schema`. */
export function storeOptions(
  engine: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; databaseUrl: string; schema: string },
): StoreOptions {
  return engine.kind === 'pglite'
    ? { dataDir: engine.dataDir }
    : { databaseUrl: engine.databaseUrl, schema: engine.schema };
}

/**
 * The time of one GitHub write (adding a label) through each Octokit configuration, `count` times one
 * after another against the offline GitHub, as alice: @octokit/rest without plugins; Probot's Octokit with
 * its throttling plugin off (retry on); with the throttling on but no write spacing (bench/octokit.ts); and
 * as shipped (writes ≥ 1 s apart; `shippedCount` times, it takes a second each). Milliseconds per call.
 */
export async function octokitWriteTimes(
  bench: BenchGitHub,
  count: number,
  shippedCount: number,
): Promise<{ name: string; times: number[] }[]> {
  const repo = createRepository(bench, `octokit-${Date.now().toString(36)}`);
  const issue = openIssue(bench, repo, 'Labels');
  const token = bench.github.state.accounts.createUserToken('alice');
  const baseUrl = bench.github.url;
  // Probot's Octokit classes with a personal token instead of the App's auth strategy.
  const asUser = { auth: token, authStrategy: undefined, baseUrl };
  const WithoutSpacing = octokitWithoutWriteSpacing();
  const clients: { name: string; client: Octokit; count: number }[] = [
    { name: '@octokit/rest, no plugins', client: new Octokit({ auth: token, baseUrl }), count },
    {
      name: "Probot's Octokit, throttling off (retry on)",
      client: new ProbotOctokit({ ...asUser, throttle: { enabled: false } } as never) as unknown as Octokit,
      count,
    },
    {
      name: "Probot's Octokit, write spacing off",
      client: new WithoutSpacing(asUser as never) as unknown as Octokit,
      count,
    },
    {
      name: "Probot's Octokit as shipped",
      client: new ProbotOctokit(asUser as never) as unknown as Octokit,
      count: shippedCount,
    },
  ];
  const results: { name: string; times: number[] }[] = [];
  let label = 0;
  for (const { name, client, count: calls } of clients) {
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      label += 1;
      const started = performance.now();
      await client.rest.issues.addLabels({
        owner: 'acme',
        repo: repo.name,
        issue_number: issue,
        labels: [`bench-${label}`],
      });
      times.push(performance.now() - started);
    }
    results.push({ name, times });
  }
  return results;
}
