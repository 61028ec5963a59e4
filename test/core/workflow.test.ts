import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DagNode } from '../../core/dag.js';
import { defaultPolicy, STATE_LABELS, type Policy } from '../../core/policy.js';
import {
  createEpicItem,
  createStoryItem,
  describeTable,
  describeTableMarkdown,
  EVENT_TYPES,
  planProblems,
  STATE_LABEL,
  transition,
  WORK_STATES,
  type Effect,
  type EventType,
  type EpicItem,
  type FailingStage,
  type StoryItem,
  type WorkflowEvent,
  type WorkItem,
  type WorkState,
} from '../../core/workflow.js';

/** The plan of the brief: A; B→A; C→A; D→B,C. */
const PLAN: DagNode[] = [
  { id: 'A', depends_on: [] },
  { id: 'B', depends_on: ['A'] },
  { id: 'C', depends_on: ['A'] },
  { id: 'D', depends_on: ['B', 'C'] },
];

const POLICY = defaultPolicy();
const HUMAN = { login: 'octocat', human: true };
const BOT = { login: 'renovate[bot]', human: false };
const HEAD = 'abc1234def5678';
const NEW_HEAD = 'fed9876cba5432';

function withPolicy(change: (policy: Policy) => void): Policy {
  const policy = defaultPolicy();
  change(policy);
  return policy;
}

/** Applies an event that must be accepted. */
function step<I extends WorkItem>(item: I, event: WorkflowEvent, policy: Policy = POLICY) {
  const result = transition(item, event, policy);
  if (!result.ok) throw new Error(`unexpected refusal: ${result.reason}`);
  return { item: result.item as I, effects: result.effects };
}

/** Applies events in turn; all must be accepted. */
function run<I extends WorkItem>(item: I, events: WorkflowEvent[], policy: Policy = POLICY): I {
  return events.reduce((current, event) => step(current, event, policy).item, item);
}

/** Feeds an event that must be refused, checks the item did not change, and returns the reason. */
function refusal(item: WorkItem, event: WorkflowEvent, policy: Policy = POLICY): string {
  const before = structuredClone(item);
  const result = transition(item, event, policy);
  expect(item).toEqual(before);
  if (result.ok) throw new Error(`unexpectedly accepted ${event.type} in ${item.state}`);
  return result.reason;
}

const epicAwaitingApproval = (): EpicItem =>
  run(createEpicItem(7), [{ type: 'labelled' }, { type: 'plan_ready', stories: PLAN }]);
const epicImplementing = (): EpicItem => run(epicAwaitingApproval(), [{ type: 'approve', actor: HUMAN }]);

const newStory = (): StoryItem => createStoryItem({ issue: 12, epic: 7, story: 'B' }).item;
const storyReviewing = (): StoryItem => run(newStory(), [{ type: 'pr_opened', pr: 40, head_sha: HEAD }]);
const storyAwaitingMerge = (): StoryItem =>
  run(storyReviewing(), [
    { type: 'gate_result', decision: 'approved', head_sha: HEAD, reasons: ['all reviewers pass'] },
  ]);
const blockedGate = (head = HEAD): WorkflowEvent => ({
  type: 'gate_result',
  decision: 'blocked',
  head_sha: head,
  reasons: ['security: blocker finding in app/auth.ts'],
});
/** Blocked after using up the default two revision rounds. */
const storyBlocked = (): StoryItem =>
  run(storyReviewing(), [
    blockedGate(),
    { type: 'head_pushed', head_sha: 'r1', by_human: false },
    blockedGate('r1'),
    { type: 'head_pushed', head_sha: 'r2', by_human: false },
    blockedGate('r2'),
  ]);

describe('epic: planning', () => {
  it('labelled: plans, labelled ai:planning', () => {
    const { item, effects } = step(createEpicItem(7), { type: 'labelled' });
    expect(item).toEqual({ kind: 'epic', state: 'planning', issue: 7 });
    expect(effects).toEqual([
      { type: 'set_label', label: 'ai:planning' },
      { type: 'dispatch', stage: 'plan' },
    ]);
  });

  it('plan_ready: keeps the plan and posts it with its critical path, waiting for /approve', () => {
    const planning = run(createEpicItem(7), [{ type: 'labelled' }]);
    const { item, effects } = step(planning, { type: 'plan_ready', stories: PLAN });
    expect(item.state).toBe('awaiting_plan_approval');
    expect(item.plan).toEqual({ stories: PLAN });
    expect(effects).toEqual([
      { type: 'set_label', label: 'ai:awaiting-approval' },
      {
        type: 'post',
        message: 'plan',
        detail: '4 stories; critical path: A, B, D (estimate 3)',
        items: ['A', 'B', 'C', 'D'],
      },
    ]);
  });

  it('plan_ready without plan.require_approval goes straight to implementing', () => {
    const policy = withPolicy((p) => (p.plan.require_approval = false));
    const planning = run(createEpicItem(7), [{ type: 'labelled' }], policy);
    const { item, effects } = step(planning, { type: 'plan_ready', stories: PLAN }, policy);
    expect(item.state).toBe('implementing');
    expect(item.stories).toEqual({ A: 'running', B: 'pending', C: 'pending', D: 'pending' });
    expect(effects.map((effect) => effect.type)).toEqual([
      'set_label',
      'post',
      'create_story_issues',
      'start_story',
    ]);
  });

  it('an invalid plan fails, naming the problem; /retry plans again with the reason', () => {
    const planning = run(createEpicItem(7), [{ type: 'labelled' }]);
    const cyclic = [
      { id: 'A', depends_on: ['B'] },
      { id: 'B', depends_on: ['A'] },
    ];
    const { item, effects } = step(planning, { type: 'plan_ready', stories: cyclic });
    expect(item).toMatchObject({
      state: 'failed',
      resume_state: 'planning',
      last_reason: 'the plan is invalid: cycle: A → B → A',
    });
    expect(item.plan).toBeUndefined();
    expect(effects).toContainEqual({
      type: 'post',
      message: 'failed',
      detail: 'the plan is invalid',
      items: ['cycle: A → B → A'],
    });

    const retried = step(item, { type: 'retry' });
    expect(retried.item).toEqual({ kind: 'epic', state: 'planning', issue: 7 });
    expect(retried.effects).toContainEqual({
      type: 'dispatch',
      stage: 'plan',
      context: { reason: 'the plan is invalid: cycle: A → B → A' },
    });
    expect(refusal(item, { type: 'retry', story: 'A' })).toBe(
      'cannot retry in state "failed": the plan was never accepted, so there is no story "A"',
    );
  });

  it('a plan with more stories than plan.max_stories, or none, fails', () => {
    const policy = withPolicy((p) => (p.plan.max_stories = 3));
    const planning = run(createEpicItem(7), [{ type: 'labelled' }], policy);
    expect(step(planning, { type: 'plan_ready', stories: PLAN }, policy).item.last_reason).toBe(
      'the plan is invalid: the plan has 4 stories; the policy allows at most 3 (plan.max_stories)',
    );
    expect(step(planning, { type: 'plan_ready', stories: [] }).item.last_reason).toBe(
      'the plan is invalid: the plan has no stories',
    );
    expect(planProblems(PLAN, POLICY)).toEqual([]);
  });

  it('questions: waits for /clarify, then plans again with the questions and the answer', () => {
    const planning = run(createEpicItem(7), [{ type: 'labelled' }]);
    const asked = step(planning, { type: 'questions', questions: ['Which database?'] });
    expect(asked.item).toMatchObject({
      state: 'awaiting_clarification',
      resume_state: 'planning',
      questions: ['Which database?'],
    });
    expect(asked.effects).toEqual([
      { type: 'set_label', label: 'ai:needs-clarification' },
      { type: 'post', message: 'questions', items: ['Which database?'] },
    ]);
    const answered = step(asked.item, { type: 'clarify', text: 'Postgres' });
    expect(answered.item).toEqual({ kind: 'epic', state: 'planning', issue: 7 });
    expect(answered.effects).toContainEqual({
      type: 'dispatch',
      stage: 'plan',
      context: { questions: ['Which database?'], answer: 'Postgres' },
    });
    expect(refusal(asked.item, { type: 'clarify', text: '  ' })).toBe(
      'cannot clarify in state "awaiting_clarification": the answer is empty',
    );
    expect(refusal(planning, { type: 'questions', questions: [] })).toBe(
      'cannot questions in state "planning": the list of questions is empty',
    );
  });

  it('/reject drops the plan and plans again with the reason; /clarify plans again with the text', () => {
    const rejected = step(epicAwaitingApproval(), { type: 'reject', reason: 'split the API work' });
    expect(rejected.item).toEqual({ kind: 'epic', state: 'planning', issue: 7 });
    expect(rejected.effects).toEqual([
      { type: 'set_label', label: 'ai:planning' },
      { type: 'dispatch', stage: 'plan', context: { reason: 'split the API work' } },
    ]);
    expect(refusal(epicAwaitingApproval(), { type: 'reject', reason: '' })).toBe(
      'cannot reject in state "awaiting_plan_approval": the reason is empty',
    );
    const clarified = step(epicAwaitingApproval(), { type: 'clarify', text: 'also update the docs' });
    expect(clarified.item.state).toBe('planning');
    expect(clarified.effects).toContainEqual({
      type: 'dispatch',
      stage: 'plan',
      context: { answer: 'also update the docs' },
    });
  });

  it('/approve by a human creates the story issues and starts the stories without dependencies', () => {
    const { item, effects } = step(epicAwaitingApproval(), { type: 'approve', actor: HUMAN });
    expect(item).toMatchObject({
      state: 'implementing',
      approved_by: 'octocat',
      stories: { A: 'running', B: 'pending', C: 'pending', D: 'pending' },
    });
    expect(effects).toEqual([
      { type: 'set_label', label: 'ai:in-progress' },
      { type: 'create_story_issues', stories: ['A', 'B', 'C', 'D'] },
      { type: 'start_story', story: 'A' },
    ]);
  });

  it('/approve from a bot is refused even if it got past authorization', () => {
    expect(refusal(epicAwaitingApproval(), { type: 'approve', actor: BOT })).toBe(
      'cannot approve in state "awaiting_plan_approval": approvals must come from a human, and "renovate[bot]" is not one',
    );
    expect(refusal(createEpicItem(7), { type: 'approve', actor: HUMAN })).toBe(
      'cannot approve in state "new": there is no plan waiting for approval',
    );
  });

  it('a failed plan stage fails the epic; /retry dispatches the plan again', () => {
    const planning = run(createEpicItem(7), [{ type: 'labelled' }]);
    const failed = step(planning, {
      type: 'stage_failed',
      stage: 'plan',
      reason: 'model overloaded',
      run_url: 'https://github.com/o/r/actions/runs/1',
    });
    expect(failed.item).toMatchObject({
      state: 'failed',
      resume_state: 'planning',
      last_reason: 'model overloaded',
      last_run_url: 'https://github.com/o/r/actions/runs/1',
    });
    expect(refusal(planning, { type: 'stage_failed', stage: 'review', reason: 'x' })).toBe(
      'cannot stage_failed in state "planning": no review stage is running (expected plan)',
    );
    expect(step(failed.item, { type: 'retry' }).effects).toContainEqual({
      type: 'dispatch',
      stage: 'plan',
      context: { reason: 'model overloaded' },
    });
  });
});

describe('epic: running the stories of the plan', () => {
  const finished = (story: string, outcome: 'done' | 'failed' | 'cancelled'): WorkflowEvent => ({
    type: 'story_finished',
    story,
    outcome,
  });

  it('starts B and C when A is done, D when both are, and is done when D is', () => {
    const afterA = step(epicImplementing(), finished('A', 'done'));
    expect(afterA.item.state).toBe('implementing');
    expect(afterA.effects).toEqual([
      { type: 'start_story', story: 'B' },
      { type: 'start_story', story: 'C' },
    ]);
    const afterB = step(afterA.item, finished('B', 'done'));
    expect(afterB.effects).toEqual([]);
    const afterC = step(afterB.item, finished('C', 'done'));
    expect(afterC.effects).toEqual([{ type: 'start_story', story: 'D' }]);
    const afterD = step(afterC.item, finished('D', 'done'));
    expect(afterD.item.state).toBe('done');
    expect(afterD.effects).toEqual([
      { type: 'set_label', label: 'ai:done' },
      { type: 'post', message: 'done', items: ['A', 'B', 'C', 'D'] },
    ]);
  });

  it('respects implement.max_parallel_stories', () => {
    const policy = withPolicy((p) => (p.implement.max_parallel_stories = 1));
    const epic = run(
      epicAwaitingApproval(),
      [{ type: 'approve', actor: HUMAN }, finished('A', 'done')],
      policy,
    );
    expect(epic.stories).toEqual({ A: 'done', B: 'running', C: 'pending', D: 'pending' });
  });

  it('refuses news of a story that is not running', () => {
    expect(refusal(epicImplementing(), finished('B', 'done'))).toBe(
      'cannot story_finished in state "implementing": story "B" is pending, not running',
    );
    expect(refusal(epicImplementing(), finished('Z', 'done'))).toBe(
      'cannot story_finished in state "implementing": story "Z" is not in the plan',
    );
  });

  it('keeps going while other stories run after a failure, and fails once nothing can go on', () => {
    const both = run(epicImplementing(), [finished('A', 'done')]);
    const bFailed = step(both, finished('B', 'failed'));
    expect(bFailed.item.state).toBe('implementing');
    const stuck = step(bFailed.item, finished('C', 'done'));
    expect(stuck.item).toMatchObject({
      state: 'failed',
      resume_state: 'implementing',
      last_reason: 'no story can go on: story "B" failed; waiting on them: D',
    });
    expect(stuck.effects).toContainEqual({
      type: 'post',
      message: 'failed',
      detail: 'no story can go on: story "B" failed; waiting on them: D',
    });

    const retried = step(stuck.item, { type: 'retry' });
    expect(retried.item.state).toBe('implementing');
    expect(retried.item.stories).toEqual({ A: 'done', B: 'running', C: 'done', D: 'pending' });
    expect(retried.effects).toEqual([
      { type: 'set_label', label: 'ai:in-progress' },
      { type: 'retry_story', story: 'B' },
    ]);
    // The story item's own /retry then reports back; the epic already counts it as running.
    expect(step(retried.item, { type: 'story_resumed', story: 'B' }).item).toEqual(retried.item);
  });

  it('hears a story retried on its own issue, which makes a failed epic implement again', () => {
    const stuck = run(epicImplementing(), [finished('A', 'failed')]);
    expect(stuck.state).toBe('failed');
    const resumed = step(stuck, { type: 'story_resumed', story: 'A' });
    expect(resumed.item.state).toBe('implementing');
    expect(resumed.item.stories?.A).toBe('running');
    expect(refusal(resumed.item, { type: 'story_resumed', story: 'B' })).toBe(
      'cannot story_resumed in state "implementing": story "B" is pending',
    );
  });

  it('/retry on the epic starts a cancelled story afresh, and refuses what cannot help', () => {
    const cancelled = run(epicImplementing(), [finished('A', 'cancelled')]);
    expect(cancelled.state).toBe('failed');
    const retried = step(cancelled, { type: 'retry', story: 'A' });
    expect(retried.item.stories?.A).toBe('running');
    expect(retried.effects).toContainEqual({ type: 'start_story', story: 'A' });

    const running = epicImplementing();
    expect(refusal(running, { type: 'retry', story: 'A' })).toBe(
      'cannot retry in state "implementing": story "A" is running, not failed or cancelled',
    );
    expect(refusal(running, { type: 'retry' })).toBe(
      'cannot retry in state "implementing": no story has failed or been cancelled',
    );
    expect(refusal(running, { type: 'retry', story: 'Q' })).toBe(
      'cannot retry in state "implementing": story "Q" is not in the plan',
    );
  });

  it('refuses to retry a cancelled story whose dependency failed, since nothing could start', () => {
    const epic = run(epicImplementing(), [
      finished('A', 'done'),
      finished('B', 'failed'),
      finished('C', 'done'),
    ]);
    const withD: EpicItem = { ...epic, stories: { ...epic.stories, D: 'cancelled' } };
    expect(refusal(withD, { type: 'retry', story: 'D' })).toBe(
      'cannot retry in state "failed": nothing could start (no story can go on: story "B" failed; waiting on them: D)',
    );
  });

  it('hears that a failed story was cancelled, so /retry starts it afresh instead of retrying its item', () => {
    const bFailed = run(epicImplementing(), [finished('A', 'done'), finished('B', 'failed')]);
    const whileRunning = step(bFailed, finished('B', 'cancelled'));
    expect(whileRunning.item).toMatchObject({
      state: 'implementing',
      stories: { B: 'cancelled', C: 'running' },
    });

    const stuck = run(bFailed, [finished('C', 'done')]);
    const cancelled = step(stuck, finished('B', 'cancelled'));
    expect(cancelled.item).toMatchObject({
      state: 'failed',
      last_reason: 'no story can go on: story "B" was cancelled; waiting on them: D',
    });
    expect(cancelled.effects).toEqual([]);
    expect(refusal(stuck, finished('B', 'done'))).toBe(
      'cannot story_finished in state "failed": no row applies (the table expects a failed story was cancelled)',
    );
    expect(refusal(stuck, finished('C', 'cancelled'))).toBe(
      'cannot story_finished in state "failed": story "C" is done, not running',
    );
    expect(step(cancelled.item, { type: 'retry' }).effects).toEqual([
      { type: 'set_label', label: 'ai:in-progress' },
      { type: 'start_story', story: 'B' },
    ]);
  });

  it('/cancel cancels the running and failed stories and removes the state label', () => {
    const epic = run(epicImplementing(), [finished('A', 'done'), finished('B', 'failed')]);
    const { item, effects } = step(epic, { type: 'cancel' });
    expect(item.state).toBe('cancelled');
    // The failed story is cancelled too: its item could otherwise still be retried.
    expect(effects).toEqual([
      { type: 'set_label', label: null },
      { type: 'cancel_story', story: 'B' },
      { type: 'cancel_story', story: 'C' },
      { type: 'post', message: 'cancelled' },
    ]);
    expect(refusal(item, finished('B', 'cancelled'))).toBe(
      'cannot story_finished in state "cancelled": the epic is cancelled and accepts no more events',
    );
  });
});

describe('story: implement, review, merge, validate', () => {
  it('starts in implementing, labelled, with the implement stage dispatched', () => {
    expect(createStoryItem({ issue: 12, epic: 7, story: 'B' })).toEqual({
      item: { kind: 'story', state: 'implementing', issue: 12, epic: 7, story: 'B', revision_round: 0 },
      effects: [
        { type: 'set_label', label: 'ai:in-progress' },
        { type: 'dispatch', stage: 'implement', story: 'B' },
      ],
    });
  });

  it('pr_opened: reviews the head', () => {
    const { item, effects } = step(newStory(), { type: 'pr_opened', pr: 40, head_sha: HEAD });
    expect(item).toMatchObject({ state: 'reviewing', pr: 40, head_sha: HEAD });
    expect(effects).toEqual([
      { type: 'set_label', label: 'ai:in-review' },
      { type: 'dispatch', stage: 'review', story: 'B' },
    ]);
  });

  it('gate approved or skipped on the current head: waits for /approve', () => {
    for (const decision of ['approved', 'skipped'] as const) {
      const { item, effects } = step(storyReviewing(), {
        type: 'gate_result',
        decision,
        head_sha: HEAD,
        reasons: ['ok'],
      });
      expect(item.state).toBe('awaiting_merge_approval');
      expect(item.gate).toEqual({ decision, head_sha: HEAD, reasons: ['ok'] });
      expect(effects).toEqual([
        { type: 'set_label', label: 'ai:awaiting-approval' },
        { type: 'post', message: 'ready_to_merge', detail: `${decision} for abc1234`, items: ['ok'] },
      ]);
    }
  });

  it('refuses a gate result for another head', () => {
    expect(
      refusal(storyReviewing(), {
        type: 'gate_result',
        decision: 'approved',
        head_sha: NEW_HEAD,
        reasons: [],
      }),
    ).toBe(
      'cannot gate_result in state "reviewing": the gate decided on head fed9876, but the current head is abc1234',
    );
  });

  it('/approve by a human with the gate green on the current head merges with the policy method', () => {
    const { item, effects } = step(storyAwaitingMerge(), { type: 'approve', actor: HUMAN });
    expect(item).toMatchObject({ state: 'merging', approved_by: 'octocat' });
    expect(effects).toEqual([
      { type: 'set_label', label: 'ai:in-progress' },
      { type: 'merge', pr: 40, head_sha: HEAD, method: 'squash', approved_by: 'octocat' },
    ]);
    const rebase = withPolicy((p) => (p.merge.method = 'rebase'));
    expect(step(storyAwaitingMerge(), { type: 'approve', actor: HUMAN }, rebase).effects).toContainEqual(
      expect.objectContaining({ type: 'merge', method: 'rebase' }),
    );
  });

  it('refuses /approve from a bot, before the gate approved, and on a gate for an older head', () => {
    expect(refusal(storyAwaitingMerge(), { type: 'approve', actor: BOT })).toBe(
      'cannot approve in state "awaiting_merge_approval": approvals must come from a human, and "renovate[bot]" is not one',
    );
    expect(refusal(storyReviewing(), { type: 'approve', actor: HUMAN })).toBe(
      'cannot approve in state "reviewing": the release gate has not approved head abc1234',
    );
    expect(refusal(newStory(), { type: 'approve', actor: HUMAN })).toBe(
      'cannot approve in state "implementing": there is no pull request to merge yet',
    );
    expect(refusal(storyBlocked(), { type: 'approve', actor: HUMAN })).toBe(
      'cannot approve in state "blocked": the release gate blocked head r2',
    );
    // A stored item whose gate is for another head (e.g. written by an older version) still cannot merge.
    const stale: StoryItem = { ...storyAwaitingMerge(), head_sha: NEW_HEAD };
    expect(refusal(stale, { type: 'approve', actor: HUMAN })).toBe(
      'cannot approve in state "awaiting_merge_approval": the release gate approved head abc1234, but the current head is fed9876',
    );
    const merging = step(storyAwaitingMerge(), { type: 'approve', actor: HUMAN }).item;
    expect(refusal(merging, { type: 'approve', actor: HUMAN })).toBe(
      'cannot approve in state "merging": the pull request is already being merged',
    );
  });

  it('merged: validates; validated: done, and the epic hears it', () => {
    const merging = step(storyAwaitingMerge(), { type: 'approve', actor: HUMAN }).item;
    const merged = step(merging, { type: 'merged', merge_sha: '0123456789' });
    expect(merged.item).toMatchObject({ state: 'validating', merge_sha: '0123456789' });
    expect(merged.effects).toEqual([
      { type: 'post', message: 'merged', detail: '0123456' },
      { type: 'dispatch', stage: 'validate', story: 'B' },
    ]);
    const done = step(merged.item, { type: 'validated', ok: true });
    expect(done.item.state).toBe('done');
    expect(done.effects).toEqual([
      { type: 'set_label', label: 'ai:done' },
      { type: 'post', message: 'done' },
      { type: 'notify_epic', epic: 7, event: { type: 'story_finished', story: 'B', outcome: 'done' } },
    ]);
  });

  it('a failed validation fails the story; /retry validates again and tells the epic', () => {
    const validating = run(storyAwaitingMerge(), [{ type: 'approve', actor: HUMAN }, { type: 'merged' }]);
    const failed = step(validating, { type: 'validated', ok: false, reason: 'smoke test failed' });
    expect(failed.item).toMatchObject({
      state: 'failed',
      resume_state: 'validating',
      last_reason: 'validation failed: smoke test failed',
    });
    expect(failed.effects).toContainEqual({
      type: 'notify_epic',
      epic: 7,
      event: { type: 'story_finished', story: 'B', outcome: 'failed' },
    });
    const retried = step(failed.item, { type: 'retry' });
    expect(retried.item.state).toBe('validating');
    expect(retried.item.last_reason).toBeUndefined();
    expect(retried.effects).toEqual([
      { type: 'set_label', label: 'ai:in-progress' },
      { type: 'dispatch', stage: 'validate', story: 'B' },
      { type: 'notify_epic', epic: 7, event: { type: 'story_resumed', story: 'B' } },
    ]);
  });

  it('a pull request merged by a human outside /approve is validated too', () => {
    const { item, effects } = step(storyAwaitingMerge(), { type: 'merged', merge_sha: '0123456789' });
    expect(item.state).toBe('validating');
    expect(effects).toContainEqual({
      type: 'post',
      message: 'merged',
      detail: 'merged outside /approve as 0123456',
    });
  });
});

describe('story: revision rounds and blocking', () => {
  it('a blocked gate sends the findings back while revision rounds remain, then blocks', () => {
    const first = step(storyReviewing(), blockedGate());
    expect(first.item).toMatchObject({ state: 'revising', revision_round: 1 });
    expect(first.effects).toEqual([
      { type: 'set_label', label: 'ai:in-progress' },
      {
        type: 'dispatch',
        stage: 'implement',
        story: 'B',
        context: { findings: ['security: blocker finding in app/auth.ts'] },
      },
    ]);
    // The developer role's push is the expected way back to review: no comment, the gate runs again.
    const pushed = step(first.item, { type: 'head_pushed', head_sha: 'r1', by_human: false });
    expect(pushed.item).toMatchObject({ state: 'reviewing', head_sha: 'r1' });
    expect(pushed.item.gate).toBeUndefined();
    expect(pushed.effects).toEqual([
      { type: 'set_label', label: 'ai:in-review' },
      { type: 'dispatch', stage: 'review', story: 'B' },
    ]);

    const lastRound = run(first.item, [
      { type: 'head_pushed', head_sha: 'r1', by_human: false },
      blockedGate('r1'),
      { type: 'head_pushed', head_sha: 'r2', by_human: false },
    ]);
    expect(lastRound).toMatchObject({ state: 'reviewing', revision_round: 2 });
    const blocked = step(lastRound, blockedGate('r2'));
    expect(blocked.item).toMatchObject({ state: 'blocked', revision_round: 2 });
    expect(blocked.effects).toEqual([
      { type: 'set_label', label: 'ai:blocked' },
      {
        type: 'post',
        message: 'blocked',
        detail: 'blocked on r2',
        items: ['security: blocker finding in app/auth.ts'],
      },
    ]);
  });

  it('blocks at once when review.revision_rounds is 0', () => {
    const policy = withPolicy((p) => (p.review.revision_rounds = 0));
    expect(step(storyReviewing(), blockedGate(), policy).item.state).toBe('blocked');
  });

  it('blocked: /retry and /clarify start a round with the findings, without counting it', () => {
    const retried = step(storyBlocked(), { type: 'retry' });
    expect(retried.item).toMatchObject({ state: 'revising', revision_round: 2 });
    expect(retried.effects).toContainEqual({
      type: 'dispatch',
      stage: 'implement',
      story: 'B',
      context: { findings: ['security: blocker finding in app/auth.ts'] },
    });
    const clarified = step(storyBlocked(), { type: 'clarify', text: 'use the existing token helper' });
    expect(clarified.item).toMatchObject({ state: 'revising', revision_round: 2 });
    expect(clarified.effects).toContainEqual({
      type: 'dispatch',
      stage: 'implement',
      story: 'B',
      context: {
        answer: 'use the existing token helper',
        findings: ['security: blocker finding in app/auth.ts'],
      },
    });
    // With no round left, the next blocked gate blocks again instead of looping.
    const again = run(retried.item, [
      { type: 'head_pushed', head_sha: 'r3', by_human: false },
      blockedGate('r3'),
    ]);
    expect(again.state).toBe('blocked');
    expect(refusal(storyBlocked(), { type: 'retry', story: 'C' })).toBe(
      'cannot retry in state "blocked": this issue is story "B", not "C"',
    );
  });

  it('/clarify in review or awaiting merge approval revises with that text and drops the gate', () => {
    const fromReview = step(storyReviewing(), { type: 'clarify', text: 'rename the flag' });
    expect(fromReview.item.state).toBe('revising');
    expect(fromReview.effects).toContainEqual({
      type: 'dispatch',
      stage: 'implement',
      story: 'B',
      context: { answer: 'rename the flag' },
    });
    const fromMerge = step(storyAwaitingMerge(), { type: 'clarify', text: 'rename the flag' });
    expect(fromMerge.item).toMatchObject({ state: 'revising', revision_round: 0 });
    expect(fromMerge.item.gate).toBeUndefined();
  });

  it('a human push reviews the new head and drops the gate result of the old one', () => {
    for (const start of [
      storyReviewing(),
      storyAwaitingMerge(),
      storyBlocked(),
      step(storyReviewing(), blockedGate()).item,
    ]) {
      const { item, effects } = step(start, { type: 'head_pushed', head_sha: NEW_HEAD, by_human: true });
      expect(item.state).toBe('reviewing');
      expect(item.head_sha).toBe(NEW_HEAD);
      expect(item.gate).toBeUndefined();
      expect(effects).toContainEqual({
        type: 'post',
        message: 'head_changed',
        detail: `a human pushed fed9876 over ${start.head_sha!.slice(0, 7)}; the release gate runs again`,
      });
      expect(effects).toContainEqual({ type: 'dispatch', stage: 'review', story: 'B' });
      expect(refusal(item, { type: 'approve', actor: HUMAN })).toBe(
        'cannot approve in state "reviewing": the release gate has not approved head fed9876',
      );
    }
    expect(refusal(storyReviewing(), { type: 'head_pushed', head_sha: HEAD, by_human: true })).toBe(
      'cannot head_pushed in state "reviewing": the head is already abc1234',
    );
  });
});

describe('story: questions, failures, retries and cancelling', () => {
  it('questions while implementing: /clarify resumes implementing with the questions and answer', () => {
    const asked = step(newStory(), { type: 'questions', questions: ['Keep the v1 endpoint?'] });
    expect(asked.item).toMatchObject({ state: 'awaiting_clarification', resume_state: 'implementing' });
    const answered = step(asked.item, { type: 'clarify', text: 'yes' });
    expect(answered.item).toEqual(newStory());
    expect(answered.effects).toContainEqual({
      type: 'dispatch',
      stage: 'implement',
      story: 'B',
      context: { questions: ['Keep the v1 endpoint?'], answer: 'yes' },
    });
  });

  it('questions while revising: /clarify resumes revising with the findings as well', () => {
    const revising = step(storyReviewing(), blockedGate()).item;
    const asked = step(revising, { type: 'questions', questions: ['Is the helper allowed?'] });
    const answered = step(asked.item, { type: 'clarify', text: 'yes' });
    expect(answered.item).toEqual(revising);
    expect(answered.effects).toContainEqual({
      type: 'dispatch',
      stage: 'implement',
      story: 'B',
      context: {
        questions: ['Is the helper allowed?'],
        answer: 'yes',
        findings: ['security: blocker finding in app/auth.ts'],
      },
    });
  });

  it('a failed stage fails the story with the reason; /retry runs that stage again', () => {
    const failed = step(newStory(), {
      type: 'stage_failed',
      stage: 'implement',
      reason: 'tests still fail after 1 fix attempt',
      run_url: 'https://github.com/o/r/actions/runs/9',
    });
    expect(failed.item).toMatchObject({
      state: 'failed',
      resume_state: 'implementing',
      last_reason: 'tests still fail after 1 fix attempt',
      last_run_url: 'https://github.com/o/r/actions/runs/9',
    });
    expect(failed.effects).toEqual([
      { type: 'set_label', label: 'ai:failed' },
      { type: 'post', message: 'failed', detail: 'tests still fail after 1 fix attempt' },
      { type: 'notify_epic', epic: 7, event: { type: 'story_finished', story: 'B', outcome: 'failed' } },
    ]);
    const retried = step(failed.item, { type: 'retry', story: 'B' });
    expect(retried.item).toEqual(newStory());
    expect(retried.effects).toContainEqual({
      type: 'dispatch',
      stage: 'implement',
      story: 'B',
      context: { reason: 'tests still fail after 1 fix attempt' },
    });
    expect(refusal(newStory(), { type: 'stage_failed', stage: 'review', reason: 'late' })).toBe(
      'cannot stage_failed in state "implementing": no review stage is running (expected implement)',
    );
  });

  it('failures while revising and reviewing are retried in place', () => {
    const revising = step(storyReviewing(), blockedGate()).item;
    const revisingFailed = step(revising, {
      type: 'stage_failed',
      stage: 'implement',
      reason: 'budget reached',
    });
    const revisingRetried = step(revisingFailed.item, { type: 'retry' });
    expect(revisingRetried.item).toEqual(revising);
    expect(revisingRetried.effects).toContainEqual({
      type: 'dispatch',
      stage: 'implement',
      story: 'B',
      context: { reason: 'budget reached', findings: ['security: blocker finding in app/auth.ts'] },
    });

    const reviewFailed = step(storyReviewing(), {
      type: 'stage_failed',
      stage: 'release-gate',
      reason: 'no verdicts',
    });
    expect(reviewFailed.item.resume_state).toBe('reviewing');
    expect(step(reviewFailed.item, { type: 'retry' }).effects).toContainEqual({
      type: 'dispatch',
      stage: 'review',
      story: 'B',
    });
  });

  it('a failed merge needs a fresh human /approve: /retry never merges by itself', () => {
    const merging = step(storyAwaitingMerge(), { type: 'approve', actor: HUMAN }).item;
    const failed = step(merging, { type: 'stage_failed', stage: 'merge', reason: 'merge conflict' });
    expect(failed.item.resume_state).toBe('awaiting_merge_approval');
    const retried = step(failed.item, { type: 'retry' });
    expect(retried.item.state).toBe('awaiting_merge_approval');
    expect(retried.effects.some((effect) => effect.type === 'merge')).toBe(false);
    expect(retried.effects).toContainEqual({
      type: 'post',
      message: 'ready_to_merge',
      detail: 'the merge failed (merge conflict); /approve to try again',
    });
    expect(step(retried.item, { type: 'approve', actor: HUMAN }).effects).toContainEqual(
      expect.objectContaining({ type: 'merge', head_sha: HEAD }),
    );
  });

  it('/cancel cancels from any state that is not finished, and the epic hears it', () => {
    const { item, effects } = step(storyAwaitingMerge(), { type: 'cancel' });
    expect(item.state).toBe('cancelled');
    expect(effects).toEqual([
      { type: 'set_label', label: null },
      { type: 'post', message: 'cancelled' },
      { type: 'notify_epic', epic: 7, event: { type: 'story_finished', story: 'B', outcome: 'cancelled' } },
    ]);
    expect(refusal(item, { type: 'cancel' })).toBe(
      'cannot cancel in state "cancelled": the story is cancelled and accepts no more events',
    );
  });

  it('refuses events that belong to epics or to other states, listing what the state accepts', () => {
    expect(refusal(newStory(), { type: 'labelled' })).toBe(
      'cannot labelled in state "implementing": a story in this state accepts only questions, cancel, pr_opened, stage_failed',
    );
    expect(refusal(storyReviewing(), { type: 'validated', ok: true })).toBe(
      'cannot validated in state "reviewing": a story in this state accepts only clarify, cancel, head_pushed, gate_result, merged, stage_failed',
    );
    const odd: StoryItem = { ...newStory(), state: 'planning' };
    expect(refusal(odd, { type: 'cancel' })).toBe(
      'cannot cancel in state "planning": a story is never in this state',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The table as a whole

/** A path to every state of the design, from a new epic or a newly started story. */
const PATHS: Record<WorkState, () => WorkItem> = {
  new: () => createEpicItem(7),
  planning: () => run(createEpicItem(7), [{ type: 'labelled' }]),
  awaiting_plan_approval: epicAwaitingApproval,
  awaiting_clarification: () => run(newStory(), [{ type: 'questions', questions: ['Which table?'] }]),
  implementing: epicImplementing,
  reviewing: storyReviewing,
  revising: () => run(storyReviewing(), [blockedGate()]),
  blocked: storyBlocked,
  awaiting_merge_approval: storyAwaitingMerge,
  merging: () => run(storyAwaitingMerge(), [{ type: 'approve', actor: HUMAN }]),
  validating: () => run(storyAwaitingMerge(), [{ type: 'approve', actor: HUMAN }, { type: 'merged' }]),
  done: () =>
    run(storyAwaitingMerge(), [
      { type: 'approve', actor: HUMAN },
      { type: 'merged' },
      { type: 'validated', ok: true },
    ]),
  failed: () => run(newStory(), [{ type: 'stage_failed', stage: 'implement', reason: 'x' }]),
  cancelled: () => run(createEpicItem(7), [{ type: 'cancel' }]),
};

describe('the transition table', () => {
  it.each(WORK_STATES.map((state) => [state]))('reaches %s', (state) => {
    expect(PATHS[state]().state).toBe(state);
  });

  it('reaches every state from a new epic or a new story, following only rows of the table', () => {
    const rows = describeTable();
    const reached = new Set<WorkState>(['new', 'implementing']);
    for (let grew = true; grew;) {
      grew = false;
      for (const row of rows) {
        if (reached.has(row.from) && !reached.has(row.to)) {
          reached.add(row.to);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...WORK_STATES].sort());
  });

  it('has the merge effect in exactly one row: a story awaiting merge approval, on /approve', () => {
    expect(describeTable().filter((row) => row.effects.includes('merge'))).toEqual([
      {
        kind: 'story',
        from: 'awaiting_merge_approval',
        event: 'approve',
        to: 'merging',
        effects: ['set_label', 'merge'],
      },
    ]);
  });

  it('lets no event leave done or cancelled, and lets /cancel leave every other state of each kind', () => {
    const rows = describeTable();
    expect(rows.filter((row) => row.from === 'done' || row.from === 'cancelled')).toEqual([]);
    const cancellable = (kind: 'epic' | 'story') =>
      rows.filter((row) => row.kind === kind && row.event === 'cancel').map((row) => row.from);
    const statesOf = (kind: 'epic' | 'story') => [
      ...new Set(rows.filter((row) => row.kind === kind).flatMap((row) => [row.from, row.to])),
    ];
    for (const kind of ['epic', 'story'] as const) {
      expect(cancellable(kind).sort()).toEqual(
        statesOf(kind)
          .filter((state) => state !== 'done' && state !== 'cancelled')
          .sort(),
      );
    }
  });

  it('labels every state with a design state label, or none', () => {
    for (const state of WORK_STATES) {
      const label = STATE_LABEL[state];
      if (label !== null) expect(STATE_LABELS).toContain(label);
    }
    expect(STATE_LABEL.new).toBeNull();
    expect(STATE_LABEL.cancelled).toBeNull();
  });

  it('renders as a Markdown table with one line per row', () => {
    const markdown = describeTableMarkdown().split('\n');
    expect(markdown[0]).toBe('| kind | state | event | when | next state | effects |');
    expect(markdown).toHaveLength(describeTable().length + 2);
    expect(markdown).toContain(
      '| story | awaiting_merge_approval | approve |  | merging | set_label, merge |',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over random event sequences

const SHAS = ['1111111aaaa', '2222222bbbb', '3333333cccc'];
const STAGES: FailingStage[] = ['plan', 'implement', 'review', 'release-gate', 'merge', 'validate'];
const PLANS: DagNode[][] = [
  PLAN,
  [],
  [
    { id: 'A', depends_on: ['B'] },
    { id: 'B', depends_on: ['A'] },
  ],
  [{ id: 'A', depends_on: [] }],
];

/**
 * An event chosen by type and parameters; `build` then fills it in against the current item, so that
 * heads often match (`current`) and stories are often those of the plan. A `guided` choice takes its type
 * from the events the item's state has rows for (never /cancel, which would end most runs early); random
 * types alone would almost never get past the guards into the deeper states. Unguided choices keep
 * feeding events the state does not expect.
 */
const choice = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  guided: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
  current: fc.boolean(),
  flag: fc.boolean(),
  // Uniform rather than fc.nat(), which favours 0 and would pick the first candidate most of the time.
  which: fc.integer({ min: 0, max: 719 }),
  pick: fc.integer({ min: 0, max: 719 }),
  text: fc.constantFrom('', 'a reason', 'an answer'),
});
type Choice = typeof choice extends fc.Arbitrary<infer T> ? T : never;

const TABLE = describeTable();

function eventType(item: WorkItem, c: Choice): EventType {
  if (!c.guided) return c.type;
  const expected = [
    ...new Set(
      TABLE.filter((row) => row.kind === item.kind && row.from === item.state && row.event !== 'cancel').map(
        (row) => row.event,
      ),
    ),
  ];
  return expected.length === 0 ? c.type : expected[c.which % expected.length]!;
}

function build(item: WorkItem, c: Choice): WorkflowEvent {
  const sha =
    c.current && item.kind === 'story' && item.head_sha ? item.head_sha : SHAS[c.pick % SHAS.length]!;
  const ids = item.kind === 'epic' && item.plan ? item.plan.stories.map((story) => story.id) : ['A', 'Z'];
  const story = ids[c.pick % ids.length]!;
  const type = eventType(item, c);
  switch (type) {
    case 'labelled':
    case 'cancel':
      return { type };
    case 'plan_ready':
      return { type: 'plan_ready', stories: PLANS[c.pick % PLANS.length]! };
    case 'questions':
      return { type: 'questions', questions: c.flag ? ['why?'] : [] };
    case 'approve':
      return { type: 'approve', actor: c.current ? HUMAN : c.flag ? HUMAN : BOT };
    case 'reject':
      return { type: 'reject', reason: c.text };
    case 'clarify':
      return { type: 'clarify', text: c.text };
    case 'retry':
      return c.flag ? { type: 'retry', story } : { type: 'retry' };
    case 'pr_opened':
      return { type: 'pr_opened', pr: 40 + (c.pick % 3), head_sha: sha };
    case 'head_pushed':
      return { type: 'head_pushed', head_sha: SHAS[c.pick % SHAS.length]!, by_human: c.flag };
    case 'gate_result': {
      const decisions = ['approved', 'skipped', 'blocked'] as const;
      return { type: 'gate_result', decision: decisions[c.pick % 3]!, head_sha: sha, reasons: ['r'] };
    }
    case 'merged':
      return c.flag ? { type: 'merged', merge_sha: sha } : { type: 'merged' };
    case 'validated':
      return c.flag ? { type: 'validated', ok: true } : { type: 'validated', ok: false, reason: c.text };
    case 'stage_failed':
      return { type: 'stage_failed', stage: STAGES[c.pick % STAGES.length]!, reason: 'boom' };
    case 'story_finished': {
      const outcomes = ['done', 'done', 'failed', 'cancelled'] as const;
      return { type: 'story_finished', story, outcome: outcomes[c.pick % 4]! };
    }
    case 'story_resumed':
      return { type: 'story_resumed', story };
  }
}

const policyArbitrary = fc
  .record({
    require_approval: fc.boolean(),
    revision_rounds: fc.integer({ min: 0, max: 2 }),
    max_parallel: fc.integer({ min: 1, max: 3 }),
  })
  .map((knobs) =>
    withPolicy((p) => {
      p.plan.require_approval = knobs.require_approval;
      p.review.revision_rounds = knobs.revision_rounds;
      p.implement.max_parallel_stories = knobs.max_parallel;
    }),
  );

const startArbitrary = fc.constantFrom<() => WorkItem>(() => createEpicItem(7), newStory);

/** Whether a value is JSON data that survives a round trip unchanged: no undefined, no class, no NaN. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainJson);
}

/** Every state any run visited, to show the properties were exercised across the whole table. */
const visited = new Set<WorkState>();

describe('properties of the state machine', () => {
  const rows = describeTable();

  it('accepts only rows of the table; refused events leave the item unchanged; items stay JSON', () => {
    fc.assert(
      fc.property(
        startArbitrary,
        policyArbitrary,
        fc.array(choice, { minLength: 30, maxLength: 60 }),
        (start, policy, choices) => {
          let item = start();
          visited.add(item.state);
          for (const c of choices) {
            const event = build(item, c);
            // node:assert inside the loop: jest's expect costs ~40µs a call, too much for ~20k events.
            // Items are JSON data, so their serialisation compares them exactly.
            const before = JSON.stringify(item);
            const result = transition(item, event, policy);
            assert.equal(JSON.stringify(item), before, `${event.type} changed the item it was given`);
            if (!result.ok) {
              assert.ok(
                result.reason.startsWith(`cannot ${event.type} in state "${item.state}": `),
                `a refusal names the event and the state: ${result.reason}`,
              );
              continue;
            }
            const matching = rows.filter(
              (row) =>
                row.kind === item.kind &&
                row.from === item.state &&
                row.event === event.type &&
                row.to === result.item.state,
            );
            assert.ok(
              matching.length > 0,
              `no row ${item.kind} ${item.state} --${event.type}--> ${result.item.state}`,
            );
            const allowed = new Set(matching.flatMap((row) => row.effects));
            for (const effect of result.effects) {
              assert.ok(allowed.has(effect.type), `${effect.type} is not among the row's effects`);
            }
            assert.ok(isPlainJson(result.item), 'the item is plain JSON data');
            assert.ok(isPlainJson(result.effects), 'the effects are plain JSON data');
            item = result.item;
            visited.add(item.state);
          }
        },
      ),
      { numRuns: 400 },
    );
    expect([...visited].sort()).toEqual([...WORK_STATES].sort());
  });

  it('emits a merge only right after a human /approve with an approved or skipped gate on the current head', () => {
    let merges = 0;
    fc.assert(
      fc.property(policyArbitrary, fc.array(choice, { minLength: 30, maxLength: 60 }), (policy, choices) => {
        let item: WorkItem = newStory();
        for (const c of choices) {
          const event = build(item, c);
          const result = transition(item, event, policy);
          if (!result.ok) continue;
          const merge = result.effects.find(
            (effect): effect is Extract<Effect, { type: 'merge' }> => effect.type === 'merge',
          );
          if (merge) {
            merges++;
            expect(event.type === 'approve' && event.actor.human).toBe(true);
            expect(item.state).toBe('awaiting_merge_approval');
            if (item.kind !== 'story') throw new Error('a merge from an epic');
            expect(['approved', 'skipped']).toContain(item.gate?.decision);
            expect(item.gate?.head_sha).toBe(item.head_sha);
            expect(merge.head_sha).toBe(item.head_sha);
            expect(merge.pr).toBe(item.pr);
          }
          // A finished story starts over, so each run can reach the merge more than once.
          item = result.item.state === 'done' || result.item.state === 'cancelled' ? newStory() : result.item;
        }
      }),
      { numRuns: 400 },
    );
    // The property is only worth something if merges happened.
    expect(merges).toBeGreaterThan(0);
  });
});
