/**
 * The data of the state machine (design §4): work items, the events fed into them and the effects they
 * ask for. Everything here is plain JSON data (no classes, no functions, no Dates), so the app can store a
 * work item as a JSON column, read it back, and feed it to `transition` (core/workflow.ts) again.
 */
import type { DagNode, StoryStatus } from './dag.js';
import type { Policy, STATE_LABELS } from './policy.js';
import type { Stage } from './roles.js';

export const WORK_STATES = [
  'new',
  'planning',
  'awaiting_plan_approval',
  'awaiting_clarification',
  'implementing',
  'reviewing',
  'revising',
  'blocked',
  'awaiting_merge_approval',
  'merging',
  'validating',
  'done',
  'failed',
  'cancelled',
] as const;
export type WorkState = (typeof WORK_STATES)[number];

/** States no event leaves. `failed` is not one of them: `/retry` leaves it. */
export const TERMINAL_STATES: readonly WorkState[] = ['done', 'cancelled'];

export type StateLabel = (typeof STATE_LABELS)[number];

/**
 * The label the app shows for each state (design §3). `null` means no state label: a new item still has
 * only its trigger label, and a cancelled one has its state label removed.
 */
export const STATE_LABEL: Readonly<Record<WorkState, StateLabel | null>> = {
  new: null,
  planning: 'ai:planning',
  awaiting_plan_approval: 'ai:awaiting-approval',
  awaiting_clarification: 'ai:needs-clarification',
  implementing: 'ai:in-progress',
  reviewing: 'ai:in-review',
  // The developer role is at work again, on the reviewers' findings.
  revising: 'ai:in-progress',
  blocked: 'ai:blocked',
  awaiting_merge_approval: 'ai:awaiting-approval',
  // Merging and validating happen after the human decision, while the system is still at work.
  merging: 'ai:in-progress',
  validating: 'ai:in-progress',
  done: 'ai:done',
  failed: 'ai:failed',
  cancelled: null,
};

export type WorkItemKind = 'epic' | 'story';

/** One story of an approved plan, as the state machine keeps it: only what scheduling needs. */
export type PlanStory = DagNode;

export type GateOutcome = 'approved' | 'skipped' | 'blocked';
export type MergeMethod = Policy['merge']['method'];

/** What both kinds of item carry. */
interface WorkItemBase {
  state: WorkState;
  /** The GitHub issue of the item: the labelled issue of an epic, the sub-issue of a story. */
  issue: number;
  /**
   * The state a human command returns to: from `awaiting_clarification`, the state that asked the
   * questions (`/clarify`); from `failed`, the state to run again (`/retry`). Absent in every other state.
   */
  resume_state?: WorkState;
  /** The questions waiting for an answer; present only in `awaiting_clarification`. */
  questions?: string[];
  /** Why the item failed; present only in `failed`. */
  last_reason?: string;
  /** The workflow run that failed, when known; present only in `failed`. */
  last_run_url?: string;
  /** The login of the human whose `/approve` was last accepted (plan for an epic, merge for a story). */
  approved_by?: string;
}

/**
 * The labelled issue: plans the work, waits for approval of the plan, then runs the plan's stories (each
 * a `StoryItem` of its own) and is done when all of them are.
 */
export interface EpicItem extends WorkItemBase {
  kind: 'epic';
  /** The plan: set by a valid `plan_ready`, dropped by `/reject` and `/clarify` on it. */
  plan?: { stories: PlanStory[] };
  /** Where each story of the accepted plan stands; set when the plan is accepted. */
  stories?: Record<string, StoryStatus>;
}

/** The gate's decision and the head it was computed on; it counts only while that head is current. */
export interface GateRecord {
  decision: GateOutcome;
  head_sha: string;
  /** Why; when blocked, the findings that go back to the developer role. */
  reasons: string[];
}

/** One story of an epic's plan, on its own sub-issue and pull request. Starts in `implementing`. */
export interface StoryItem extends WorkItemBase {
  kind: 'story';
  /** The epic's issue number, which hears how this story ends. */
  epic: number;
  /** The story's id in the epic's plan. */
  story: string;
  /** The story's pull request, once opened. */
  pr?: number;
  /** The pull request's current head commit. */
  head_sha?: string;
  /** The release gate's decision on a head; dropped whenever the head changes. */
  gate?: GateRecord;
  /**
   * Rounds in which blocking findings went back to the developer automatically. `/retry` and `/clarify`
   * by a human start a round without counting it, so once the policy's bound is reached every further
   * round needs a human.
   */
  revision_round: number;
  /** The merge commit, once merged (by `/approve` or by a human on GitHub). */
  merge_sha?: string;
}

export type WorkItem = EpicItem | StoryItem;

// ---------------------------------------------------------------------------------------------------------
// Events

/** The stages whose failure an item hears about: the dispatched stages and the app's own merge. */
export type FailingStage = Stage | 'merge';

/** A story of an epic ended (its item reached done, failed or cancelled). Fed to the epic. */
export interface StoryFinishedEvent {
  type: 'story_finished';
  story: string;
  outcome: 'done' | 'failed' | 'cancelled';
}

/** A failed story was retried on its own issue. Fed to the epic. */
export interface StoryResumedEvent {
  type: 'story_resumed';
  story: string;
}

export type WorkflowEvent =
  /** The trigger label was added to the issue. */
  | { type: 'labelled' }
  /** The plan stage produced a plan. */
  | { type: 'plan_ready'; stories: PlanStory[] }
  /** A stage (plan or implement) needs answers before it can go on. */
  | { type: 'questions'; questions: string[] }
  /** `/approve`; `human` is false for bots and apps, whose approvals are always refused. */
  | { type: 'approve'; actor: { login: string; human: boolean } }
  /** `/reject <reason>` on a plan. */
  | { type: 'reject'; reason: string }
  /** `/clarify <text>`. */
  | { type: 'clarify'; text: string }
  /** `/retry [story]`. */
  | { type: 'retry'; story?: string }
  /** `/cancel`. */
  | { type: 'cancel' }
  /** The implement stage opened the story's pull request. */
  | { type: 'pr_opened'; pr: number; head_sha: string }
  /** The pull request's head moved: the developer role pushed a revision, or a human pushed. */
  | { type: 'head_pushed'; head_sha: string; by_human: boolean }
  /** The release gate decided on a head. */
  | { type: 'gate_result'; decision: GateOutcome; head_sha: string; reasons: string[] }
  /** The pull request was merged (by the app after `/approve`, or by a human on GitHub). */
  | { type: 'merged'; merge_sha?: string }
  /** The validate stage checked the default branch after the merge. */
  | { type: 'validated'; ok: boolean; reason?: string }
  /** A stage failed after its bounded retries. */
  | { type: 'stage_failed'; stage: FailingStage; reason: string; run_url?: string }
  | StoryFinishedEvent
  | StoryResumedEvent;

export type EventType = WorkflowEvent['type'];

export const EVENT_TYPES = [
  'labelled',
  'plan_ready',
  'questions',
  'approve',
  'reject',
  'clarify',
  'retry',
  'cancel',
  'pr_opened',
  'head_pushed',
  'gate_result',
  'merged',
  'validated',
  'stage_failed',
  'story_finished',
  'story_resumed',
] as const satisfies readonly EventType[];

// ---------------------------------------------------------------------------------------------------------
// Effects

/** The stages the app dispatches as workflow runs (the release gate runs inside `review`). */
export type DispatchStage = 'plan' | 'implement' | 'review' | 'validate';

/** What a dispatched stage is told besides the issue, story and pull request. */
export interface DispatchContext {
  /** Why the stage runs again: a `/reject` reason, or the failure a `/retry` follows. */
  reason?: string;
  /** The questions the stage asked last time, repeated next to the answer. */
  questions?: string[];
  /** A human's `/clarify` text. */
  answer?: string;
  /** The release gate's reasons for blocking, for the developer role to address. */
  findings?: string[];
}

/** The comments the app posts; the app words them, `detail` and `items` carry the particulars. */
export type PostKind =
  | 'plan'
  | 'plan_rejected'
  | 'questions'
  | 'ready_to_merge'
  | 'head_changed'
  | 'blocked'
  | 'merged'
  | 'failed'
  | 'done'
  | 'cancelled';

export type Effect =
  /** Replace the item's state label with this one (`null`: remove it). */
  | { type: 'set_label'; label: StateLabel | null }
  /** Dispatch a workflow run of the stage for this item (the app adds the run key, issue and PR). */
  | { type: 'dispatch'; stage: DispatchStage; story?: string; context?: DispatchContext }
  /** Post a comment on the item's issue (or pull request, for merge matters). */
  | { type: 'post'; message: PostKind; detail?: string; items?: string[] }
  /** Epic: open one `ai-generated` sub-issue per story, in this order. */
  | { type: 'create_story_issues'; stories: string[] }
  /** Epic: create the story's work item with `createStoryItem` (replacing a cancelled one) and apply its effects. */
  | { type: 'start_story'; story: string }
  /** Epic: feed `{ type: 'retry' }` to the story's (failed) work item. */
  | { type: 'retry_story'; story: string }
  /** Epic: feed `{ type: 'cancel' }` to the story's work item (running or failed). */
  | { type: 'cancel_story'; story: string }
  /** Merge the pull request, only if its head is still `head_sha` (GitHub's merge API takes it as `sha`). */
  | { type: 'merge'; pr: number; head_sha: string; method: MergeMethod; approved_by: string }
  /** Story: feed `event` to the epic's work item. */
  | { type: 'notify_epic'; epic: number; event: StoryFinishedEvent | StoryResumedEvent };

export type EffectType = Effect['type'];

/** The result of feeding an event to an item: the next item and what to do, or why nothing happens. */
export type TransitionResult =
  { ok: true; item: WorkItem; effects: Effect[] } | { ok: false; reason: string };
