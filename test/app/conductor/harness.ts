/**
 * The conductor's test world: the offline GitHub (every request validated against GitHub's OpenAPI
 * description) holding webhooks back, one PGlite store per test file, and a real Probot with the conductor
 * loaded. `pump()` hands every held delivery to `probot.receive`, in order, until none is left, so a test
 * reads as a sequence of events. A `Scenario` is one fresh repository with people, the workflow and a
 * stand-in runner that completes dispatched runs with result documents.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import Bottleneck from 'bottleneck';
import { Probot, ProbotOctokit } from 'probot';
import type { Options } from 'probot';
import { conductor } from '../../../app/conductor/index.js';
import type { Conductor } from '../../../app/conductor/index.js';
import { boundedRateLimitHandlers } from '../../../app/github/index.js';
import type { RateLimitDecision } from '../../../app/github/index.js';
import { createStore, openStore } from '../../../app/store/index.js';
import type { AuditEntry, Store } from '../../../app/store/index.js';
import { migrate } from '../../../app/store/migrate.js';
import { openPostgres } from '../../../app/store/postgres.js';
import { dropSchema, randomSchema } from '../store/harness.js';
import { RELEASE_GATE_CHECK } from '../../../core/roles.js';
import { startGitHub } from '../../../testbed/github/index.js';
import type { App, GitHubTestbed, Repository, WorkflowRun } from '../../../testbed/github/index.js';

export const WORKFLOW_PATH = '.github/workflows/ai-orchestrator.yml';
export const WORKFLOW_INPUTS = ['stage', 'issue', 'pr', 'story', 'run_key', 'context'];

export interface World {
  github: GitHubTestbed;
  store: Store;
  app: App;
  privateKey: string;
  /** Every rate-limit decision the Octokit throttling made, for the rate-limit tests. */
  rateLimitDecisions: RateLimitDecision[];
  close(): Promise<void>;
}

/**
 * A fresh store: embedded PGlite in memory, or a schema of its own on the Postgres at `postgresUrl` (dropped
 * again on close).
 */
async function freshStore(postgresUrl?: string): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (postgresUrl === undefined) {
    const store = await openStore({ dataDir: 'memory://' });
    return { store, dispose: () => store.close() };
  }
  const engine = openPostgres({ url: postgresUrl, schema: randomSchema() });
  await migrate(engine);
  return {
    store: createStore(engine),
    async dispose() {
      try {
        if (engine.schema !== null) await dropSchema(engine, engine.schema);
      } finally {
        await engine.close();
      }
    },
  };
}

/**
 * The offline GitHub (deliveries held), the app registered and installed on `acme`, and a fresh store
 * (PGlite, or Postgres when `postgresUrl` is given).
 */
export async function startWorld(options: { postgresUrl?: string } = {}): Promise<World> {
  const github = await startGitHub({ autoDeliver: false });
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
  const { state } = github;
  state.accounts.createOrganization('acme');
  for (const login of ['alice', 'bob', 'mallory', 'ops', 'carol']) state.accounts.createUser(login);
  const app = state.apps.createApp({
    slug: 'ai-orchestrator',
    privateKeyPem: privateKey,
    // Deliveries are held (autoDeliver off) and handed to probot.receive by `pump`; the URL is never called.
    webhookUrl: 'http://127.0.0.1:9/unused',
    webhookSecret: 'conductor-test-secret',
  });
  state.apps.install(app, 'acme');
  const { store, dispose } = await freshStore(options.postgresUrl);
  return {
    github,
    store,
    app,
    privateKey,
    rateLimitDecisions: [],
    async close() {
      await dispose();
      await github.close();
    },
  };
}

/** A running Probot with the conductor, on the world's store. Restarting makes a new one on the same store. */
export interface Running {
  probot: Probot;
  conductor: Conductor;
  /** Delivers every held webhook not yet delivered, oldest first, until none is left; returns how many. */
  pump(): Promise<number>;
  /** Delivers one held delivery by id (again, if it was delivered before). */
  receive(id: string): Promise<void>;
  /** Loses the held deliveries `lost` picks (GitHub never redelivers on its own): they are never received. */
  drop(lost: (delivery: { event: string; action: string | undefined; body: string }) => boolean): number;
}

/** Deliveries already handed to a Probot, across restarts (a restart must not replay old ones). */
const delivered = new WeakMap<World, Set<string>>();

/**
 * A real Probot pointed at the offline GitHub, with test-sized retry and throttling: the plugins stay on
 * (5xx retries, bounded rate-limit waits) but waits are scaled down (one "second" is 20 ms) and writes
 * are not spaced a second apart.
 */
export async function startConductor(world: World, options: { now?: () => Date } = {}): Promise<Running> {
  // A function, not an object: Probot passes its own `throttle` to every client it makes, which would
  // replace an object default wholesale; merged here, the test's settings win.
  const throttle = {
    enabled: true,
    ...boundedRateLimitHandlers({
      maxRetries: 2,
      maxRetryAfterSeconds: 60,
      onDecision: (decision: RateLimitDecision) => world.rateLimitDecisions.push(decision),
    }),
    retryAfterBaseValue: 20,
    fallbackSecondaryRateRetryAfter: 1,
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    search: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
  };
  const Octokit = ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
    ...instance,
    retry: { retryAfterBaseValue: 10 },
    throttle: { ...(instance.throttle as object | undefined), ...throttle },
  }));
  const probot = new Probot({
    appId: world.app.id,
    privateKey: world.privateKey,
    secret: 'conductor-test-secret',
    baseUrl: world.github.url,
    Octokit,
    logLevel: 'silent' as Options['logLevel'],
  });
  const app = conductor({
    store: world.store,
    heartbeat: { enabled: false },
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  await probot.load(app);
  let seen = delivered.get(world);
  if (seen === undefined) {
    seen = new Set();
    delivered.set(world, seen);
  }
  const done = seen;
  const receive = async (id: string) => {
    const delivery = world.github.webhooks.deliveries().find((candidate) => candidate.id === id);
    if (delivery === undefined) throw new Error(`no delivery ${id}`);
    done.add(id);
    await probot.receive({
      id: delivery.id,
      name: delivery.event,
      payload: JSON.parse(delivery.body),
    } as EmitterWebhookEvent);
  };
  return {
    probot,
    conductor: app,
    receive,
    drop(lost) {
      const dropped = world.github.webhooks
        .held()
        .filter((delivery) => !done.has(delivery.id) && lost(delivery));
      for (const delivery of dropped) done.add(delivery.id);
      return dropped.length;
    },
    async pump() {
      let count = 0;
      for (;;) {
        const next = world.github.webhooks.held().find((delivery) => !done.has(delivery.id));
        if (next === undefined) return count;
        count += 1;
        if (count > 500) throw new Error('pump: deliveries keep coming (a loop?)');
        await receive(next.id);
      }
    },
  };
}

let repositoryCounter = 0;

/** A plan story as the planner writes it. */
export interface StorySpec {
  id: string;
  depends_on?: string[];
  estimate?: number;
}

/** One repository of the world, with people, the workflow, and a stand-in for the runners. */
export class Scenario {
  readonly repo: Repository;
  readonly fullName: string;

  constructor(
    readonly world: World,
    options: { files?: Record<string, string>; workflow?: boolean } = {},
  ) {
    repositoryCounter += 1;
    const { state } = world.github;
    const name = `widgets-${repositoryCounter}`;
    this.repo = state.repos.create('acme', name, options.files === undefined ? {} : { files: options.files });
    this.fullName = `acme/${name}`;
    state.repos.addCollaborator(this.repo, 'alice', 'write');
    state.repos.addCollaborator(this.repo, 'bob', 'write');
    state.repos.addCollaborator(this.repo, 'mallory', 'read');
    state.repos.addCollaborator(this.repo, 'ops', 'admin');
    if (options.workflow !== false)
      state.actions.addWorkflow(this.repo, { path: WORKFLOW_PATH, inputs: WORKFLOW_INPUTS });
  }

  get state() {
    return this.world.github.state;
  }

  /** Opens an issue as `login`. */
  openIssue(title = 'Add pet insurance', login = 'alice'): number {
    return this.state.issues.create(this.repo, this.state.as(login), {
      title,
      body: 'Customers want to insure their pets.',
    }).number;
  }

  /** Adds a label to an issue as `login`. */
  label(issue: number, label = 'ai:implement', login = 'alice'): void {
    this.state.issues.addLabels(this.repo, issue, this.state.as(login), [label]);
  }

  /** Comments as `login` (a user login, or the app for its own comments). */
  comment(issue: number, body: string, login: string | App = 'alice'): number {
    return this.state.comments.create(this.repo, issue, this.state.as(login), body).id;
  }

  /** The labels of an issue or pull request. */
  labels(issue: number): string[] {
    return [...this.state.issues.get(this.repo, issue).labels];
  }

  /** The comments on an issue or pull request, oldest first. */
  comments(issue: number): { id: number; body: string; login: string }[] {
    return this.state.comments
      .list(this.repo, issue)
      .map((comment) => ({ id: comment.id, body: comment.body, login: comment.user.login }));
  }

  /** Dispatched runs not started yet, oldest first. */
  queuedRuns(): WorkflowRun[] {
    return [...this.repo.runs.values()].filter((run) => run.status === 'queued').sort((a, b) => a.id - b.id);
  }

  /** Every run of the orchestrator's workflow, oldest first. */
  runs(): WorkflowRun[] {
    return [...this.repo.runs.values()].sort((a, b) => a.id - b.id);
  }

  /** The run's dispatch inputs. */
  inputs(run: WorkflowRun): Record<string, string> {
    return run.inputs as Record<string, string>;
  }

  /** Completes a run with a result document in its `ai-orchestrator-result` artifact (none: no artifact). */
  complete(
    run: WorkflowRun,
    result: object | undefined,
    conclusion: 'success' | 'failure' = 'success',
  ): void {
    this.state.actions.completeRun(this.repo, run.id, {
      conclusion,
      ...(result === undefined
        ? {}
        : { artifacts: { 'ai-orchestrator-result': { 'result.json': JSON.stringify(result) } } }),
    });
  }

  /** The common fields of a result document for `run`. */
  base(run: WorkflowRun): Record<string, unknown> {
    const inputs = this.inputs(run);
    return {
      schema_version: 1,
      run_key: inputs.run_key,
      repository: this.fullName,
      issue: Number(inputs.issue),
      ...(inputs.story === '' || inputs.story === undefined ? {} : { story: inputs.story }),
      usage: {
        input_tokens: 1000,
        output_tokens: 200,
        cache_read_input_tokens: 800,
        cache_creation_input_tokens: 0,
        cost_usd: 0.25,
      },
    };
  }

  /** A successful plan result with these stories. */
  planResult(run: WorkflowRun, stories: StorySpec[]): object {
    return {
      ...this.base(run),
      stage: 'plan',
      outcome: {
        status: 'succeeded',
        plan: {
          summary: 'Split into stories.',
          stories: stories.map((story) => ({
            id: story.id,
            title: `Story ${story.id}`,
            description: `Do ${story.id}.`,
            acceptance_criteria: [`${story.id} works`],
            depends_on: story.depends_on ?? [],
            estimate: story.estimate ?? 2,
          })),
        },
      },
    };
  }

  /**
   * What the implement stage does for `run`: pushes its branch as the app and opens the pull request (the
   * first time), or pushes a new head (a revision); returns the result document and the pull request.
   */
  implement(run: WorkflowRun): { result: object; pr: number; head: string } {
    const inputs = this.inputs(run);
    const branch = `ai/${inputs.issue}-story-${(inputs.story ?? 'x').toLowerCase()}`;
    const bot = this.state.as(this.world.app);
    const head = this.state.repos.commitFiles(this.repo, branch, bot, {
      [`src/${inputs.story}.js`]: `// ${run.id}\n`,
    });
    let pr = inputs.pr === '' || inputs.pr === undefined ? undefined : Number(inputs.pr);
    if (pr === undefined) {
      pr = this.state.pulls.create(this.repo, bot, {
        title: `Story ${inputs.story}`,
        head: branch,
        base: 'main',
      }).pull.number;
    }
    return {
      pr,
      head,
      result: {
        ...this.base(run),
        pr,
        head_sha: head,
        stage: 'implement',
        outcome: { status: 'succeeded', pr: { number: pr, head_sha: head, branch } },
      },
    };
  }

  /** What the review stage does: the app's release-gate check on the head, and the gate's result. */
  review(run: WorkflowRun, decision: 'approved' | 'blocked' = 'approved'): object {
    const inputs = this.inputs(run);
    const pr = Number(inputs.pr);
    const head = this.state.pulls.get(this.repo, pr).pull.headSha;
    this.state.checks.createRun(this.repo, this.world.app, this.state.as(this.world.app), head, {
      name: RELEASE_GATE_CHECK,
      status: 'completed',
      conclusion: decision === 'approved' ? 'success' : 'failure',
    });
    return {
      ...this.base(run),
      pr,
      head_sha: head,
      stage: 'release-gate',
      outcome: {
        status: 'succeeded',
        gate: {
          decision,
          reasons: decision === 'approved' ? ['every reviewer passed'] : ['security: blocker finding'],
          head_sha: head,
          reviewers: [],
        },
      },
    };
  }

  /** A successful validation result. */
  validateResult(run: WorkflowRun): object {
    return {
      ...this.base(run),
      stage: 'validate',
      outcome: { status: 'succeeded', validation: { tests: { passed: 12, failed: 0 }, smoke_ok: null } },
    };
  }

  /** The merged pull requests. */
  mergedPulls(): number[] {
    return [...this.repo.pulls.values()].filter((pull) => pull.merged).map((pull) => pull.number);
  }

  /** Requests to the offline GitHub about this repository, by operationId. */
  requests(operationId: string) {
    return this.world.github.requests.filter(
      (request) => request.operationId === operationId && request.path.startsWith(`/repos/${this.fullName}/`),
    );
  }

  /** The audit log of this repository, oldest first. */
  async audit(): Promise<AuditEntry[]> {
    return (await this.world.store.audit.list({ repository: this.fullName, limit: 10_000 })).reverse();
  }

  /** The work item of an issue (the epic, or a story on its sub-issue). */
  async item(issue: number) {
    return this.world.store.workItems.getByIssue(this.fullName, issue);
  }
}

/** The audit action the app records for each GitHub write operation. */
const AUDITED: Readonly<Record<string, string>> = {
  'issues/create-comment': 'issues.createComment',
  'issues/update-comment': 'issues.updateComment',
  'issues/add-labels': 'issues.addLabels',
  'issues/remove-label': 'issues.removeLabel',
  'issues/create-label': 'issues.createLabel',
  'issues/delete-label': 'issues.deleteLabel',
  'issues/create': 'issues.create',
  'issues/add-sub-issue': 'issues.addSubIssue',
  'actions/create-workflow-dispatch': 'actions.createWorkflowDispatch',
  'pulls/merge': 'pulls.merge',
};

/**
 * Every write the app sent to GitHub about the scenario's repository, by operation: how many GitHub
 * accepted, and how many audit entries say `ok` for it. A write without its audit entry (or an operation
 * the app writes that has no audit action at all) shows up as a difference.
 */
export async function auditCoverage(
  scenario: Scenario,
): Promise<{ operation: string; accepted: number; audited: number }[]> {
  const appWrites = scenario.world.github.requests
    .writes()
    .filter(
      (request) =>
        request.path.startsWith(`/repos/${scenario.fullName}/`) && request.auth.kind === 'installation',
    );
  const entries = await scenario.audit();
  const operations = new Set(
    appWrites.map((request) => request.operationId ?? `${request.method} ${request.path}`),
  );
  return [...operations].sort().map((operation) => {
    const action = AUDITED[operation];
    return {
      operation,
      accepted: appWrites.filter((request) => request.operationId === operation && request.status < 300)
        .length,
      audited:
        action === undefined
          ? -1
          : entries.filter(
              (entry) =>
                entry.action === action &&
                entry.detail.outcome === 'ok' &&
                entry.detail.refused === undefined,
            ).length,
    };
  });
}
