import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { approvePlan, planned, queued } from './flows.js';
import { Scenario, startConductor, startWorld } from './harness.js';
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

/** A labelled issue whose plan run is queued. */
async function planning(scenario: Scenario): Promise<number> {
  const issue = scenario.openIssue();
  scenario.label(issue);
  await running.pump();
  return issue;
}

function runUrl(scenario: Scenario, runId: number): string {
  return `${world.github.url}/${scenario.fullName}/actions/runs/${runId}`;
}

describe('workflow_run.completed', () => {
  it('a run that ended without a result artifact fails the item, with the run link', async () => {
    const scenario = new Scenario(world);
    const issue = await planning(scenario);
    const run = queued(scenario, 'plan');
    scenario.complete(run, undefined, 'success');
    await running.pump();
    const item = (await scenario.item(issue))!;
    expect(item.state).toBe('failed');
    expect(scenario.labels(issue)).toContain('ai:failed');
    const failure = scenario.comments(issue).find((comment) => comment.body.includes('failed in'))!;
    expect(failure.body).toContain('no "ai-orchestrator-result" artifact');
    expect(failure.body).toContain(`](${runUrl(scenario, run.id)})`);
    const [dispatch] = await world.store.dispatches.listForItem(item.id);
    expect(dispatch).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('an invalid result document, or one for another run, fails the item naming what is wrong', async () => {
    const scenario = new Scenario(world);
    const issue = await planning(scenario);
    const run = queued(scenario, 'plan');
    scenario.complete(run, { ...scenario.planResult(run, [{ id: 'A' }]), run_key: 'plan-1-forged' });
    await running.pump();
    expect((await scenario.item(issue))?.state).toBe('failed');
    expect(scenario.comments(issue).at(-1)?.body).toContain('it names run_key "plan-1-forged"');

    scenario.comment(issue, '/retry', 'alice');
    await running.pump();
    const again = queued(scenario, 'plan');
    expect(JSON.parse(scenario.inputs(again).context!).reason).toContain('plan-1-forged');
    scenario.complete(again, {
      ...scenario.planResult(again, [{ id: 'A' }]),
      stage: 'plan',
      outcome: { status: 'succeeded' },
    });
    await running.pump();
    expect((await scenario.item(issue))?.state).toBe('failed');
    expect(scenario.comments(issue).at(-1)?.body).toContain('invalid result document');
    const lessons = await world.store.lessons.list(scenario.fullName, 5);
    expect(lessons.map((lesson) => lesson.source)).toEqual(['failure', 'retry', 'failure']);
  });

  it('a run that claims success but failed is not believed', async () => {
    const scenario = new Scenario(world);
    const issue = await planning(scenario);
    const run = queued(scenario, 'plan');
    scenario.complete(run, scenario.planResult(run, [{ id: 'A' }]), 'failure');
    await running.pump();
    expect((await scenario.item(issue))?.state).toBe('failed');
    expect(scenario.comments(issue).at(-1)?.body).toContain(
      'concluded failure, although its result says it succeeded',
    );
  });

  it('a late or duplicate result changes nothing, and its usage is booked once', async () => {
    const scenario = new Scenario(world);
    const issue = await planning(scenario);
    const run = queued(scenario, 'plan');
    scenario.complete(run, scenario.planResult(run, [{ id: 'A' }]));
    await running.pump();
    const item = (await scenario.item(issue))!;
    expect(item.state).toBe('awaiting_plan_approval');
    const completed = world.github.webhooks
      .deliveries('workflow_run')
      .filter((delivery) => delivery.action === 'completed')
      .at(-1)!;
    await running.receive(completed.id);
    await running.probot.receive({
      id: 'redelivered-run',
      name: 'workflow_run',
      payload: JSON.parse(completed.body),
    } as never);
    const again = (await scenario.item(issue))!;
    expect(again.version).toBe(item.version);
    expect(scenario.comments(issue).filter((comment) => comment.body.startsWith('### Plan'))).toHaveLength(1);
    const totals = await world.store.usage.totalsForItem(item.id);
    expect(totals).toMatchObject({ entries: 1, costUsd: 0.25, tokensIn: 1000 });
  });

  it('questions pause the stage; /clarify resumes it with the questions and the answer', async () => {
    const scenario = new Scenario(world);
    const issue = await planning(scenario);
    const run = queued(scenario, 'plan');
    scenario.complete(run, {
      ...scenario.base(run),
      stage: 'plan',
      outcome: { status: 'needs_clarification', questions: ['Cats too, or only dogs? @everyone'] },
    });
    await running.pump();
    expect((await scenario.item(issue))?.state).toBe('awaiting_clarification');
    expect(scenario.labels(issue)).toContain('ai:needs-clarification');
    const asked = scenario.comments(issue).at(-1)!.body;
    expect(asked).toContain('Cats too, or only dogs?');
    expect(asked).not.toMatch(/@everyone/);
    scenario.comment(issue, '/clarify Cats and dogs.', 'alice');
    await running.pump();
    const resumed = queued(scenario, 'plan');
    expect(JSON.parse(scenario.inputs(resumed).context!)).toEqual({
      questions: ['Cats too, or only dogs? @everyone'],
      answer: 'Cats and dogs.',
    });
  });

  it('a plan with more stories than the policy allows fails the plan and says why', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'plan:\n  max_stories: 2\n' },
    });
    const issue = await planning(scenario);
    const run = queued(scenario, 'plan');
    scenario.complete(run, scenario.planResult(run, [{ id: 'A' }, { id: 'B' }, { id: 'C' }]));
    await running.pump();
    expect((await scenario.item(issue))?.state).toBe('failed');
    expect(scenario.comments(issue).at(-1)?.body).toContain(
      'the plan has 3 stories; the policy allows at most 2',
    );
  });

  it('passes the repository lessons to later dispatches (at most lessons.max)', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'lessons:\n  max: 2\n' },
    });
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    scenario.comment(epic, '/reject Keep stories under 3 points', 'alice');
    await running.pump();
    const replan = queued(scenario, 'plan');
    expect(JSON.parse(scenario.inputs(replan).context!)).toEqual({
      reason: 'Keep stories under 3 points',
      lessons: ['A plan was rejected by a human because: Keep stories under 3 points'],
    });
    scenario.complete(replan, scenario.planResult(replan, [{ id: 'A', estimate: 2 }]));
    await running.pump();
    await approvePlan(scenario, step, epic);
    const implement = queued(scenario, 'implement', 'A');
    const lessons = JSON.parse(scenario.inputs(implement).context!).lessons as string[];
    expect(lessons).toHaveLength(2);
    expect(lessons[0]).toContain('approved once it addressed the earlier rejection');
  });

  it('a run someone dispatched by hand with a copied run key delivers no result', async () => {
    const scenario = new Scenario(world);
    const issue = await planning(scenario);
    const ours = queued(scenario, 'plan');
    const { state } = world.github;
    const forged = state.actions.dispatch(
      scenario.repo,
      'ai-orchestrator.yml',
      state.as('alice'),
      'main',
      scenario.inputs(ours),
    );
    scenario.complete(forged, scenario.planResult(forged, [{ id: 'EVIL' }]));
    const completed = world.github.webhooks
      .held()
      .filter((delivery) => delivery.event === 'workflow_run')
      .at(-1)!;
    const payload = JSON.parse(completed.body) as { workflow_run: { display_title: string } };
    payload.workflow_run.display_title = `ai-orchestrator plan ${scenario.inputs(ours).run_key}`;
    running.drop(() => true);
    await running.probot.receive({ id: completed.id, name: 'workflow_run', payload } as never);
    expect((await scenario.item(issue))?.state).toBe('planning');
    expect(scenario.comments(issue).some((comment) => comment.body.includes('EVIL'))).toBe(false);
  });
});
