/**
 * The whole lifecycle on one machine: the offline GitHub with an organisation, a human maintainer and the
 * orchestrator's App registered and installed; the App itself (Probot, the conductor, an embedded PGlite
 * store in a temporary folder); the local runner executing the orchestrator's workflow and actions on
 * this host; and the model — recorded transcripts on a loopback fake, or the live Anthropic API.
 *
 * `ai-orchestrator demo` and the end-to-end tests both start their world here, so the demo runs the code
 * the tests check. Everything lives under one temporary folder that `close()` removes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Bottleneck from 'bottleneck';
import { ProbotOctokit } from 'probot';
import { conductorApp } from '../../app/conductor-app.js';
import { loadConfig } from '../../app/config.js';
import type { AppConfig } from '../../app/config.js';
import { startApp } from '../../app/start.js';
import type { RunningApp } from '../../app/start.js';
import { openStore } from '../../app/store/index.js';
import type { Store } from '../../app/store/index.js';
import { WEBHOOK_PATH } from '../../app/server/server.js';
import type { PermissionLevel } from '../../core/roles.js';
import exampleWorkflow from '../../examples/workflows/ai-orchestrator.yml';
import { startAnthropicFake } from '../anthropic/server.js';
import type { AnthropicFake } from '../anthropic/server.js';
import { startGitHub } from '../github/index.js';
import type { App, GitHubTestbed, Repository } from '../github/index.js';
import { startRunner } from '../runner/index.js';
import type { LocalRunner } from '../runner/index.js';
import { transcriptPlayer } from './player.js';
import type { PlayerLog, Transcript } from './player.js';
import { MAINTAINER, SAMPLE_FILES, SAMPLE_OWNER } from './sample-repo.js';

export const WORKFLOW_PATH = '.github/workflows/ai-orchestrator.yml';
const EXAMPLE_WORKFLOW = 'examples/workflows/ai-orchestrator.yml';

/** Where the model's replies come from. */
export type ModelChoice =
  { kind: 'recorded'; transcripts: readonly Transcript[] } | { kind: 'live'; apiKey: string };

/** The model as the world runs it. */
export type RunningModel = { kind: 'recorded'; fake: AnthropicFake; log: PlayerLog } | { kind: 'live' };

/** How the demo and the tests name what answered the agents; never a recorded run called live. */
export function describeModel(model: ModelChoice | RunningModel): string {
  return model.kind === 'live'
    ? 'model: live Anthropic API'
    : 'model: recorded transcripts (offline) — prewritten replies replayed on a loopback fake of the Anthropic API; no model is called';
}

export interface WorldOptions {
  model: ModelChoice;
  /** This project's checkout (action.yml, dist/, examples/); default: found from this module's location. */
  projectRoot?: string;
  /** People other than the maintainer, with their permission on every repository created. */
  people?: Readonly<Record<string, Exclude<PermissionLevel, 'none'>>>;
  /** Parent of the world's temporary folder; default the system's. */
  tempParent?: string;
  /** The app's log level; default silent (the demo shows the lifecycle, not the app's logs). */
  appLogLevel?: AppConfig['logLevel'];
}

export interface SampleRepository {
  repo: Repository;
  /** `owner/name`. */
  fullName: string;
}

export interface World {
  github: GitHubTestbed;
  runner: LocalRunner;
  /** The running app; replaced by {@link World.restartApp}. */
  app: RunningApp;
  /** The App's registration on the offline GitHub. */
  ghApp: App;
  model: RunningModel;
  maintainer: string;
  /** The store's data folder (kept across restarts). */
  dataDir: string;
  /** Creates a repository in the organisation with the workflow committed and registered with the runner. */
  createRepository(name: string, options?: RepositoryOptions): SampleRepository;
  /**
   * Stops the app (deliveries in flight get the app's stop bound to finish; the rest stays in the store)
   * and starts a new one on the same store folder and port. Deliveries GitHub sends in between fail, as
   * they would against a crashed app; `beforeStart` runs while it is down.
   */
  restartApp(options?: { beforeStart?: () => Promise<void> }): Promise<void>;
  /** Stops everything and removes the temporary folder. Safe to call twice. */
  close(): Promise<void>;
}

export interface RepositoryOptions {
  /** The repository's files besides the workflow; default the sample Node package. */
  files?: Readonly<Record<string, string>>;
  /** `.github/ai-orchestrator.yml`, the repository's policy; default none (the default policy). */
  policy?: string;
}

/** The folder holding action.yml, examples/ and dist/: this checkout, or the installed package. */
export function findProjectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let folder = from; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'action.yml')) && existsSync(path.join(folder, EXAMPLE_WORKFLOW)))
      return folder;
    if (path.dirname(folder) === folder)
      throw new Error(`no ai-orchestrator project (action.yml and ${EXAMPLE_WORKFLOW}) above ${from}`);
  }
}

/**
 * Probot's Octokit with the write and notification queues unspaced. On github.com, plugin-throttling
 * spaces writes one second apart (comments three) against secondary rate limits; the offline GitHub has
 * none, and the spacing alone would stretch the demo by a minute. Everything else (retries, rate-limit
 * handling) stays as in production.
 */
const OfflineOctokit = ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
  ...instance,
  throttle: {
    ...(instance.throttle as object | undefined),
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
  },
}));

/** Starts a world; on failure, what was started is stopped and the folder removed. */
export async function startWorld(options: WorldOptions): Promise<World> {
  const projectRoot = options.projectRoot ?? findProjectRoot();
  const root = await mkdtemp(path.join(options.tempParent ?? tmpdir(), 'ai-orchestrator-demo-'));
  const dataDir = path.join(root, 'store');
  const stops: (() => Promise<void>)[] = [() => rm(root, { recursive: true, force: true })];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    // PGlite's first start (compiling its WebAssembly, creating the database) takes seconds: it runs while
    // the rest of the world is set up.
    let store: Store | undefined;
    const opening = openStore({ dataDir }).then((opened) => (store = opened));
    stops.push(async () => {
      await opening.catch(() => undefined);
      await store?.close();
    });
    const github = await startGitHub({ dataDir: root });
    stops.push(() => github.close());
    const { state } = github;
    state.accounts.createOrganization(SAMPLE_OWNER);
    state.accounts.createUser(MAINTAINER);
    for (const login of Object.keys(options.people ?? {})) state.accounts.createUser(login);

    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const webhookSecret = randomBytes(16).toString('hex');
    // Registered without a webhook URL: it is set once the app listens, so nothing is sent before.
    const ghApp = state.apps.createApp({ slug: 'ai-orchestrator', privateKeyPem: privateKey, webhookSecret });
    state.apps.install(ghApp, SAMPLE_OWNER);

    let model: RunningModel;
    if (options.model.kind === 'recorded') {
      const player = transcriptPlayer(options.model.transcripts);
      const fake = await startAnthropicFake({ fallback: player.responder });
      stops.push(() => fake.close());
      model = { kind: 'recorded', fake, log: player.log };
    } else {
      model = { kind: 'live' };
    }

    const runnerDir = path.join(root, 'runner');
    await mkdir(runnerDir);
    const runner = startRunner({
      github,
      projectRoot,
      workDir: runnerDir,
      secrets: {
        ANTHROPIC_API_KEY: options.model.kind === 'live' ? options.model.apiKey : 'offline-demo-key',
        AI_ORCHESTRATOR_PRIVATE_KEY: privateKey,
      },
      vars: { AI_ORCHESTRATOR_APP_ID: String(ghApp.id) },
      // The actions' model client reads ANTHROPIC_BASE_URL: the fake when offline. Live, the variable is
      // set empty so a value in the caller's environment cannot send the agents elsewhere.
      env: { ANTHROPIC_BASE_URL: model.kind === 'recorded' ? model.fake.url : '' },
    });
    stops.push(() => runner.close());

    // Read the way `npm start` reads its environment, so the demo's app is configured as a deployed one.
    const config: AppConfig = {
      ...loadConfig({
        APP_ID: String(ghApp.id),
        PRIVATE_KEY: privateKey,
        WEBHOOK_SECRET: webhookSecret,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: options.appLogLevel ?? 'silent',
        DATA_DIR: dataDir,
        HEARTBEAT: 'off',
      }),
      baseUrl: github.url,
    };
    await opening;
    const launch = async (port: number): Promise<RunningApp> => {
      if (store === undefined) throw new Error('the store is not open');
      const running = await startApp({
        config: { ...config, port },
        store,
        app: conductorApp,
        env: {},
        Octokit: OfflineOctokit,
      });
      state.apps.setWebhook(ghApp, new URL(WEBHOOK_PATH, running.url).href, webhookSecret);
      return running;
    };
    let app = await launch(0);
    // Stopped before the store it runs on is closed (stops run last first).
    stops.push(() => app.stop());
    const port = Number(app.url.port);

    const people = { ...options.people, [MAINTAINER]: 'admin' as const };
    const world: World = {
      github,
      runner,
      get app() {
        return app;
      },
      ghApp,
      model,
      maintainer: MAINTAINER,
      dataDir,
      createRepository(name, repoOptions = {}) {
        const files: Record<string, string> = {
          ...(repoOptions.files ?? SAMPLE_FILES),
          [WORKFLOW_PATH]: exampleWorkflow,
          ...(repoOptions.policy === undefined ? {} : { '.github/ai-orchestrator.yml': repoOptions.policy }),
        };
        const repo = state.repos.create(SAMPLE_OWNER, name, { files });
        for (const [login, permission] of Object.entries(people))
          state.repos.addCollaborator(repo, login, permission);
        // The workflow in the repository is the example's text; the runner runs that same file.
        runner.addWorkflow(repo, { file: path.join(projectRoot, EXAMPLE_WORKFLOW), path: WORKFLOW_PATH });
        return { repo, fullName: `${SAMPLE_OWNER}/${name}` };
      },
      async restartApp(restart = {}) {
        await app.stop();
        await store?.close();
        store = undefined;
        await restart.beforeStart?.();
        store = await openStore({ dataDir });
        app = await launch(port);
      },
      close,
    };
    return world;
  } catch (error) {
    await close();
    throw error;
  }
}
