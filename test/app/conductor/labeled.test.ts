import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { auditCoverage, Scenario, startConductor, startWorld } from './harness.js';
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

/** The `issues.labeled` delivery that added `label` to `issue`. */
function labeledDelivery(scenario: Scenario, issue: number, label = 'ai:implement') {
  const found = world.github.webhooks.deliveries('issues').find((delivery) => {
    const payload = JSON.parse(delivery.body) as {
      action: string;
      issue: { number: number };
      label?: { name: string };
      repository: { full_name: string };
    };
    return (
      payload.action === 'labeled' &&
      payload.issue.number === issue &&
      payload.label?.name === label &&
      payload.repository.full_name === scenario.fullName
    );
  });
  if (found === undefined) throw new Error(`no labeled delivery for #${issue}`);
  return found;
}

describe('issues.labeled', () => {
  it('with the trigger label: exactly one valid dispatch, the planning label and one tracking comment', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();

    const dispatches = scenario.requests('actions/create-workflow-dispatch');
    expect(dispatches).toHaveLength(1);
    expect(dispatches[0]?.status).toBe(200);
    expect(dispatches[0]?.body).toMatchObject({ ref: 'main', return_run_details: true });
    const [run] = scenario.runs();
    const inputs = scenario.inputs(run!);
    expect(inputs).toMatchObject({ stage: 'plan', issue: String(issue), pr: '', story: '' });
    expect(Object.keys(inputs).sort()).toEqual(['context', 'issue', 'pr', 'run_key', 'stage', 'story']);
    expect(Object.values(inputs).every((value) => typeof value === 'string')).toBe(true);
    expect(JSON.parse(inputs.context!)).toEqual({});

    expect(scenario.labels(issue)).toEqual(['ai:implement', 'ai:planning']);
    const comments = scenario.comments(issue);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.login).toBe('ai-orchestrator[bot]');
    expect(comments[0]?.body).toContain(`## AI orchestrator: #${issue}`);
    expect(comments[0]?.body).toContain('**State:** planning');

    const item = await scenario.item(issue);
    expect(item?.state).toBe('planning');
    const [dispatch] = await world.store.dispatches.listForItem(item!.id);
    expect(dispatch).toMatchObject({
      runKey: inputs.run_key,
      stage: 'plan',
      runId: run!.id,
      status: 'dispatched',
    });
    for (const row of await auditCoverage(scenario)) expect(row.audited).toBe(row.accepted);
  });

  it('the same delivery again, or the same event under a new delivery id, changes nothing', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();
    const writes = world.github.requests.writes().length;
    const delivery = labeledDelivery(scenario, issue);

    await running.receive(delivery.id);
    await running.probot.receive({
      id: 'another-delivery-id',
      name: 'issues',
      payload: JSON.parse(delivery.body),
    } as EmitterWebhookEvent);
    await Promise.all([running.receive(delivery.id), running.receive(delivery.id)]);

    expect(world.github.requests.writes().length).toBe(writes);
    expect(scenario.runs()).toHaveLength(1);
    expect(scenario.comments(issue)).toHaveLength(1);
    expect((await scenario.item(issue))?.version).toBeGreaterThan(1);
  });

  it('another label, and the labels the app sets itself, start nothing and call no API', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    const before = world.github.requests.all().length;
    scenario.label(issue, 'ai:planning');
    scenario.label(issue, 'ai-generated');
    await running.pump();
    expect(world.github.requests.all().length).toBe(before);
    scenario.label(issue, 'bug');
    await running.pump();
    expect(scenario.runs()).toHaveLength(0);
    expect(await scenario.item(issue)).toBeNull();
  });

  it('reads the configuration from the default branch only, never from another ref', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'trigger:\n  label: "ai:go"\n' },
    });
    // A branch (as a pull request would have) that tries to change the trigger back.
    world.github.state.repos.commitFiles(scenario.repo, 'feature', world.github.state.as('mallory'), {
      '.github/ai-orchestrator.yml': 'trigger:\n  label: "ai:implement"\n',
    });
    const issue = scenario.openIssue();
    scenario.label(issue, 'ai:implement');
    await running.pump();
    expect(scenario.runs()).toHaveLength(0);
    scenario.label(issue, 'ai:go');
    await running.pump();
    expect(scenario.runs()).toHaveLength(1);
    const reads = scenario.requests('repos/get-content');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((request) => request.query.ref === undefined)).toBe(true);
  });

  it('an invalid configuration gets one comment naming every bad field, and no work', async () => {
    const scenario = new Scenario(world, {
      files: {
        '.github/ai-orchestrator.yml':
          'implement:\n  fix_attempts: many\n  fix_atempts: 1\nreview:\n  revision_rounds: 12\n',
      },
    });
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();
    scenario.label(issue, 'ai:planning', 'bob');
    const other = scenario.openIssue('Another');
    scenario.label(other);
    await running.pump();

    expect(scenario.runs()).toHaveLength(0);
    expect(await scenario.item(issue)).toBeNull();
    const comments = scenario.comments(issue);
    expect(comments).toHaveLength(1);
    for (const field of ['implement.fix_attempts', 'implement.fix_atempts', 'review.revision_rounds']) {
      expect(comments[0]?.body).toContain(field);
    }
  });
});
