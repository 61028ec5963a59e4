import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { approvePlan, deliver, implemented, implementing, planned, queued, reviewed } from './flows.js';
import type { Step } from './flows.js';
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

/** The plan of the acceptance test: A; B→A; C→A; D→B,C. */
const DIAMOND = [
  { id: 'A' },
  { id: 'B', depends_on: ['A'] },
  { id: 'C', depends_on: ['A'] },
  { id: 'D', depends_on: ['B', 'C'] },
];

/** The implement run of story C fails with a reason. */
async function failImplement(scenario: Scenario, step: Step, story: string): Promise<void> {
  const run = queued(scenario, 'implement', story);
  scenario.complete(run, {
    ...scenario.base(run),
    stage: 'implement',
    outcome: { status: 'failed', reason: 'tests kept failing' },
  });
  await (await step()).pump();
}

/**
 * The whole diamond: A alone, then B and C together, C fails and the epic gets stuck after B, `/retry C`
 * reruns only C, then D, then the epic is done. `step` may restart the app between events.
 */
async function diamond(scenario: Scenario, step: Step): Promise<void> {
  const epic = await planned(scenario, step, DIAMOND);
  await approvePlan(scenario, step, epic);
  expect(implementing(scenario)).toEqual(['A']);

  await deliver(scenario, step, 'A');
  expect(implementing(scenario)).toEqual(['B', 'C']);

  await failImplement(scenario, step, 'C');
  expect((await scenario.item(epic))?.state).toBe('implementing');
  await deliver(scenario, step, 'B');
  expect(implementing(scenario)).toEqual([]);
  const stuck = (await scenario.item(epic))!;
  expect(stuck.state).toBe('failed');
  expect(scenario.labels(epic)).toContain('ai:failed');

  const implementRuns = () =>
    scenario.runs().filter((run) => scenario.inputs(run).stage === 'implement').length;
  const before = implementRuns();
  scenario.comment(epic, '/retry C', 'alice');
  await (await step()).pump();
  expect(implementing(scenario)).toEqual(['C']);
  expect(implementRuns()).toBe(before + 1);
  const retried = queued(scenario, 'implement', 'C');
  expect(JSON.parse(scenario.inputs(retried).context!)).toMatchObject({ reason: 'tests kept failing' });
  expect((await scenario.item(epic))?.state).toBe('implementing');

  await deliver(scenario, step, 'C');
  expect(implementing(scenario)).toEqual(['D']);
  await deliver(scenario, step, 'D');
  expect((await scenario.item(epic))?.state).toBe('done');
  expect(scenario.mergedPulls()).toHaveLength(4);
  expect(scenario.requests('pulls/merge')).toHaveLength(4);
  expect(world.github.state.subIssues.list(scenario.repo, epic)).toHaveLength(4);
  const tracking = scenario.comments(epic).filter((comment) => comment.body.startsWith('## AI orchestrator'));
  expect(tracking).toHaveLength(1);
  for (const row of await auditCoverage(scenario)) expect(row.audited).toBe(row.accepted);
  const lessons = await world.store.lessons.list(scenario.fullName, 5);
  expect(lessons.map((lesson) => lesson.source)).toEqual(expect.arrayContaining(['failure', 'retry']));
}

describe('a plan A; B→A; C→A; D→B,C', () => {
  it('runs A, then B and C together, then D; a failed C is retried alone with /retry C', async () => {
    await diamond(new Scenario(world), async () => running);
  });

  it('goes the same way when the app restarts (a new Probot and conductor on the same store) between any two events', async () => {
    let restarts = 0;
    await diamond(new Scenario(world), async () => {
      restarts += 1;
      running = await startConductor(world);
      return running;
    });
    expect(restarts).toBeGreaterThan(15);
  });

  it('starts at most implement.max_parallel_stories stories at once', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'implement:\n  max_parallel_stories: 1\n' },
    });
    const step = async () => running;
    const epic = await planned(scenario, step, [{ id: 'A' }, { id: 'B' }, { id: 'C' }]);
    await approvePlan(scenario, step, epic);
    expect(implementing(scenario)).toEqual(['A']);
    await deliver(scenario, step, 'A');
    expect(implementing(scenario)).toEqual(['B']);
  });

  it('takes at most 40 GitHub API calls for one story, from the label to the merge (design §10)', async () => {
    const scenario = new Scenario(world);
    const step = async () => running;
    const start = world.github.requests.all().length;
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    await approvePlan(scenario, step, epic);
    const pr = await implemented(scenario, step, 'A');
    await reviewed(scenario, step, 'A');
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([pr]);
    const calls = world.github.requests
      .all()
      .slice(start)
      .filter((request) => request.auth.kind === 'installation');
    expect(calls.length).toBeLessThanOrEqual(40);
  });
});
