import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { RELEASE_GATE_CHECK } from '../../../core/roles.js';
import { documentOf } from '../../../app/conductor/document.js';
import { approvePlan, implemented, planned, queued, reviewed, validated } from './flows.js';
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

/** A one-story plan approved and the story's pull request reviewed green; returns the issue numbers. */
async function readyToMerge(scenario: Scenario): Promise<{ epic: number; pr: number; story: number }> {
  const epic = await planned(scenario, step, [{ id: 'A' }]);
  await approvePlan(scenario, step, epic);
  const pr = await implemented(scenario, step, 'A');
  await reviewed(scenario, step, 'A');
  const story = (await world.store.workItems.getByPr(scenario.fullName, pr))!;
  expect(story.state).toBe('awaiting_merge_approval');
  return { epic, pr, story: story.issueNumber };
}

describe('/approve on a plan', () => {
  it('from read permission: no transition, one reply saying what is missing', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');
    scenario.comment(epic, '/approve', 'mallory');
    await running.pump();
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');
    const reply = scenario.comments(epic).at(-1)!;
    expect(reply.login).toBe('ai-orchestrator[bot]');
    expect(reply.body).toContain('has read permission; /approve needs write or higher');
    expect(scenario.queuedRuns()).toHaveLength(0);
  });

  it('ignores author_association: the payload may say OWNER, the permission API decides', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    const comment = scenario.comment(epic, '/approve', 'mallory');
    const delivery = world.github.webhooks
      .held()
      .find((held) => (JSON.parse(held.body) as { comment?: { id: number } }).comment?.id === comment)!;
    const payload = JSON.parse(delivery.body) as { comment: { author_association: string } };
    payload.comment.author_association = 'OWNER';
    await running.probot.receive({
      id: delivery.id,
      name: 'issue_comment',
      payload,
    } as unknown as EmitterWebhookEvent);
    await running.pump();
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');
    expect(scenario.requests('repos/get-collaborator-permission-level').at(-1)?.path).toContain(
      '/collaborators/mallory/permission',
    );
  });

  it('from an allowed human: one sub-issue per story, labelled ai-generated, linked by issue id; ready stories start', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }, { id: 'B', depends_on: ['A'] }]);
    const plan = scenario.comments(epic).find((comment) => comment.body.startsWith(`### Plan for #${epic}`));
    expect(plan?.body).toContain('A works');
    expect(plan?.body).toContain('critical path');
    await approvePlan(scenario, step, epic);

    const children = world.github.state.subIssues.list(scenario.repo, epic).map((child) => child.issue);
    expect(children.map((child) => child.title)).toEqual([`[#${epic} A] Story A`, `[#${epic} B] Story B`]);
    for (const child of children) expect(child.labels).toContain('ai-generated');
    const links = scenario.requests('issues/add-sub-issue');
    expect(links.map((request) => (request.body as { sub_issue_id: number }).sub_issue_id)).toEqual(
      children.map((child) => child.id),
    );
    expect(scenario.labels(children[0]!.number)).toContain('ai:in-progress');
    expect(scenario.queuedRuns().map((run) => scenario.inputs(run))).toEqual([
      expect.objectContaining({ stage: 'implement', story: 'A', issue: String(children[0]!.number) }),
    ]);
    expect((await scenario.item(epic))?.state).toBe('implementing');
  });

  it('a bot is ignored without a reply, and the app never takes its own comments as commands', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    const botApp = world.github.state.apps.createApp({ slug: `helper-${scenario.fullName.split('-')[1]}` });
    const before = scenario.comments(epic).length;
    scenario.comment(epic, '/approve', botApp);
    scenario.comment(epic, '/approve', world.app);
    await running.pump();
    expect(scenario.comments(epic)).toHaveLength(before + 2);
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');
  });

  it('an edited comment is not a command, and one comment delivered twice acts once', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    const id = scenario.comment(epic, 'looks good', 'alice');
    await running.pump();
    world.github.state.comments.update(scenario.repo, id, world.github.state.as('alice'), '/approve');
    await running.pump();
    expect((await scenario.item(epic))?.state).toBe('awaiting_plan_approval');

    scenario.comment(epic, '/reject the stories are too big', 'alice');
    const [delivery] = world.github.webhooks.held().slice(-1);
    await running.pump();
    expect((await scenario.item(epic))?.state).toBe('planning');
    const plans = scenario.runs().filter((run) => scenario.inputs(run).stage === 'plan');
    expect(plans).toHaveLength(2);
    expect(JSON.parse(scenario.inputs(plans[1]!).context!)).toMatchObject({
      reason: 'the stories are too big',
    });
    await running.probot.receive({
      id: 'a-new-delivery',
      name: 'issue_comment',
      payload: JSON.parse(delivery!.body),
    } as EmitterWebhookEvent);
    expect(scenario.runs().filter((run) => scenario.inputs(run).stage === 'plan')).toHaveLength(2);
  });
});

describe('/approve on a pull request', () => {
  it('with the gate not green on the current head: no merge, a reply naming the head and the gate', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    await approvePlan(scenario, step, epic);
    const pr = await implemented(scenario, step, 'A');
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([]);
    expect(scenario.comments(pr).at(-1)?.body).toContain('release gate has not approved head');

    await reviewed(scenario, step, 'A', 'blocked');
    const blockedHead = world.github.state.pulls.get(scenario.repo, pr).pull.headSha;
    expect((await world.store.workItems.getByPr(scenario.fullName, pr))?.state).toBe('revising');
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([]);
    expect(scenario.comments(pr).at(-1)?.body).toContain(`/approve\` was not carried out`);
    expect(blockedHead).toMatch(/^[0-9a-f]{40}$/);
  });

  it('from a read-permission user or a bot: no merge (a reply to the person, silence to the bot)', async () => {
    const scenario = new Scenario(world);
    const { pr } = await readyToMerge(scenario);
    const before = scenario.comments(pr).length;
    scenario.comment(pr, '/approve', 'mallory');
    const helper = world.github.state.apps.createApp({
      slug: `approver-bot-${scenario.fullName.split('-')[1]}`,
    });
    scenario.comment(pr, '/approve', helper);
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([]);
    const replies = scenario
      .comments(pr)
      .slice(before)
      .filter((comment) => comment.login === 'ai-orchestrator[bot]');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('read permission');
  });

  it('a forged release-gate check from another app does not count', async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    await approvePlan(scenario, step, epic);
    const pr = await implemented(scenario, step, 'A');
    const run = queued(scenario, 'review', 'A');
    const result = scenario.review(run, 'approved');
    scenario.complete(run, result);
    await running.pump();
    // The app's own gate check is replaced by a red one; another app adds a green one of the same name.
    const head = world.github.state.pulls.get(scenario.repo, pr).pull.headSha;
    const { state } = world.github;
    state.checks.createRun(scenario.repo, world.app, state.as(world.app), head, {
      name: RELEASE_GATE_CHECK,
      status: 'completed',
      conclusion: 'failure',
    });
    const forger = state.apps.createApp({ slug: `forger-${scenario.fullName.split('-')[1]}` });
    state.apps.install(forger, 'acme');
    state.checks.createRun(scenario.repo, forger, state.as(forger), head, {
      name: RELEASE_GATE_CHECK,
      status: 'completed',
      conclusion: 'success',
    });
    state.checks.createStatus(scenario.repo, head, state.as('alice'), {
      state: 'success',
      context: RELEASE_GATE_CHECK,
    });
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([]);
    expect(scenario.comments(pr).at(-1)?.body).toContain('is completed with conclusion failure, not success');
  });

  it('from an allowed human with the gate green on the current head: exactly one merge, then validation, then done', async () => {
    const scenario = new Scenario(world);
    const { epic, pr, story } = await readyToMerge(scenario);
    const head = world.github.state.pulls.get(scenario.repo, pr).pull.headSha;
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([pr]);
    const merges = scenario.requests('pulls/merge');
    expect(merges).toHaveLength(1);
    expect(merges[0]?.body).toEqual({ sha: head, merge_method: 'squash' });
    expect((await scenario.item(story))?.state).toBe('validating');
    await validated(scenario, step, 'A');
    expect((await scenario.item(story))?.state).toBe('done');
    expect((await scenario.item(epic))?.state).toBe('done');
    expect(scenario.labels(epic)).toContain('ai:done');
    const tracking = scenario
      .comments(epic)
      .filter((comment) => comment.body.startsWith('## AI orchestrator'));
    expect(tracking).toHaveLength(1);
    expect(tracking[0]?.body).toContain('**State:** done');
    expect(tracking[0]?.body).toContain('**Cost:** $1.00');
    for (const row of await auditCoverage(scenario)) expect(row.audited).toBe(row.accepted);
    const lessons = await world.store.lessons.list(scenario.fullName, 5);
    expect(lessons).toEqual([]);
  });

  it('when the head moved since the gate ran: no merge, the gate runs again on the new head', async () => {
    const scenario = new Scenario(world);
    const { pr, story } = await readyToMerge(scenario);
    // A push whose webhook has not arrived yet (out of order): /approve must read the head from GitHub.
    const newHead = world.github.state.repos.commitFiles(
      scenario.repo,
      world.github.state.pulls.get(scenario.repo, pr).pull.headRef,
      world.github.state.as('carol'),
      {
        'src/late.js': '// late\n',
      },
    );
    const synchronize = world.github.webhooks.held().at(-1)!;
    scenario.comment(pr, '/approve', 'bob');
    const approve = world.github.webhooks.held().at(-1)!;
    await running.receive(approve.id);
    expect(scenario.mergedPulls()).toEqual([]);
    expect(scenario.comments(pr).at(-1)?.body).toContain(`the head moved to ${newHead.slice(0, 7)}`);
    const record = (await scenario.item(story))!;
    expect(record.state).toBe('reviewing');
    expect(documentOf(record).item).toMatchObject({ head_sha: newHead });
    await running.receive(synchronize.id);
    await running.pump();
    expect(scenario.queuedRuns().filter((run) => scenario.inputs(run).stage === 'review')).toHaveLength(1);
  });

  it('two /approve delivered concurrently, to one app and to two replicas, merge once', async () => {
    const scenario = new Scenario(world);
    const { pr } = await readyToMerge(scenario);
    scenario.comment(pr, '/approve', 'bob');
    scenario.comment(pr, '/approve', 'alice');
    const [first, second] = world.github.webhooks.held().slice(-2);
    const replica = await startConductor(world);
    await Promise.all([running.receive(first!.id), replica.receive(second!.id), running.receive(second!.id)]);
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([pr]);
    expect(scenario.requests('pulls/merge')).toHaveLength(1);
    const replies = scenario
      .comments(pr)
      .filter((comment) => comment.body.startsWith('`/approve` was not carried out'));
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('already being merged');
  });

  it('a merge GitHub refuses because the head moved (409) merges nothing and says so; /retry then /approve merges', async () => {
    const scenario = new Scenario(world);
    const { pr, story } = await readyToMerge(scenario);
    world.github.inject({
      route: 'pulls/merge',
      status: 409,
      body: {
        message: 'Head branch was modified. Review and try the merge again.',
        documentation_url: 'https://docs.github.com/rest',
        status: '409',
      },
    });
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([]);
    expect((await scenario.item(story))?.state).toBe('failed');
    expect(scenario.comments(pr).at(-1)?.body).toContain('the head moved after the release gate approved');
    expect(scenario.comments(pr).at(-1)?.body).toContain('nothing was merged');
    scenario.comment(pr, '/retry', 'bob');
    await running.pump();
    expect((await scenario.item(story))?.state).toBe('awaiting_merge_approval');
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([pr]);
  });

  it("finds this app's gate check among hundreds of others (the third page)", async () => {
    const scenario = new Scenario(world);
    const epic = await planned(scenario, step, [{ id: 'A' }]);
    await approvePlan(scenario, step, epic);
    const pr = await implemented(scenario, step, 'A');
    const { state } = world.github;
    const head = state.pulls.get(scenario.repo, pr).pull.headSha;
    const noisy = state.apps.createApp({ slug: `noisy-${scenario.fullName.split('-')[1]}` });
    state.apps.install(noisy, 'acme');
    for (let index = 0; index < 230; index += 1) {
      state.checks.createRun(scenario.repo, noisy, state.as(noisy), head, {
        name: RELEASE_GATE_CHECK,
        status: 'completed',
        conclusion: 'failure',
      });
    }
    await reviewed(scenario, step, 'A');
    scenario.comment(pr, '/approve', 'bob');
    await running.pump();
    expect(scenario.mergedPulls()).toEqual([pr]);
    const pages = scenario.requests('checks/list-for-ref');
    expect(pages.map((request) => request.query.page ?? '1')).toEqual(['1', '2', '3']);
  });
});
