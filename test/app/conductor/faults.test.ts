import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  primaryRateLimit,
  secondaryRateLimit,
  serverErrorAfterWrite,
} from '../../../testbed/github/index.js';
import { documentOf } from '../../../app/conductor/document.js';
import { Scenario, startConductor, startWorld } from './harness.js';
import type { Running, World } from './harness.js';

let world: World;
let running: Running;

beforeAll(async () => {
  world = await startWorld();
  running = await startConductor(world);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

/** The `issues.labeled` delivery just made (held, not yet delivered). */
function lastHeld() {
  return world.github.webhooks.held().at(-1)!;
}

describe('GitHub faults', () => {
  it('a 502 on create-comment that GitHub stored anyway leaves exactly one comment', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    world.github.inject({ route: 'issues/create-comment', ...serverErrorAfterWrite(502) });
    scenario.label(issue);
    await running.pump();
    const posts = scenario.requests('issues/create-comment');
    expect(posts.map((request) => request.status)).toEqual([502]);
    expect(scenario.comments(issue)).toHaveLength(1);
    expect(scenario.runs()).toHaveLength(1);
  });

  it('a 5xx before the write is retried a bounded number of times, and the comment is posted once', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    world.github.inject({ route: 'issues/create-comment', status: 503, times: 2 });
    scenario.label(issue);
    await running.pump();
    expect(scenario.requests('issues/create-comment').map((request) => request.status)).toEqual([
      503, 503, 201,
    ]);
    expect(scenario.comments(issue)).toHaveLength(1);
  });

  it('a dropped connection on the dispatch is retried, and one run starts', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    world.github.inject({ route: 'actions/create-workflow-dispatch', network: 'reset' });
    scenario.label(issue);
    await running.pump();
    expect(scenario.runs()).toHaveLength(1);
    const item = (await scenario.item(issue))!;
    const [dispatch] = await world.store.dispatches.listForItem(item.id);
    expect(dispatch?.runId).toBe(scenario.runs()[0]?.id);
  });

  it('a primary rate limit with a reset time is waited out, then the request goes through', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    world.rateLimitDecisions.length = 0;
    world.github.inject({
      route: 'issues/add-labels',
      ...primaryRateLimit({ resetAt: new Date(Date.now() + 2_000) }),
    });
    scenario.label(issue);
    await running.pump();
    const attempts = scenario.requests('issues/add-labels');
    expect(attempts.map((request) => request.status)).toEqual([403, 200]);
    expect(world.rateLimitDecisions).toEqual([
      expect.objectContaining({ kind: 'primary', retry: true, retryCount: 0 }),
    ]);
    // Waited until the reset (plus a second), scaled: one second of retry-after is 20 ms in these tests.
    const waited = attempts[1]!.at.getTime() - attempts[0]!.at.getTime();
    const retryAfter = world.rateLimitDecisions[0]!.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThanOrEqual(2);
    expect(waited).toBeGreaterThanOrEqual(retryAfter * 20 - 5);
    expect(scenario.labels(issue)).toContain('ai:planning');
  });

  it('a rate limit that does not lift gives up after the bounded retries, and the work waits in the outbox', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    world.rateLimitDecisions.length = 0;
    const fault = world.github.inject({
      route: 'issues/add-labels',
      times: Infinity,
      ...secondaryRateLimit({ retryAfterSeconds: 1 }),
    });
    scenario.label(issue);
    await expect(running.pump()).rejects.toThrow(/secondary rate limit/);
    fault.cancel();
    expect(scenario.requests('issues/add-labels')).toHaveLength(3);
    expect(world.rateLimitDecisions.map((decision) => decision.retry)).toEqual([true, true, false]);
    expect(scenario.runs()).toHaveLength(0);
    const item = (await scenario.item(issue))!;
    expect(documentOf(item).outbox[0]).toMatchObject({ effect: { type: 'set_label' }, failures: 1 });

    // The same delivery again (GitHub's redelivery) finishes the work, without repeating what was done.
    await running.receive(lastHeldLabeled(scenario, issue));
    expect(scenario.labels(issue)).toContain('ai:planning');
    expect(scenario.runs()).toHaveLength(1);
    expect(scenario.comments(issue)).toHaveLength(1);
  });

  it('a crash in the middle of a handler, then the redelivery: the work completes without repeating the first writes', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    const fault = world.github.inject({ route: 'issues/create-comment', status: 500, times: Infinity });
    scenario.label(issue);
    const delivery = lastHeld();
    await expect(running.pump()).rejects.toThrow();
    fault.cancel();
    expect(scenario.requests('issues/add-labels')).toHaveLength(1);
    expect(scenario.runs()).toHaveLength(1);
    expect(scenario.comments(issue)).toHaveLength(0);
    // Restarted, and the same delivery redelivered.
    running = await startConductor(world);
    await running.receive(delivery.id);
    expect(scenario.requests('issues/add-labels')).toHaveLength(1);
    expect(scenario.requests('actions/create-workflow-dispatch')).toHaveLength(1);
    expect(scenario.comments(issue)).toHaveLength(1);
  });
});

/** The id of the `issues.labeled` delivery of `issue` with the trigger label. */
function lastHeldLabeled(scenario: Scenario, issue: number): string {
  const delivery = world.github.webhooks
    .deliveries('issues')
    .filter((candidate) => {
      const payload = JSON.parse(candidate.body) as {
        action: string;
        issue: { number: number };
        repository: { full_name: string };
        label?: { name: string };
      };
      return (
        payload.action === 'labeled' &&
        payload.issue.number === issue &&
        payload.repository.full_name === scenario.fullName &&
        payload.label?.name === 'ai:implement'
      );
    })
    .at(-1);
  if (delivery === undefined) throw new Error('no labeled delivery');
  return delivery.id;
}
