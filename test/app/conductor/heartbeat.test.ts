import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { approvePlan, implemented, planned, queued, reviewed } from './flows.js';
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

/** A conductor whose clock runs `minutes` ahead (the store's own timestamps stay real). */
async function later(minutes: number): Promise<Running> {
  return startConductor(world, { now: () => new Date(Date.now() + minutes * 60_000) });
}

/** A story whose pull request waits for `/approve`, gate green. */
async function awaitingMerge(scenario: Scenario): Promise<{ epic: number; pr: number }> {
  const epic = await planned(scenario, step, [{ id: 'A' }]);
  await approvePlan(scenario, step, epic);
  const pr = await implemented(scenario, step, 'A');
  await reviewed(scenario, step, 'A');
  return { epic, pr };
}

describe('the heartbeat', () => {
  it('dispatches a run that never started once more, then fails it with a comment', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'retries:\n  dispatch: 1\n' },
    });
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();
    const [first] = scenario.runs();

    const early = await (await later(5)).conductor.beat();
    expect(early.redispatched).toEqual([]);
    expect(scenario.runs()).toHaveLength(1);

    const beat = await (await later(20)).conductor.beat();
    const runKey = scenario.inputs(first!).run_key!;
    expect(beat.redispatched).toEqual([runKey]);
    const runs = scenario.runs();
    expect(runs).toHaveLength(2);
    expect(scenario.inputs(runs[1]!)).toEqual(scenario.inputs(first!));
    const item = (await scenario.item(issue))!;
    expect(await world.store.dispatches.get(runKey)).toMatchObject({
      attempts: 2,
      runId: runs[1]!.id,
      status: 'dispatched',
    });

    const last = await (await later(40)).conductor.beat();
    expect(last.failed).toEqual([runKey]);
    expect(scenario.runs()).toHaveLength(2);
    expect((await world.store.workItems.get(item.id))?.state).toBe('failed');
    expect(scenario.labels(issue)).toContain('ai:failed');
    expect(scenario.comments(issue).at(-1)?.body).toContain('never started: it was dispatched 2 times');
    expect(await world.store.dispatches.get(runKey)).toMatchObject({
      status: 'completed',
      conclusion: 'never_started',
    });
  });

  it('takes in a run GitHub finished whose webhooks were lost', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();
    const run = queued(scenario, 'plan');
    scenario.complete(run, scenario.planResult(run, [{ id: 'A' }]));
    expect(running.drop((delivery) => delivery.event === 'workflow_run')).toBeGreaterThan(0);
    await running.pump();
    expect((await scenario.item(issue))?.state).toBe('planning');

    const beat = await (await later(20)).conductor.beat();
    expect(beat.ingested).toHaveLength(1);
    expect((await scenario.item(issue))?.state).toBe('awaiting_plan_approval');
    expect(scenario.comments(issue).filter((comment) => comment.body.startsWith('### Plan'))).toHaveLength(1);
  });

  it('fails a run stuck past run_stuck_minutes, with the run link', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'heartbeat:\n  run_stuck_minutes: 30\n' },
    });
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();
    const run = queued(scenario, 'plan');
    world.github.state.actions.startRun(scenario.repo, run.id);
    await running.pump();
    const beat = await (await later(45)).conductor.beat();
    expect(beat.failed).toHaveLength(1);
    expect((await scenario.item(issue))?.state).toBe('failed');
    expect(scenario.comments(issue).at(-1)?.body).toContain('has been running for more than 30 minutes');
    expect(scenario.comments(issue).at(-1)?.body).toContain(`/actions/runs/${run.id})`);
  });

  it('reminds once of a pull request waiting for /approve too long, and never merges', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'heartbeat:\n  merge_reminder_hours: 2\n' },
    });
    const { pr } = await awaitingMerge(scenario);
    expect((await (await later(60)).conductor.beat()).reminded).toEqual([]);
    const first = await (await later(3 * 60)).conductor.beat();
    expect(first.reminded).toEqual([pr]);
    await (await later(4 * 60)).conductor.beat();
    const reminders = scenario
      .comments(pr)
      .filter((comment) => comment.body.includes('has waited more than 2 hours'));
    expect(reminders).toHaveLength(1);
    expect(scenario.requests('pulls/merge')).toHaveLength(0);
    expect(scenario.mergedPulls()).toEqual([]);
  });

  it('leaves a merge that a crash left queued for the next human action', async () => {
    const scenario = new Scenario(world);
    const { pr } = await awaitingMerge(scenario);
    const fault = world.github.inject({ route: 'pulls/merge', status: 500, times: Infinity });
    scenario.comment(pr, '/approve', 'bob');
    await expect(running.pump()).rejects.toThrow();
    fault.cancel();
    const attempts = scenario.requests('pulls/merge').length;
    expect(scenario.mergedPulls()).toEqual([]);

    const beat = await (await later(20)).conductor.beat();
    expect(beat.drained).toEqual([]);
    expect(scenario.requests('pulls/merge')).toHaveLength(attempts);
    expect(scenario.mergedPulls()).toEqual([]);

    scenario.comment(pr, '/status', 'bob');
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([pr]);
  });

  it('notes failing CI on an AI pull request once per check and head, and ignores its own checks', async () => {
    const scenario = new Scenario(world);
    const { pr } = await awaitingMerge(scenario);
    const { state } = world.github;
    const ci = state.apps.createApp({ slug: `ci-${scenario.fullName.split('-')[1]}` });
    state.apps.install(ci, 'acme');
    const head = state.pulls.get(scenario.repo, pr).pull.headSha;
    const before = scenario.comments(pr).length;
    state.checks.createRun(scenario.repo, ci, state.as(ci), head, {
      name: 'unit tests',
      status: 'completed',
      conclusion: 'failure',
    });
    state.checks.createRun(scenario.repo, ci, state.as(ci), head, {
      name: 'unit tests',
      status: 'completed',
      conclusion: 'failure',
    });
    state.checks.createRun(scenario.repo, world.app, state.as(world.app), head, {
      name: 'ai-orchestrator/review: security',
      status: 'completed',
      conclusion: 'failure',
    });
    await running.pump();
    const notes = scenario.comments(pr).slice(before);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain('CI is failing on');
    expect(notes[0]?.body).toContain('`unit tests`');
  });

  it('skips a paused repository', async () => {
    const scenario = new Scenario(world);
    const issue = scenario.openIssue();
    scenario.label(issue);
    await running.pump();
    scenario.comment(issue, '/pause', 'ops');
    await running.pump();
    const beat = await (await later(30)).conductor.beat();
    expect(beat.skipped).toContainEqual({ repository: scenario.fullName, why: 'paused' });
    expect(scenario.runs()).toHaveLength(1);
  });
});
