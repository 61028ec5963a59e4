import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import examples from '@octokit/webhooks-examples';
import type {
  IssueCommentCreatedEvent,
  IssueCommentEditedEvent,
  IssuesLabeledEvent,
  PullRequestClosedEvent,
  PullRequestOpenedEvent,
  PullRequestSynchronizeEvent,
  WorkflowRunCompletedEvent,
} from '@octokit/webhooks-types';
import { verify } from '@octokit/webhooks-methods';
import { createNodeMiddleware, Probot, ProbotOctokit } from 'probot';
import { startGitHub } from '../../testbed/github/index.js';
import type { GitHubTestbed } from '../../testbed/github/index.js';
import { buildWorld, WIDGETS } from './world.js';
import type { World } from './world.js';

const SECRET = 'It is a secret to everybody';

/** A webhook receiver on loopback that keeps what it got, verbatim. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
let github: GitHubTestbed;
let world: World;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks`;
  github = await startGitHub();
});
afterAll(async () => {
  await github.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(async () => {
  // A failed test may leave deliveries in flight; let them land before the next test starts counting.
  await github.webhooks.settled();
  received = [];
  github.webhooks.setAutoDeliver(true);
  world = buildWorld(github, { url: receiverUrl, secret: SECRET });
});

/** The payload of the `index`th delivery received, typed as the webhook event it should be. */
function payloadAt<T>(index: number): T {
  const delivery = received[index];
  if (delivery === undefined) throw new Error(`no delivery #${index}`);
  return JSON.parse(delivery.body) as T;
}

/** The events received so far, as `event.action`. */
function eventNames(): string[] {
  return received.map((delivery) => {
    const payload = JSON.parse(delivery.body) as { action?: string };
    return `${String(delivery.headers['x-github-event'])}.${payload.action ?? ''}`;
  });
}

/** The keys of the webhooks-examples example for an event and action, one level into each object. */
function exampleShape(event: string, action: string): Record<string, string[]> {
  // The package is CommonJS JSON: its default import is the array, typed as the module namespace.
  const loaded = examples as unknown as { default?: unknown };
  const definitions = (loaded.default ?? loaded) as { name: string; examples: Record<string, unknown>[] }[];
  const group = definitions.find((entry) => entry.name === event);
  const example = group?.examples.find((candidate) => candidate.action === action);
  if (example === undefined) throw new Error(`no example for ${event}.${action}`);
  const shape: Record<string, string[]> = { '': Object.keys(example) };
  for (const [key, value] of Object.entries(example)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) shape[key] = Object.keys(value);
  }
  return shape;
}

/** The keys of `shape` that `payload` lacks (the testbed must send at least what GitHub's examples show). */
function missingKeys(payload: object, shape: Record<string, string[]>): string[] {
  const missing: string[] = [];
  const top = payload as Record<string, unknown>;
  for (const [object, keys] of Object.entries(shape)) {
    const target = object === '' ? top : (top[object] as Record<string, unknown> | undefined);
    if (target === undefined) {
      if (!['enterprise', 'organization', 'installation', 'changes'].includes(object)) missing.push(object);
      continue;
    }
    for (const key of keys) if (!(key in target)) missing.push(object === '' ? key : `${object}.${key}`);
  }
  // `issue.draft` appears in examples recorded on pull requests only.
  return missing.filter((key) => key !== 'issue.draft');
}

describe('automatic deliveries', () => {
  it('signs the exact bytes and sends GitHub headers for a label added through the API', async () => {
    const { data: issue } = await world.alice.rest.issues.create({ ...WIDGETS, title: 'Pets' });
    await world.alice.rest.issues.addLabels({
      ...WIDGETS,
      issue_number: issue.number,
      labels: ['ai:implement'],
    });
    await github.webhooks.settled();
    expect(eventNames()).toEqual(['issues.opened', 'issues.labeled']);
    const labeled = received[1]!;
    expect(await verify(SECRET, labeled.body, String(labeled.headers['x-hub-signature-256']))).toBe(true);
    expect(await verify('wrong secret', labeled.body, String(labeled.headers['x-hub-signature-256']))).toBe(
      false,
    );
    expect(labeled.headers['content-type']).toBe('application/json');
    expect(labeled.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    const payload = payloadAt<IssuesLabeledEvent>(1);
    expect(payload.label?.name).toBe('ai:implement');
    expect(payload.sender).toMatchObject({ login: 'alice', type: 'User' });
    expect(payload.installation?.id).toBe(world.installation.id);
    expect(payload.organization?.login).toBe('acme');
    expect(missingKeys(payload, exampleShape('issues', 'labeled'))).toEqual([]);
  });

  it('reports what an installation token did with the app bot as sender', async () => {
    const { data: issue } = await world.bot.rest.issues.create({ ...WIDGETS, title: 'Story' });
    await world.bot.rest.issues.createComment({ ...WIDGETS, issue_number: issue.number, body: 'Plan ready' });
    const { data: comment } = await world.alice.rest.issues.createComment({
      ...WIDGETS,
      issue_number: issue.number,
      body: '/approve',
    });
    await world.alice.rest.issues.updateComment({
      ...WIDGETS,
      comment_id: comment.id,
      body: '/approve please',
    });
    await github.webhooks.settled();
    expect(eventNames()).toEqual([
      'issues.opened',
      'issue_comment.created',
      'issue_comment.created',
      'issue_comment.edited',
    ]);
    const fromBot = payloadAt<IssueCommentCreatedEvent>(1);
    const fromAlice = payloadAt<IssueCommentCreatedEvent>(2);
    const edited = payloadAt<IssueCommentEditedEvent>(3);
    expect(fromBot.sender).toMatchObject({ login: 'ai-orchestrator[bot]', type: 'Bot' });
    expect(fromBot.comment.performed_via_github_app?.id).toBe(world.app.id);
    expect(fromAlice.comment.author_association).toBe('COLLABORATOR');
    expect(edited.changes).toEqual({ body: { from: '/approve' } });
    expect(missingKeys(fromAlice, exampleShape('issue_comment', 'created'))).toEqual([]);
  });

  it('sends pull_request opened, synchronize and closed (merged) as the pull request moves', async () => {
    const actor = github.state.as(world.app);
    const first = github.state.repos.push(world.repo, 'ai/1-pets', actor);
    const { data: pull } = await world.bot.rest.pulls.create({
      ...WIDGETS,
      title: 'feat(#1): pets',
      head: 'ai/1-pets',
      base: 'main',
    });
    const second = github.state.repos.push(world.repo, 'ai/1-pets', github.state.as('alice'));
    await world.bot.rest.pulls.merge({ ...WIDGETS, pull_number: pull.number, sha: second });
    await github.webhooks.settled();
    expect(eventNames()).toEqual(['pull_request.opened', 'pull_request.synchronize', 'pull_request.closed']);
    const opened = payloadAt<PullRequestOpenedEvent>(0);
    const synchronize = payloadAt<PullRequestSynchronizeEvent>(1);
    const closed = payloadAt<PullRequestClosedEvent>(2);
    expect([synchronize.before, synchronize.after, synchronize.sender.login]).toEqual([
      first,
      second,
      'alice',
    ]);
    expect([closed.pull_request.merged, closed.pull_request.state]).toEqual([true, 'closed']);
    expect(missingKeys(opened, exampleShape('pull_request', 'opened'))).toEqual([]);
  });

  it('sends workflow_run requested, in_progress and completed when the harness runs a dispatch', async () => {
    github.state.actions.addWorkflow(world.repo, { path: '.github/workflows/ai-orchestrator.yml' });
    const run = github.state.actions.dispatch(
      world.repo,
      'ai-orchestrator.yml',
      github.state.as(world.app),
      'main',
      { stage: 'plan' },
    );
    github.state.actions.completeRun(world.repo, run.id, {
      conclusion: 'success',
      artifacts: { result: { 'result.json': '{}' } },
    });
    await github.webhooks.settled();
    expect(eventNames()).toEqual([
      'workflow_run.requested',
      'workflow_run.in_progress',
      'workflow_run.completed',
    ]);
    const completed = payloadAt<WorkflowRunCompletedEvent>(2);
    expect(completed.workflow_run).toMatchObject({ id: run.id, status: 'completed', conclusion: 'success' });
    expect(completed.sender.login).toBe('ai-orchestrator[bot]');
    expect(missingKeys(completed, exampleShape('workflow_run', 'completed'))).toEqual([]);
  });

  it('sends check_run created and completed only to subscribed apps', async () => {
    const sha = github.state.repos.branchSha(world.repo, 'main') as string;
    await world.bot.rest.checks.create({
      ...WIDGETS,
      name: 'ai-orchestrator/release-gate',
      head_sha: sha,
      conclusion: 'success',
    });
    await github.webhooks.settled();
    expect(eventNames()).toEqual(['check_run.created', 'check_run.completed']);
    world.app.events = ['issues'];
    await world.bot.rest.checks.create({ ...WIDGETS, name: 'again', head_sha: sha });
    await github.webhooks.settled();
    expect(received).toHaveLength(2);
  });
});

describe('deliveries driven by the test', () => {
  it('holds deliveries, sends them out of order, and redelivers with the same id and signature', async () => {
    github.webhooks.setAutoDeliver(false);
    const issue = github.state.issues.create(world.repo, github.state.as('alice'), { title: 'x' });
    github.state.comments.create(world.repo, issue.number, github.state.as('alice'), '/approve');
    const [opened, comment] = github.webhooks.held();
    expect([opened?.event, comment?.event]).toEqual(['issues', 'issue_comment']);
    await github.webhooks.deliver(comment!.id);
    await github.webhooks.deliver(opened!.id);
    await github.webhooks.redeliver(comment!.id);
    expect(eventNames()).toEqual(['issue_comment.created', 'issues.opened', 'issue_comment.created']);
    expect(received[2]!.headers['x-github-delivery']).toBe(received[0]!.headers['x-github-delivery']);
    expect(received[2]!.body).toBe(received[0]!.body);
    expect(github.webhooks.deliveries('issue_comment')[0]?.attempts.map((attempt) => attempt.status)).toEqual(
      [202, 202],
    );
  });

  it('sends arbitrary payloads as given, signed or deliberately not', async () => {
    const raw = '{"action":"created",  "comment": {"body": "ümlaut 🐈"}}';
    const sent = await github.webhooks.send({ event: 'issue_comment', payload: raw });
    expect(received[0]!.body).toBe(raw);
    expect(await verify(SECRET, raw, String(received[0]!.headers['x-hub-signature-256']))).toBe(true);
    await github.webhooks.send({ event: 'issue_comment', payload: raw, id: sent.id, secret: 'wrong' });
    expect(await verify(SECRET, raw, String(received[1]!.headers['x-hub-signature-256']))).toBe(false);
    await github.webhooks.send({ event: 'ping', payload: {}, headers: { 'x-hub-signature-256': null } });
    expect(received[2]!.headers['x-hub-signature-256']).toBeUndefined();
  });

  it('records a receiver that does not answer as a failed delivery', async () => {
    const delivery = await github.webhooks.send({
      event: 'ping',
      payload: {},
      url: 'http://127.0.0.1:9/unreachable',
    });
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts[0]?.error).toBeDefined();
  });
});

describe('a real Probot app against the testbed', () => {
  it('receives a signed delivery, mints an installation token with its JWT and comments back', async () => {
    github.webhooks.setAutoDeliver(false);
    const probot = new Probot({
      appId: world.app.id,
      privateKey: world.app.privateKeyPem,
      secret: SECRET,
      baseUrl: github.url,
      logLevel: 'fatal',
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    const handled: string[] = [];
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on('issues.labeled', async (context) => {
          handled.push(context.payload.label?.name ?? '');
          await context.octokit.rest.issues.createComment(context.issue({ body: 'On it.' }));
        });
      },
      { probot },
    );
    const appServer = createServer((request, response) => {
      void middleware(request, response, () => response.writeHead(404).end());
    });
    await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    try {
      github.state.apps.setWebhook(
        world.app,
        `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/api/github/webhooks`,
        SECRET,
      );
      const issue = github.state.issues.create(world.repo, github.state.as('alice'), { title: 'Pets' });
      github.state.issues.addLabels(world.repo, issue.number, github.state.as('alice'), ['ai:implement']);
      const delivered = await github.webhooks.deliverHeld();
      expect(delivered.map((delivery) => [delivery.event, delivery.state])).toEqual([
        ['issues', 'delivered'],
        ['issues', 'delivered'],
      ]);
      expect(handled).toEqual(['ai:implement']);
      expect(
        github.state.comments
          .list(world.repo, issue.number)
          .map((comment) => [comment.user.login, comment.body]),
      ).toEqual([['ai-orchestrator[bot]', 'On it.']]);
      expect(github.requests.filter('apps/create-installation-access-token')).toHaveLength(1);
    } finally {
      appServer.closeAllConnections();
      await new Promise((resolve) => appServer.close(resolve));
    }
  });
});
