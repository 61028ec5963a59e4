import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { approvePlan, implemented, implementing, planned, queued, reviewed, validated } from './flows.js';
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

async function storyWithPr(
  scenario: Scenario,
  stories = [{ id: 'A' }],
): Promise<{ epic: number; pr: number }> {
  const epic = await planned(scenario, step, stories);
  await approvePlan(scenario, step, epic);
  const pr = await implemented(scenario, step, 'A');
  return { epic, pr };
}

describe('pull requests on AI branches', () => {
  it('a human push drops the gate, says so on the pull request, and reviews the new head', async () => {
    const scenario = new Scenario(world);
    const { pr } = await storyWithPr(scenario);
    await reviewed(scenario, step, 'A');
    const { state } = world.github;
    const branch = state.pulls.get(scenario.repo, pr).pull.headRef;
    const head = state.repos.commitFiles(scenario.repo, branch, state.as('carol'), {
      'src/fix.js': '// by hand\n',
    });
    await running.pump();
    const story = (await world.store.workItems.getByPr(scenario.fullName, pr))!;
    expect(story.state).toBe('reviewing');
    expect(scenario.comments(pr).at(-1)?.body).toContain(`a human pushed ${head.slice(0, 7)}`);
    const review = queued(scenario, 'review', 'A');
    expect(scenario.inputs(review).pr).toBe(String(pr));
    expect(scenario.labels(story.issueNumber)).toContain('ai:in-review');
  });

  it('the developer role pushing a revision is reviewed again without a comment', async () => {
    const scenario = new Scenario(world);
    const { pr } = await storyWithPr(scenario);
    await reviewed(scenario, step, 'A', 'blocked');
    const revision = queued(scenario, 'implement', 'A');
    expect(JSON.parse(scenario.inputs(revision).context!)).toEqual({
      findings: ['security: blocker finding'],
    });
    const before = scenario.comments(pr).length;
    const { result } = scenario.implement(revision);
    scenario.complete(revision, result);
    await running.pump();
    expect((await world.store.workItems.getByPr(scenario.fullName, pr))?.state).toBe('reviewing');
    expect(scenario.comments(pr)).toHaveLength(before);
    expect(scenario.queuedRuns().filter((run) => scenario.inputs(run).stage === 'review')).toHaveLength(1);
  });

  it('a human merging on GitHub is validated like /approve would be', async () => {
    const scenario = new Scenario(world);
    const { epic, pr } = await storyWithPr(scenario);
    await reviewed(scenario, step, 'A');
    world.github.state.pulls.merge(scenario.repo, pr, world.github.state.as('ops'), {
      mergeMethod: 'squash',
    });
    await running.pump();
    const story = (await world.store.workItems.getByPr(scenario.fullName, pr))!;
    expect(story.state).toBe('validating');
    expect(scenario.comments(pr).at(-1)?.body).toContain('merged outside /approve');
    await validated(scenario, step, 'A');
    expect((await scenario.item(epic))?.state).toBe('done');
    expect(scenario.requests('pulls/merge')).toHaveLength(0);
  });

  it('a pull request from another branch, or one the app does not know, is left alone', async () => {
    const scenario = new Scenario(world);
    const { state } = world.github;
    state.repos.commitFiles(scenario.repo, 'ai/99-lookalike', state.as('mallory'), { 'x.js': '1\n' });
    state.pulls.create(scenario.repo, state.as('mallory'), {
      title: 'Looks like ours',
      head: 'ai/99-lookalike',
      base: 'main',
    });
    state.repos.commitFiles(scenario.repo, 'ai/99-lookalike', state.as('mallory'), { 'x.js': '2\n' });
    const before = world.github.requests.all().length;
    await running.pump();
    expect(world.github.requests.all().length).toBe(before);
  });
});

describe('other commands', () => {
  it('/status replies with the state, stories, runs and cost; /cancel stops the epic and its running stories', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }, { id: 'B' }]);
    await approvePlan(scenario, step, epic);
    expect(implementing(scenario)).toEqual(['A', 'B']);
    scenario.comment(epic, '/status', 'mallory');
    await running.pump();
    const status = scenario.comments(epic).at(-1)!.body;
    expect(status).toContain(`Status of #${epic}`);
    expect(status).toContain('**State:** implementing');
    expect(status).toContain('| `A` | Story A | implementing |');
    expect(status).toContain('| plan |');
    expect(status).toContain('**Cost:** $0.25');

    scenario.comment(epic, '/cancel', 'alice');
    await running.pump();
    expect((await scenario.item(epic))?.state).toBe('cancelled');
    const children = world.github.state.subIssues
      .list(scenario.repo, epic)
      .map((child) => child.issue.number);
    for (const child of children) {
      expect((await scenario.item(child))?.state).toBe('cancelled');
      expect(scenario.labels(child).filter((label) => label.startsWith('ai:'))).toEqual([]);
    }
    // Their runs end later; the results are recorded, nothing moves.
    const run = queued(scenario, 'implement', 'A');
    const { result } = scenario.implement(run);
    scenario.complete(run, result);
    await running.pump();
    expect((await scenario.item(children[0]!))?.state).toBe('cancelled');
  });

  it('with allow_requester_approval false, whoever labelled the issue cannot approve its plan', async () => {
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': 'authorization:\n  allow_requester_approval: false\n' },
    });
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    scenario.comment(epic, '/approve', 'alice');
    await running.pump();
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');
    expect(scenario.comments(epic).at(-1)?.body).toContain('requested this work');
    await approvePlan(scenario, step, epic, 'bob');
    expect((await scenario.item(epic))?.state).toBe('implementing');
  });

  it('with policy teams, only their active members may run the listed commands', async () => {
    const { state } = world.github;
    const team = `reviewers-${Date.now()}`;
    state.accounts.createTeam('acme', team, { bob: 'member' });
    const scenario = new Scenario(world, {
      files: { '.github/ai-orchestrator.yml': `authorization:\n  teams: ["acme/${team}"]\n` },
    });
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    scenario.comment(epic, '/approve', 'ops');
    await running.pump();
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');
    expect(scenario.comments(epic).at(-1)?.body).toContain('is not among the users or teams');
    await approvePlan(scenario, step, epic, 'bob');
    expect((await scenario.item(epic))?.state).toBe('implementing');
    expect(
      world.github.requests.filter('teams/get-membership-for-user-in-org').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('a bot named in allowed_bots may run its listed commands (never /approve); others stay silent', async () => {
    const { state } = world.github;
    const slug = `renovate-${Date.now()}`;
    const renovate = state.apps.createApp({ slug });
    const scenario = new Scenario(world, {
      files: {
        '.github/ai-orchestrator.yml': `authorization:\n  allowed_bots:\n    - login: "${slug}[bot]"\n      commands: [status]\n`,
      },
    });
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    const before = scenario.comments(epic).length;
    scenario.comment(epic, '/status', renovate);
    scenario.comment(epic, '/approve', renovate);
    scenario.comment(epic, '/cancel', renovate);
    await running.pump();
    const replies = scenario
      .comments(epic)
      .slice(before)
      .filter((comment) => comment.login === 'ai-orchestrator[bot]');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain(`Status of #${epic}`);
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');
  });
});
