import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { retry } from '@octokit/plugin-retry';
import { Octokit } from '@octokit/rest';
import {
  primaryRateLimit,
  secondaryRateLimit,
  serverErrorAfterWrite,
  startGitHub,
} from '../../testbed/github/index.js';
import type { GitHubTestbed } from '../../testbed/github/index.js';
import { buildWorld, client, quietLog, rejection, WIDGETS } from './world.js';
import type { World } from './world.js';

let github: GitHubTestbed;
let world: World;

beforeAll(async () => {
  github = await startGitHub({ autoDeliver: false });
});
afterAll(async () => {
  await github.close();
});
beforeEach(() => {
  world = buildWorld(github);
});

describe('fault injection', () => {
  it('answers a primary rate limit with GitHub headers, once, storing nothing', async () => {
    const issue = github.state.issues.create(world.repo, github.state.as('alice'), { title: 'x' });
    const resetAt = new Date(Date.now() + 120_000);
    github.inject({ route: 'issues/create-comment', ...primaryRateLimit({ resetAt }) });
    const limited = await rejection(() =>
      world.bot.rest.issues.createComment({ ...WIDGETS, issue_number: issue.number, body: 'hi' }),
    );
    expect(limited.status).toBe(403);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.headers['x-ratelimit-reset']).toBe(String(Math.ceil(resetAt.getTime() / 1000)));
    expect(limited.data.message).toBe('API rate limit exceeded for installation.');
    expect(github.state.comments.list(world.repo, issue.number)).toHaveLength(0);
    await world.bot.rest.issues.createComment({ ...WIDGETS, issue_number: issue.number, body: 'hi' });
    expect(github.state.comments.list(world.repo, issue.number)).toHaveLength(1);
    expect(github.requests.filter('issues/create-comment').map((r) => [r.status, r.faulted])).toEqual([
      [403, true],
      [201, false],
    ]);
  });

  it('answers a secondary rate limit with retry-after, matched by method and path template', async () => {
    github.inject({
      route: 'POST /repos/{owner}/{repo}/issues',
      times: 2,
      ...secondaryRateLimit({ retryAfterSeconds: 60, status: 429 }),
    });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const limited = await rejection(() => world.bot.rest.issues.create({ ...WIDGETS, title: 'x' }));
      expect([limited.status, limited.headers['retry-after']]).toEqual([429, '60']);
      expect(String(limited.data.message)).toContain('secondary rate limit');
    }
    expect((await world.bot.rest.issues.create({ ...WIDGETS, title: 'x' })).status).toBe(201);
  });

  it('stores the write before a 502, so a retrying client creates a duplicate (checklist 38)', async () => {
    const issue = github.state.issues.create(world.repo, github.state.as('alice'), { title: 'x' });
    github.inject({ route: 'issues/create-comment', ...serverErrorAfterWrite(502) });
    const RetryingOctokit = Octokit.plugin(retry);
    const token = github.state.apps.createInstallationToken(world.installation.id).token;
    const retrying = new RetryingOctokit({
      baseUrl: github.url,
      auth: token,
      log: quietLog,
      retry: { retryAfterBaseValue: 1 },
    });
    await retrying.rest.issues.createComment({ ...WIDGETS, issue_number: issue.number, body: 'status' });
    expect(github.requests.filter('issues/create-comment').map((r) => r.status)).toEqual([502, 201]);
    expect(github.state.comments.list(world.repo, issue.number).map((c) => c.body)).toEqual([
      'status',
      'status',
    ]);
  });

  it('delays answers and can be cancelled', async () => {
    const slow = github.inject({ route: 'repos/get', delayMs: 120, times: Infinity });
    const started = performance.now();
    await world.bot.rest.repos.get(WIDGETS);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(slow.fired).toBe(1);
    slow.cancel();
    await world.bot.rest.repos.get(WIDGETS);
    expect(slow.fired).toBe(1);
  });

  it('produces network failures: reset, hang and a truncated body, the write stored when asked', async () => {
    github.inject({ route: 'repos/get', network: 'reset' });
    const reset = await rejection(() => world.bot.rest.repos.get(WIDGETS));
    expect(reset.status).toBe(500);
    github.inject({ route: 'repos/get', network: 'hang' });
    const hung = await rejection(() =>
      world.bot.rest.repos.get({ ...WIDGETS, request: { signal: AbortSignal.timeout(150) } }),
    );
    expect(hung.status).toBe(500);
    const issue = github.state.issues.create(world.repo, github.state.as('alice'), { title: 'x' });
    github.inject({ route: 'issues/create-comment', network: 'truncate', when: 'after' });
    await expect(
      world.bot.rest.issues.createComment({ ...WIDGETS, issue_number: issue.number, body: 'once' }),
    ).rejects.toThrow();
    expect(github.state.comments.list(world.repo, issue.number).map((c) => c.body)).toEqual(['once']);
    expect(github.requests.all().map((r) => [r.operationId, r.status])).toEqual([
      ['repos/get', 0],
      ['repos/get', 0],
      ['issues/create-comment', 201],
    ]);
  });

  it('forgets faults on reset', async () => {
    github.inject({ status: 500 });
    world = buildWorld(github);
    expect((await world.bot.rest.repos.get(WIDGETS)).status).toBe(200);
  });
});

describe('request log and rate limits', () => {
  it('records operation, query, body, status and the installation behind the token', async () => {
    const issue = github.state.issues.create(world.repo, github.state.as('alice'), { title: 'x' });
    await world.bot.rest.issues.createComment({ ...WIDGETS, issue_number: issue.number, body: 'hello' });
    await world.bot.rest.issues.listComments({ ...WIDGETS, issue_number: issue.number, per_page: 5 });
    const [create, list] = github.requests.all();
    expect(create).toMatchObject({
      method: 'POST',
      path: `/repos/acme/widgets/issues/${issue.number}/comments`,
      operationId: 'issues/create-comment',
      body: { body: 'hello' },
      status: 201,
      auth: { kind: 'installation', installationId: world.installation.id, login: 'ai-orchestrator[bot]' },
    });
    expect(list?.query).toEqual({ per_page: '5' });
    expect(github.requests.writes()).toHaveLength(1);
  });

  it('counts requests per credential and refuses past the limit with GitHub headers', async () => {
    const limited = await startGitHub({ autoDeliver: false, rateLimit: 2 });
    try {
      const small = buildWorld(limited);
      const first = await small.bot.rest.repos.get(WIDGETS);
      expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual([
        '2',
        '1',
      ]);
      await small.bot.rest.repos.get(WIDGETS);
      const refused = await rejection(() => small.bot.rest.repos.get(WIDGETS));
      expect([refused.status, refused.headers['x-ratelimit-remaining']]).toEqual([403, '0']);
      expect((await small.alice.rest.repos.get(WIDGETS)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('expires installation tokens after an hour on the testbed clock', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const clocked = await startGitHub({ autoDeliver: false, clock: () => now });
    try {
      const small = buildWorld(clocked);
      expect((await small.bot.rest.repos.get(WIDGETS)).status).toBe(200);
      now = new Date('2026-01-01T01:00:01Z');
      expect((await rejection(() => small.bot.rest.repos.get(WIDGETS))).status).toBe(401);
      const fresh = client(
        clocked.url,
        clocked.state.apps.createInstallationToken(small.installation.id).token,
      );
      expect((await fresh.rest.repos.get(WIDGETS)).status).toBe(200);
    } finally {
      await clocked.close();
    }
  });
});
