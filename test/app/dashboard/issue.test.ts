import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Conductor } from '../../../app/conductor/index.js';
import { pauseBox, pauseBoxState } from '../../../app/dashboard-issue/checkbox.js';
import { queued } from '../conductor/flows.js';
import { Scenario } from '../conductor/harness.js';
import { FAILURE_REASON, QUESTION, scriptedLifecycle } from './lifecycle.js';
import type { Lifecycle } from './lifecycle.js';
import { startAppWorld } from './world.js';
import type { AppWorld } from './world.js';

let world: AppWorld;
let life: Lifecycle;

beforeAll(async () => {
  world = await startAppWorld();
  life = await scriptedLifecycle(world);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function dashboardIssue(): Promise<number> {
  const record = await world.world.store.repositories.get(life.scenario.fullName);
  if (record?.dashboardIssue === null || record?.dashboardIssue === undefined)
    throw new Error('no dashboard issue');
  return record.dashboardIssue;
}

async function body(): Promise<string> {
  return world.world.github.state.issues.get(life.scenario.repo, await dashboardIssue()).body ?? '';
}

/** `login` ticks (or unticks) the box in the browser: GitHub rewrites the body and sends `issues.edited`. */
async function setBox(login: string, ticked: boolean): Promise<void> {
  const { state } = world.world.github;
  const current = await body();
  state.issues.update(life.scenario.repo, await dashboardIssue(), state.as(login), {
    body: current.replace(pauseBox(!ticked), pauseBox(ticked)),
  });
  await world.settle();
}

const paused = () => world.world.store.repositories.isPaused(life.scenario.fullName);

describe('the dashboard issue', () => {
  it('is opened once, by the app, and reflects the lifecycle', async () => {
    const { state } = world.world.github;
    const number = await dashboardIssue();
    const issue = state.issues.get(life.scenario.repo, number);
    expect(issue.title).toBe('AI orchestrator dashboard');
    expect(issue.user.login).toBe('ai-orchestrator[bot]');
    expect([...issue.labels]).toEqual(['ai-generated']);
    const dashboards = world.world.github.requests
      .all()
      .filter(
        (request) =>
          request.operationId === 'issues/create' &&
          (request.body as { title?: string }).title === 'AI orchestrator dashboard',
      );
    expect(dashboards).toHaveLength(1);

    const text = await body();
    expect(pauseBoxState(text)).toBe(false);
    // Waiting for a human: the plan approval, the question, the pull request ready for /approve.
    expect(text).toContain('### Waiting for a human (3)');
    expect(text).toContain(`pull request #${life.pr} is ready; \`/approve\` on it merges.`);
    expect(text).toContain(`#${life.hostile} &lt;img src\\=x`);
    expect(text).toContain(`#${life.asking} Export invoices: questions wait for`);
    expect(text).toContain(QUESTION);
    // At work: the epic, with its stage.
    expect(text).toContain(`| #${life.epic} Add pet insurance | implementing |  |`);
    // The failure, with its reason and run.
    expect(text).toContain(
      `#${life.failedStory} story \`B\` of #${life.epic}: Story B failed in [this run](${life.failedRunUrl})`,
    );
    expect(text).toContain('npm test failed: 3 tests failing in src/pets\\.test\\.js');
    // The lesson the failure taught, and what it all cost.
    expect(text).toMatch(/### Lessons\n\n1\. The implement stage of story B failed/);
    expect(text).toContain(`**Cost:** $${(life.runs * 0.25).toFixed(2)}`);
    // The hostile title pings nobody and adds no markup.
    expect(text).not.toContain('<img');
    expect(text).toContain('@&#8203;acme/admins');
    expect(FAILURE_REASON).toContain('pets.test.js');
  });

  it('undoes a tick by a read-only user, with a short reply, and stays unpaused', async () => {
    const before = await body();
    const comments = life.scenario.comments(await dashboardIssue()).length;
    await setBox('mallory', true);
    expect(await paused()).toBe(false);
    expect(pauseBoxState(await body())).toBe(false);
    expect(await body()).toBe(before);
    const replies = life.scenario.comments(await dashboardIssue()).slice(comments);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toEqual(
      expect.objectContaining({
        login: 'ai-orchestrator[bot]',
        body: expect.stringContaining(
          'Ticking the pause box was undone (it follows the same rules as `/pause`): @&#8203;mallory has read permission; /pause needs maintain or higher',
        ),
      }),
    );
    expect((await life.scenario.audit()).some((entry) => entry.action === 'repository.pause')).toBe(false);
  });

  it('pauses dispatching when an admin ticks it, and resumes it when they untick it', async () => {
    await setBox('ops', true);
    expect(await paused()).toBe(true);
    const ticked = await body();
    expect(pauseBoxState(ticked)).toBe(true);
    expect(ticked).toMatch(/\*\*Paused\*\* by `ops` at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    // While paused: a newly labelled issue is not planned, nothing is dispatched or written.
    const writes = world.world.github.requests.writes().length;
    const issue = life.scenario.openIssue('Dark mode');
    life.scenario.label(issue);
    await world.settle();
    expect(life.scenario.queuedRuns()).toEqual([]);
    expect(world.world.github.requests.writes().length).toBe(writes);

    // A read-only user can't untick it either.
    await setBox('mallory', false);
    expect(await paused()).toBe(true);
    expect(pauseBoxState(await body())).toBe(true);
    expect(life.scenario.comments(await dashboardIssue()).at(-1)?.body).toContain(
      'Unticking the pause box was undone',
    );

    await setBox('ops', false);
    expect(await paused()).toBe(false);
    expect(pauseBoxState(await body())).toBe(false);
    // What waited is carried out: the new issue's plan run is dispatched.
    expect(queued(life.scenario, 'plan').inputs).toEqual(expect.objectContaining({ issue: String(issue) }));
    expect((await life.scenario.item(issue))?.state).toBe('planning');

    const switches = (await life.scenario.audit()).filter((entry) => entry.action.startsWith('repository.'));
    expect(switches).toEqual([
      expect.objectContaining({
        action: 'repository.pause',
        actor: 'ops',
        detail: expect.objectContaining({ source: 'dashboard-issue' }),
      }),
      expect.objectContaining({
        action: 'repository.resume',
        actor: 'ops',
        detail: expect.objectContaining({ source: 'dashboard-issue' }),
      }),
    ]);
  });

  it('shows /pause and /resume given in comments', async () => {
    const control = life.scenario.openIssue('Operations');
    life.scenario.comment(control, '/pause', 'ops');
    await world.settle();
    expect(pauseBoxState(await body())).toBe(true);
    life.scenario.comment(control, '/resume', 'ops');
    await world.settle();
    expect(pauseBoxState(await body())).toBe(false);
    expect(await paused()).toBe(false);
  });

  it('is brought up to date by the heartbeat with the stages passed in between', async () => {
    // Approving the hostile issue's plan moves it on without a write to the dashboard issue (API budget).
    const updates = () =>
      world.world.github.requests.all().filter((request) => request.operationId === 'issues/update').length;
    life.scenario.comment(life.hostile, '/approve', 'alice');
    await world.settle();
    const before = updates();
    expect(await body()).toContain('the plan waits for');
    await (world.app.handlers as unknown as Conductor).beat();
    expect(updates()).toBe(before + 1);
    expect(await body()).not.toContain('the plan waits for');
    expect(await body()).toContain('### Waiting for a human (2)');
    // Nothing changed since: the next beat writes nothing.
    await (world.app.handlers as unknown as Conductor).beat();
    expect(updates()).toBe(before + 1);
  });

  it('is opened by the heartbeat for a repository whose first item is still at work', async () => {
    const other = new Scenario(world.world);
    other.label(other.openIssue('First feature'));
    await world.settle();
    expect((await world.world.store.repositories.get(other.fullName))?.dashboardIssue).toBeNull();
    await (world.app.handlers as unknown as Conductor).beat();
    const number = (await world.world.store.repositories.get(other.fullName))?.dashboardIssue;
    expect(number).toEqual(expect.any(Number));
    const text = world.world.github.state.issues.get(other.repo, number!).body ?? '';
    expect(text).toContain('First feature | planning');
  });

  it('keeps a story within 40 GitHub API calls from the label to the merge (design §10)', async () => {
    const scenario = new Scenario(world.world);
    const start = world.world.github.requests.all().length;
    const issue = scenario.openIssue();
    scenario.label(issue);
    await world.settle();
    let run = queued(scenario, 'plan');
    scenario.complete(run, scenario.planResult(run, [{ id: 'A' }]));
    await world.settle();
    scenario.comment(issue, '/approve', 'alice');
    await world.settle();
    run = queued(scenario, 'implement', 'A');
    const { result, pr } = scenario.implement(run);
    scenario.complete(run, result);
    await world.settle();
    run = queued(scenario, 'review', 'A');
    scenario.complete(run, scenario.review(run));
    await world.settle();
    scenario.comment(pr, '/approve', 'bob');
    await world.settle();
    expect(scenario.mergedPulls()).toEqual([pr]);
    const calls = world.world.github.requests
      .all()
      .slice(start)
      .filter((request) => request.auth.kind === 'installation');
    // The dashboard issue's share: opened when the plan waits for approval, updated when the pull request does.
    expect(calls.filter((request) => request.operationId === 'issues/update')).toHaveLength(1);
    expect(calls.length).toBeLessThanOrEqual(40);
  });

  it('puts the box back when someone deletes it, and ignores other edits and its own', async () => {
    const { state } = world.world.github;
    const number = await dashboardIssue();
    const comments = life.scenario.comments(number).length;
    state.issues.update(life.scenario.repo, number, state.as('alice'), {
      body: (await body()).replace(pauseBox(false), 'no more box'),
    });
    await world.settle();
    expect(pauseBoxState(await body())).toBe(false);
    expect(await paused()).toBe(false);
    expect(life.scenario.comments(number)).toHaveLength(comments);

    // Another edit leaves the box as it is: nothing is decided and nothing is called at once; the
    // heartbeat writes the issue again from the store.
    const restored = await body();
    const calls = world.world.github.requests.all().length;
    state.issues.update(life.scenario.repo, number, state.as('alice'), {
      body: restored.replace('### Lessons', '### My notes'),
    });
    await world.settle();
    expect(world.world.github.requests.all().length).toBe(calls);
    await (world.app.handlers as unknown as Conductor).beat();
    expect(await body()).toBe(restored);

    // Every audit entry of the dashboard issue is the app's own update; no edit paused anything.
    const updates = (await life.scenario.audit()).filter(
      (entry) => entry.target === `${life.scenario.fullName}#${number}`,
    );
    expect(new Set(updates.map((entry) => entry.action))).toEqual(
      new Set(['issues.update', 'issues.createComment']),
    );
    expect(updates.every((entry) => entry.detail.outcome === 'ok')).toBe(true);
  });
});
