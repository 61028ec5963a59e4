import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { approvePlan, implementing, planned, queued } from './flows.js';
import { auditCoverage, Scenario, startConductor, startWorld } from './harness.js';
import type { Running, World } from './harness.js';

let world: World;
let running: Running;
const step = async () => running;

beforeAll(async () => {
  world = await startWorld();
  running = await startConductor(world);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('/pause and /resume', () => {
  it('/pause stops every dispatch and write until /resume, which carries out what waited', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }, { id: 'B' }]);
    const control = scenario.openIssue('Operations');
    scenario.comment(control, '/pause', 'ops');
    await running.pump();
    expect(scenario.comments(control).at(-1)?.body).toContain('Paused');
    // The actions can't read the app's store: the repository label is their signal.
    expect(scenario.repo.labels.has('ai:paused')).toBe(true);
    const writes = world.github.requests.writes().length;

    // While paused: a new labelled issue, a plan approval and a finished run all wait.
    const issue = scenario.openIssue('Second feature');
    scenario.label(issue);
    scenario.comment(epic, '/approve', 'alice');
    await running.pump();
    expect(world.github.requests.writes().length).toBe(writes);
    expect(scenario.queuedRuns()).toHaveLength(0);
    expect((await scenario.item(issue))?.state).toBe('planning');
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');

    // /status still answers, and a person's /approve given while paused is not acted on later.
    scenario.comment(control, '/status', 'mallory');
    await running.pump();
    expect(scenario.comments(control).at(-1)?.body).toContain('**paused**');

    scenario.comment(control, '/resume', 'ops');
    await running.pump();
    expect(scenario.comments(control).at(-1)?.body).toContain('Resumed');
    expect(scenario.repo.labels.has('ai:paused')).toBe(false);
    expect(scenario.queuedRuns().map((run) => scenario.inputs(run).stage)).toEqual(['plan']);
    expect(scenario.labels(issue)).toContain('ai:planning');
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');

    await approvePlan(scenario, step, epic);
    expect(implementing(scenario)).toEqual(['A', 'B']);

    const audit = await scenario.audit();
    expect(audit.filter((entry) => entry.action === 'repository.pause')).toEqual([
      expect.objectContaining({ actor: 'ops' }),
    ]);
    expect(audit.filter((entry) => entry.action === 'repository.resume')).toEqual([
      expect.objectContaining({ actor: 'ops' }),
    ]);
    const refused = audit.filter((entry) => entry.detail.outcome === 'failed');
    expect(refused).toEqual([]);
    for (const row of await auditCoverage(scenario)) expect(row.audited).toBe(row.accepted);
  });

  it('a finished run while paused is recorded, and its effects wait for /resume', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();
    scenario.comment(issue, '/pause', 'ops');
    await running.pump();
    const run = queued(scenario, 'plan');
    scenario.complete(run, scenario.planResult(run, [{ id: 'A' }]));
    await running.pump();
    expect((await scenario.item(issue))?.state).toBe('awaiting_plan_approval');
    expect(scenario.comments(issue).some((comment) => comment.body.startsWith('### Plan'))).toBe(false);
    scenario.comment(issue, '/resume', 'ops');
    await running.pump();
    expect(scenario.comments(issue).filter((comment) => comment.body.startsWith('### Plan'))).toHaveLength(1);
    expect(scenario.labels(issue)).toContain('ai:awaiting-approval');
  });

  it('needs maintain or admin: a writer is refused and nothing pauses', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    scenario.comment(issue, '/pause', 'alice');
    await running.pump();
    expect(scenario.comments(issue).at(-1)?.body).toContain(
      'has write permission; /pause needs maintain or higher',
    );
    expect(await world.store.repositories.isPaused(scenario.fullName)).toBe(false);
  });
});
