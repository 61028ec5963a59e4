/**
 * The transition table of the state machine (design §4): one row per kind of item, state(s), event and
 * branch, with its guard and the effects it emits. core/workflow.ts applies it; this module only says it.
 */
import {
  planCopy,
  planProblems,
  planSummary,
  progress,
  retryStories,
  schedule,
  storyIds,
  storyMayFinish,
  stuckReason,
} from './epic-stories.js';
import type { Policy } from './policy.js';
import type {
  DispatchContext,
  DispatchStage,
  Effect,
  EffectType,
  EpicItem,
  EventType,
  FailingStage,
  StoryFinishedEvent,
  StoryItem,
  WorkflowEvent,
  WorkItem,
  WorkItemKind,
  WorkState,
} from './work-item.js';

export type ItemOf<K extends WorkItemKind> = Extract<WorkItem, { kind: K }>;
export type EventOf<T extends EventType> = Extract<WorkflowEvent, { type: T }>;

/**
 * One row of the table. Several rows may share a kind, state and event; their `when` conditions pick one
 * (the first that holds, in table order). `apply` never chooses the state: the row's `to` does, so no
 * event can lead anywhere the table does not say.
 */
export interface TransitionRule<K extends WorkItemKind = WorkItemKind, T extends EventType = EventType> {
  kind: K;
  from: readonly WorkState[];
  on: T;
  /** Which row applies when several share a state and event; absent: this row always applies. */
  when?: {
    text: string;
    test(item: ItemOf<K>, event: EventOf<T>, policy: Policy): boolean;
  };
  to: WorkState;
  /** The effects `apply` may emit, for docs and tests; `set_label` is added whenever the label changes. */
  effects: readonly EffectType[];
  /** Why the event is refused, or undefined when it may go ahead. */
  guard?(item: ItemOf<K>, event: EventOf<T>, policy: Policy): string | undefined;
  /** The item's new fields (its state is then set to `to`) and the effects, in the order to carry them out. */
  apply(item: ItemOf<K>, event: EventOf<T>, policy: Policy): { item: ItemOf<K>; effects: Effect[] };
}

// Widens a row written for one kind and event to the table's row type. Safe because `transition` calls a
// row only with an item of the row's kind and an event of the row's type: it filters on both first.
const rule = <K extends WorkItemKind, T extends EventType>(spec: TransitionRule<K, T>): TransitionRule =>
  spec as unknown as TransitionRule;

// ---------------------------------------------------------------------------------------------------------
// Helpers shared by the rows

/** A commit as people read it in comments. */
export const short = (sha: string | undefined): string => (sha === undefined ? '(none)' : sha.slice(0, 7));

/** The item without the given fields (removed rather than set to undefined, so JSON round trips are exact). */
function without<I extends object, F extends keyof I>(item: I, ...fields: F[]): Omit<I, F> {
  const copy = { ...item };
  for (const field of fields) delete copy[field];
  return copy;
}

/** A dispatch effect, with a context only when there is something in it. */
function dispatch(stage: DispatchStage, story: string | undefined, context: DispatchContext = {}): Effect {
  const present = Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
  return {
    type: 'dispatch',
    stage,
    ...(story === undefined ? {} : { story }),
    ...(Object.keys(present).length > 0 ? { context: present as DispatchContext } : {}),
  };
}

/** The release gate's blocking reasons, which a revision round must address. */
const findingsOf = (item: StoryItem): string[] | undefined =>
  item.gate?.decision === 'blocked' ? item.gate.reasons : undefined;

const nonEmpty = (text: string, what: string): string | undefined =>
  text.trim() === '' ? `${what} is empty` : undefined;

const humanOnly = (actor: { login: string; human: boolean }): string | undefined =>
  actor.human ? undefined : `approvals must come from a human, and "${actor.login}" is not one`;

/** Which failing stages belong to which state: a failure of another stage is a stale report. */
const STAGES_OF_STATE: Partial<Record<WorkState, readonly FailingStage[]>> = {
  planning: ['plan'],
  implementing: ['implement'],
  revising: ['implement'],
  reviewing: ['review', 'release-gate'],
  merging: ['merge'],
  validating: ['validate'],
};

function stageBelongs(item: WorkItem, stage: FailingStage): string | undefined {
  const stages = STAGES_OF_STATE[item.state] ?? [];
  return stages.includes(stage)
    ? undefined
    : `no ${stage} stage is running (expected ${stages.join(' or ')})`;
}

/** The state `/retry` returns to after a failure in `state`: a failed merge needs a new human `/approve`. */
const retryStateAfter = (state: WorkState): WorkState =>
  state === 'merging' ? 'awaiting_merge_approval' : state;

// ---------------------------------------------------------------------------------------------------------
// Epics

/** An epic after one of its stories finished, with the stories that may now start marked running. */
function afterStoryFinished(epic: EpicItem, event: EventOf<'story_finished'>, policy: Policy) {
  const plan = epic.plan!;
  const scheduled = schedule(plan, { ...epic.stories, [event.story]: event.outcome }, policy);
  return { ...scheduled, progress: progress(plan, scheduled.stories) };
}

/** The epic once its plan is accepted: the story issues are created and the first stories start. */
function startPlan(epic: EpicItem, policy: Policy): { item: EpicItem; effects: Effect[] } {
  const plan = epic.plan!;
  const pending = Object.fromEntries(storyIds(plan).map((id) => [id, 'pending' as const]));
  const { stories, started } = schedule(plan, pending, policy);
  return {
    item: { ...epic, stories },
    effects: [
      { type: 'create_story_issues', stories: storyIds(plan) },
      ...started.map((story): Effect => ({ type: 'start_story', story })),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Stories

/** Tells the epic how this story ended, or that it runs again after a failure. */
function notifyEpic(item: StoryItem, outcome: StoryFinishedEvent['outcome'] | 'resumed'): Effect {
  return {
    type: 'notify_epic',
    epic: item.epic,
    event:
      outcome === 'resumed'
        ? { type: 'story_resumed', story: item.story }
        : { type: 'story_finished', story: item.story, outcome },
  };
}

function gateIsOnCurrentHead(item: StoryItem, event: EventOf<'gate_result'>): string | undefined {
  return event.head_sha === item.head_sha
    ? undefined
    : `the gate decided on head ${short(event.head_sha)}, but the current head is ${short(item.head_sha)}`;
}

function storyMatches(item: StoryItem, story: string | undefined): string | undefined {
  return story === undefined || story === item.story
    ? undefined
    : `this issue is story "${item.story}", not "${story}"`;
}

/** The story once `/retry` leaves `failed` for `resume_state`; the epic hears that it runs again. */
function resumeStory(item: StoryItem, effect: Effect): { item: StoryItem; effects: Effect[] } {
  return { item, effects: [effect, notifyEpic(item, 'resumed')] };
}

const failStory = (item: StoryItem, reason: string, runUrl?: string) => ({
  item: {
    ...item,
    resume_state: retryStateAfter(item.state),
    last_reason: reason,
    ...(runUrl === undefined ? {} : { last_run_url: runUrl }),
  },
  effects: [{ type: 'post', message: 'failed', detail: reason } satisfies Effect, notifyEpic(item, 'failed')],
});

// ---------------------------------------------------------------------------------------------------------
// The table

const EPIC_ACTIVE: readonly WorkState[] = [
  'new',
  'planning',
  'awaiting_plan_approval',
  'awaiting_clarification',
  'implementing',
  'failed',
];
const STORY_ACTIVE: readonly WorkState[] = [
  'implementing',
  'reviewing',
  'revising',
  'blocked',
  'awaiting_clarification',
  'awaiting_merge_approval',
  'merging',
  'validating',
  'failed',
];
/** The states of a story with a pull request whose head a push can move or a human can merge. */
const STORY_WITH_OPEN_PR: readonly WorkState[] = [
  'reviewing',
  'revising',
  'blocked',
  'awaiting_merge_approval',
];

export const WORKFLOW_TABLE: readonly TransitionRule[] = [
  // --- epic ---------------------------------------------------------------------------------------------
  rule({
    kind: 'epic',
    from: ['new'],
    on: 'labelled',
    to: 'planning',
    effects: ['dispatch'],
    apply: (item) => ({ item, effects: [dispatch('plan', undefined)] }),
  }),
  rule({
    kind: 'epic',
    from: ['planning'],
    on: 'plan_ready',
    when: {
      text: 'the plan is invalid (no stories, more than plan.max_stories, or not a DAG)',
      test: (_item, event, policy) => planProblems(event.stories, policy).length > 0,
    },
    to: 'failed',
    effects: ['post'],
    apply: (item, event, policy) => {
      const problems = planProblems(event.stories, policy);
      return {
        item: {
          ...item,
          resume_state: 'planning',
          last_reason: `the plan is invalid: ${problems.join('; ')}`,
        },
        effects: [{ type: 'post', message: 'failed', detail: 'the plan is invalid', items: problems }],
      };
    },
  }),
  rule({
    kind: 'epic',
    from: ['planning'],
    on: 'plan_ready',
    when: {
      text: 'the plan is valid, plan.require_approval',
      test: (_item, event, policy) =>
        policy.plan.require_approval && planProblems(event.stories, policy).length === 0,
    },
    to: 'awaiting_plan_approval',
    effects: ['post'],
    apply: (item, event) => ({
      item: { ...item, plan: { stories: planCopy(event.stories) } },
      effects: [
        { type: 'post', message: 'plan', detail: planSummary(event.stories), items: storyIds(event) },
      ],
    }),
  }),
  rule({
    kind: 'epic',
    from: ['planning'],
    on: 'plan_ready',
    when: {
      text: 'the plan is valid, not plan.require_approval',
      test: (_item, event, policy) =>
        !policy.plan.require_approval && planProblems(event.stories, policy).length === 0,
    },
    to: 'implementing',
    effects: ['post', 'create_story_issues', 'start_story'],
    apply: (item, event, policy) => {
      const started = startPlan({ ...item, plan: { stories: planCopy(event.stories) } }, policy);
      return {
        item: started.item,
        effects: [
          { type: 'post', message: 'plan', detail: planSummary(event.stories), items: storyIds(event) },
          ...started.effects,
        ],
      };
    },
  }),
  rule({
    kind: 'epic',
    from: ['planning'],
    on: 'questions',
    to: 'awaiting_clarification',
    effects: ['post'],
    guard: (_item, event) => (event.questions.length === 0 ? 'the list of questions is empty' : undefined),
    apply: (item, event) => ({
      item: { ...item, resume_state: item.state, questions: [...event.questions] },
      effects: [{ type: 'post', message: 'questions', items: [...event.questions] }],
    }),
  }),
  rule({
    kind: 'epic',
    from: ['awaiting_clarification'],
    on: 'clarify',
    when: { text: 'asked while planning', test: (item) => item.resume_state === 'planning' },
    to: 'planning',
    effects: ['dispatch'],
    guard: (_item, event) => nonEmpty(event.text, 'the answer'),
    apply: (item, event) => ({
      item,
      effects: [dispatch('plan', undefined, { questions: item.questions, answer: event.text })],
    }),
  }),
  rule({
    kind: 'epic',
    from: ['awaiting_plan_approval'],
    on: 'approve',
    to: 'implementing',
    effects: ['create_story_issues', 'start_story'],
    guard: (_item, event) => humanOnly(event.actor),
    apply: (item, event, policy) => startPlan({ ...item, approved_by: event.actor.login }, policy),
  }),
  rule({
    kind: 'epic',
    from: ['awaiting_plan_approval'],
    on: 'reject',
    to: 'planning',
    effects: ['dispatch'],
    guard: (_item, event) => nonEmpty(event.reason, 'the reason'),
    apply: (item, event) => ({
      item: without(item, 'plan'),
      effects: [dispatch('plan', undefined, { reason: event.reason })],
    }),
  }),
  rule({
    kind: 'epic',
    from: ['awaiting_plan_approval'],
    on: 'clarify',
    to: 'planning',
    effects: ['dispatch'],
    guard: (_item, event) => nonEmpty(event.text, 'the text'),
    apply: (item, event) => ({
      item: without(item, 'plan'),
      effects: [dispatch('plan', undefined, { answer: event.text })],
    }),
  }),
  rule({
    kind: 'epic',
    from: ['implementing'],
    on: 'story_finished',
    when: {
      text: 'every story is done',
      test: (item, event, policy) => afterStoryFinished(item, event, policy).progress === 'done',
    },
    to: 'done',
    effects: ['post'],
    guard: (item, event) => storyMayFinish(item.stories, event.story, event.outcome),
    apply: (item, event, policy) => ({
      item: { ...item, stories: afterStoryFinished(item, event, policy).stories },
      effects: [{ type: 'post', message: 'done', items: storyIds(item.plan!) }],
    }),
  }),
  rule({
    kind: 'epic',
    from: ['implementing'],
    on: 'story_finished',
    when: {
      text: 'stories are still at work (after starting those now ready)',
      test: (item, event, policy) => afterStoryFinished(item, event, policy).progress === 'running',
    },
    to: 'implementing',
    effects: ['start_story'],
    guard: (item, event) => storyMayFinish(item.stories, event.story, event.outcome),
    apply: (item, event, policy) => {
      const next = afterStoryFinished(item, event, policy);
      return {
        item: { ...item, stories: next.stories },
        effects: next.started.map((story): Effect => ({ type: 'start_story', story })),
      };
    },
  }),
  rule({
    kind: 'epic',
    from: ['implementing'],
    on: 'story_finished',
    when: {
      text: 'no story is at work and none can start',
      test: (item, event, policy) => afterStoryFinished(item, event, policy).progress === 'stuck',
    },
    to: 'failed',
    effects: ['post'],
    guard: (item, event) => storyMayFinish(item.stories, event.story, event.outcome),
    apply: (item, event, policy) => {
      const { stories } = afterStoryFinished(item, event, policy);
      const reason = stuckReason(item.plan!, stories);
      return {
        item: { ...item, stories, resume_state: 'implementing', last_reason: reason },
        effects: [{ type: 'post', message: 'failed', detail: reason }],
      };
    },
  }),
  rule({
    kind: 'epic',
    from: ['failed'],
    on: 'story_finished',
    when: { text: 'a failed story was cancelled', test: (_item, event) => event.outcome === 'cancelled' },
    to: 'failed',
    effects: [],
    guard: (item, event) => storyMayFinish(item.stories, event.story, event.outcome),
    apply: (item, event) => {
      const stories = { ...item.stories, [event.story]: event.outcome };
      return { item: { ...item, stories, last_reason: stuckReason(item.plan!, stories) }, effects: [] };
    },
  }),
  rule({
    kind: 'epic',
    from: ['implementing', 'failed'],
    on: 'story_resumed',
    when: {
      text: 'the epic was implementing',
      test: (item) => item.state === 'implementing' || item.resume_state === 'implementing',
    },
    to: 'implementing',
    effects: [],
    guard: (item, event) => {
      const status =
        item.stories && Object.hasOwn(item.stories, event.story) ? item.stories[event.story] : undefined;
      if (status === undefined) return `story "${event.story}" is not in the plan`;
      // `running`: the epic's own /retry already counted the story as running again.
      return status === 'failed' || status === 'running' ? undefined : `story "${event.story}" is ${status}`;
    },
    apply: (item, event) => ({
      item: { ...item, stories: { ...item.stories, [event.story]: 'running' } },
      effects: [],
    }),
  }),
  rule({
    kind: 'epic',
    from: ['implementing', 'failed'],
    on: 'retry',
    when: {
      text: 'the epic was implementing',
      test: (item) => item.state === 'implementing' || item.resume_state === 'implementing',
    },
    to: 'implementing',
    effects: ['retry_story', 'start_story'],
    guard: (item, event, policy) =>
      retryStories(item.plan ?? { stories: [] }, item.stories ?? {}, event.story, policy).problem,
    apply: (item, event, policy) => {
      const next = retryStories(item.plan ?? { stories: [] }, item.stories ?? {}, event.story, policy);
      return {
        item: { ...item, stories: next.stories },
        effects: [
          ...next.retried.map((story): Effect => ({ type: 'retry_story', story })),
          ...next.started.map((story): Effect => ({ type: 'start_story', story })),
        ],
      };
    },
  }),
  rule({
    kind: 'epic',
    from: ['failed'],
    on: 'retry',
    when: { text: 'the epic failed while planning', test: (item) => item.resume_state === 'planning' },
    to: 'planning',
    effects: ['dispatch'],
    guard: (_item, event) =>
      event.story === undefined
        ? undefined
        : `the plan was never accepted, so there is no story "${event.story}"`,
    apply: (item) => ({ item, effects: [dispatch('plan', undefined, { reason: item.last_reason })] }),
  }),
  rule({
    kind: 'epic',
    from: ['planning'],
    on: 'stage_failed',
    to: 'failed',
    effects: ['post'],
    guard: (item, event) => stageBelongs(item, event.stage),
    apply: (item, event) => ({
      item: {
        ...item,
        resume_state: 'planning',
        last_reason: event.reason,
        ...(event.run_url === undefined ? {} : { last_run_url: event.run_url }),
      },
      effects: [{ type: 'post', message: 'failed', detail: event.reason }],
    }),
  }),
  rule({
    kind: 'epic',
    from: EPIC_ACTIVE,
    on: 'cancel',
    to: 'cancelled',
    effects: ['cancel_story', 'post'],
    apply: (item) => ({
      item,
      effects: [
        // A failed story's item is not finished (it could be retried): it is cancelled with the epic.
        ...Object.entries(item.stories ?? {})
          .filter(([, status]) => status === 'running' || status === 'failed')
          .map(([story]): Effect => ({ type: 'cancel_story', story })),
        { type: 'post', message: 'cancelled' },
      ],
    }),
  }),

  // --- story --------------------------------------------------------------------------------------------
  rule({
    kind: 'story',
    from: ['implementing'],
    on: 'pr_opened',
    to: 'reviewing',
    effects: ['dispatch'],
    apply: (item, event) => ({
      item: { ...without(item, 'gate'), pr: event.pr, head_sha: event.head_sha },
      effects: [dispatch('review', item.story)],
    }),
  }),
  rule({
    kind: 'story',
    from: ['implementing', 'revising'],
    on: 'questions',
    to: 'awaiting_clarification',
    effects: ['post'],
    guard: (_item, event) => (event.questions.length === 0 ? 'the list of questions is empty' : undefined),
    apply: (item, event) => ({
      item: { ...item, resume_state: item.state, questions: [...event.questions] },
      effects: [{ type: 'post', message: 'questions', items: [...event.questions] }],
    }),
  }),
  rule({
    kind: 'story',
    from: ['awaiting_clarification'],
    on: 'clarify',
    when: { text: 'asked while implementing', test: (item) => item.resume_state === 'implementing' },
    to: 'implementing',
    effects: ['dispatch'],
    guard: (_item, event) => nonEmpty(event.text, 'the answer'),
    apply: (item, event) => ({
      item,
      effects: [dispatch('implement', item.story, { questions: item.questions, answer: event.text })],
    }),
  }),
  rule({
    kind: 'story',
    from: ['awaiting_clarification'],
    on: 'clarify',
    when: { text: 'asked while revising', test: (item) => item.resume_state === 'revising' },
    to: 'revising',
    effects: ['dispatch'],
    guard: (_item, event) => nonEmpty(event.text, 'the answer'),
    apply: (item, event) => ({
      item,
      effects: [
        dispatch('implement', item.story, {
          questions: item.questions,
          answer: event.text,
          findings: findingsOf(item),
        }),
      ],
    }),
  }),
  rule({
    kind: 'story',
    from: ['reviewing'],
    on: 'gate_result',
    when: { text: 'approved or skipped', test: (_item, event) => event.decision !== 'blocked' },
    to: 'awaiting_merge_approval',
    effects: ['post'],
    guard: gateIsOnCurrentHead,
    apply: (item, event) => ({
      item: {
        ...item,
        gate: { decision: event.decision, head_sha: event.head_sha, reasons: [...event.reasons] },
      },
      effects: [
        {
          type: 'post',
          message: 'ready_to_merge',
          detail: `${event.decision} for ${short(event.head_sha)}`,
          items: [...event.reasons],
        },
      ],
    }),
  }),
  rule({
    kind: 'story',
    from: ['reviewing'],
    on: 'gate_result',
    when: {
      text: 'blocked, revision rounds left (review.revision_rounds)',
      test: (item, event, policy) =>
        event.decision === 'blocked' && item.revision_round < policy.review.revision_rounds,
    },
    to: 'revising',
    effects: ['dispatch'],
    guard: gateIsOnCurrentHead,
    apply: (item, event) => ({
      item: {
        ...item,
        gate: { decision: event.decision, head_sha: event.head_sha, reasons: [...event.reasons] },
        revision_round: item.revision_round + 1,
      },
      effects: [dispatch('implement', item.story, { findings: [...event.reasons] })],
    }),
  }),
  rule({
    kind: 'story',
    from: ['reviewing'],
    on: 'gate_result',
    when: {
      text: 'blocked, no revision round left',
      test: (item, event, policy) =>
        event.decision === 'blocked' && item.revision_round >= policy.review.revision_rounds,
    },
    to: 'blocked',
    effects: ['post'],
    guard: gateIsOnCurrentHead,
    apply: (item, event) => ({
      item: {
        ...item,
        gate: { decision: event.decision, head_sha: event.head_sha, reasons: [...event.reasons] },
      },
      effects: [
        {
          type: 'post',
          message: 'blocked',
          detail: `blocked on ${short(event.head_sha)}`,
          items: [...event.reasons],
        },
      ],
    }),
  }),
  rule({
    kind: 'story',
    from: STORY_WITH_OPEN_PR,
    on: 'head_pushed',
    to: 'reviewing',
    effects: ['post', 'dispatch'],
    guard: (item, event) =>
      event.head_sha === item.head_sha ? `the head is already ${short(event.head_sha)}` : undefined,
    apply: (item, event) => ({
      item: { ...without(item, 'gate'), head_sha: event.head_sha },
      // A revision pushed by the developer role is the expected way out of `revising`; a human push is news
      // worth a comment, since it drops whatever the gate had decided.
      effects: [
        ...(event.by_human
          ? [
              {
                type: 'post',
                message: 'head_changed',
                detail: `a human pushed ${short(event.head_sha)} over ${short(item.head_sha)}; the release gate runs again`,
              } satisfies Effect,
            ]
          : []),
        dispatch('review', item.story),
      ],
    }),
  }),
  rule({
    kind: 'story',
    from: ['reviewing', 'awaiting_merge_approval'],
    on: 'clarify',
    to: 'revising',
    effects: ['dispatch'],
    guard: (_item, event) => nonEmpty(event.text, 'the text'),
    // A human asked for changes: the gate's decision no longer describes what will be merged.
    apply: (item, event) => ({
      item: without(item, 'gate'),
      effects: [dispatch('implement', item.story, { answer: event.text })],
    }),
  }),
  rule({
    kind: 'story',
    from: ['blocked'],
    on: 'clarify',
    to: 'revising',
    effects: ['dispatch'],
    guard: (_item, event) => nonEmpty(event.text, 'the text'),
    apply: (item, event) => ({
      item,
      effects: [dispatch('implement', item.story, { answer: event.text, findings: findingsOf(item) })],
    }),
  }),
  rule({
    kind: 'story',
    from: ['blocked'],
    on: 'retry',
    to: 'revising',
    effects: ['dispatch'],
    guard: (item, event) => storyMatches(item, event.story),
    apply: (item) => ({ item, effects: [dispatch('implement', item.story, { findings: findingsOf(item) })] }),
  }),
  rule({
    kind: 'story',
    from: ['awaiting_merge_approval'],
    on: 'approve',
    to: 'merging',
    effects: ['merge'],
    guard: (item, event) => {
      const notHuman = humanOnly(event.actor);
      if (notHuman) return notHuman;
      if (item.pr === undefined || item.head_sha === undefined) return 'there is no pull request to merge';
      if (item.gate === undefined || item.gate.decision === 'blocked') {
        return `the release gate has not approved head ${short(item.head_sha)}`;
      }
      if (item.gate.head_sha !== item.head_sha) {
        return `the release gate ${item.gate.decision} head ${short(item.gate.head_sha)}, but the current head is ${short(item.head_sha)}`;
      }
      return undefined;
    },
    apply: (item, event, policy) => ({
      item: { ...item, approved_by: event.actor.login },
      effects: [
        {
          type: 'merge',
          pr: item.pr!,
          head_sha: item.head_sha!,
          method: policy.merge.method,
          approved_by: event.actor.login,
        },
      ],
    }),
  }),
  rule({
    kind: 'story',
    from: ['merging'],
    on: 'merged',
    to: 'validating',
    effects: ['post', 'dispatch'],
    apply: (item, event) => ({
      item: { ...item, ...(event.merge_sha === undefined ? {} : { merge_sha: event.merge_sha }) },
      effects: [
        {
          type: 'post',
          message: 'merged',
          ...(event.merge_sha === undefined ? {} : { detail: short(event.merge_sha) }),
        },
        dispatch('validate', item.story),
      ],
    }),
  }),
  rule({
    kind: 'story',
    from: STORY_WITH_OPEN_PR,
    on: 'merged',
    to: 'validating',
    effects: ['post', 'dispatch'],
    // A human merged on GitHub without /approve: their decision, which the system validates like its own.
    apply: (item, event) => ({
      item: { ...item, ...(event.merge_sha === undefined ? {} : { merge_sha: event.merge_sha }) },
      effects: [
        {
          type: 'post',
          message: 'merged',
          detail: `merged outside /approve${event.merge_sha === undefined ? '' : ` as ${short(event.merge_sha)}`}`,
        },
        dispatch('validate', item.story),
      ],
    }),
  }),
  rule({
    kind: 'story',
    from: ['validating'],
    on: 'validated',
    when: { text: 'ok', test: (_item, event) => event.ok },
    to: 'done',
    effects: ['post', 'notify_epic'],
    apply: (item) => ({
      item,
      effects: [{ type: 'post', message: 'done' }, notifyEpic(item, 'done')],
    }),
  }),
  rule({
    kind: 'story',
    from: ['validating'],
    on: 'validated',
    when: { text: 'not ok', test: (_item, event) => !event.ok },
    to: 'failed',
    effects: ['post', 'notify_epic'],
    apply: (item, event) => failStory(item, `validation failed: ${event.reason ?? 'no reason given'}`),
  }),
  rule({
    kind: 'story',
    from: ['implementing', 'revising', 'reviewing', 'merging', 'validating'],
    on: 'stage_failed',
    to: 'failed',
    effects: ['post', 'notify_epic'],
    guard: (item, event) => stageBelongs(item, event.stage),
    apply: (item, event) => failStory(item, event.reason, event.run_url),
  }),
  rule({
    kind: 'story',
    from: ['failed'],
    on: 'retry',
    when: { text: 'failed while implementing', test: (item) => item.resume_state === 'implementing' },
    to: 'implementing',
    effects: ['dispatch', 'notify_epic'],
    guard: (item, event) => storyMatches(item, event.story),
    apply: (item) => resumeStory(item, dispatch('implement', item.story, { reason: item.last_reason })),
  }),
  rule({
    kind: 'story',
    from: ['failed'],
    on: 'retry',
    when: { text: 'failed while revising', test: (item) => item.resume_state === 'revising' },
    to: 'revising',
    effects: ['dispatch', 'notify_epic'],
    guard: (item, event) => storyMatches(item, event.story),
    apply: (item) =>
      resumeStory(
        item,
        dispatch('implement', item.story, { reason: item.last_reason, findings: findingsOf(item) }),
      ),
  }),
  rule({
    kind: 'story',
    from: ['failed'],
    on: 'retry',
    when: { text: 'failed while reviewing', test: (item) => item.resume_state === 'reviewing' },
    to: 'reviewing',
    effects: ['dispatch', 'notify_epic'],
    guard: (item, event) => storyMatches(item, event.story),
    apply: (item) => resumeStory(item, dispatch('review', item.story)),
  }),
  rule({
    kind: 'story',
    from: ['failed'],
    on: 'retry',
    when: { text: 'the merge failed', test: (item) => item.resume_state === 'awaiting_merge_approval' },
    to: 'awaiting_merge_approval',
    effects: ['post', 'notify_epic'],
    guard: (item, event) => storyMatches(item, event.story),
    // Never merges by itself: the merge needs a fresh human /approve.
    apply: (item) =>
      resumeStory(item, {
        type: 'post',
        message: 'ready_to_merge',
        detail: `the merge failed (${item.last_reason ?? 'no reason given'}); /approve to try again`,
      }),
  }),
  rule({
    kind: 'story',
    from: ['failed'],
    on: 'retry',
    when: { text: 'failed while validating', test: (item) => item.resume_state === 'validating' },
    to: 'validating',
    effects: ['dispatch', 'notify_epic'],
    guard: (item, event) => storyMatches(item, event.story),
    apply: (item) => resumeStory(item, dispatch('validate', item.story)),
  }),
  rule({
    kind: 'story',
    from: STORY_ACTIVE,
    on: 'cancel',
    to: 'cancelled',
    effects: ['post', 'notify_epic'],
    apply: (item) => ({
      item,
      effects: [{ type: 'post', message: 'cancelled' }, notifyEpic(item, 'cancelled')],
    }),
  }),
];
