/**
 * The state machine of design §4: `transition` applies the one transition table (core/workflow-table.ts)
 * to a work item and an event, giving the next item and the effects the app must carry out.
 *
 * `transition` is pure: it never mutates its input and does no I/O. The app stores the returned item and
 * carries out the effects in order; an event the table does not allow, or whose guard fails, is refused
 * with a reason and changes nothing. The data types (core/work-item.ts), the table and the plan checks
 * are re-exported here, so the app needs one import.
 */
import type { Policy } from './policy.js';
import { short, WORKFLOW_TABLE } from './workflow-table.js';
import { EVENT_TYPES, STATE_LABEL, TERMINAL_STATES } from './work-item.js';
import type {
  Effect,
  EffectType,
  EpicItem,
  EventType,
  StoryItem,
  TransitionResult,
  WorkflowEvent,
  WorkItem,
  WorkItemKind,
  WorkState,
} from './work-item.js';

export * from './work-item.js';
export { WORKFLOW_TABLE, type TransitionRule } from './workflow-table.js';
export { planProblems } from './epic-stories.js';

// ---------------------------------------------------------------------------------------------------------
// Creating items and applying events

/** A new epic for a labelled issue; feed it `{ type: 'labelled' }` to start planning. */
export function createEpicItem(issue: number): EpicItem {
  return { kind: 'epic', state: 'new', issue };
}

/**
 * A story's work item, for an epic's `start_story` effect: it starts in `implementing`, and the returned
 * effects label its issue and dispatch the implement stage.
 */
export function createStoryItem(start: { issue: number; epic: number; story: string }): {
  item: StoryItem;
  effects: Effect[];
} {
  return {
    item: {
      kind: 'story',
      state: 'implementing',
      issue: start.issue,
      epic: start.epic,
      story: start.story,
      revision_round: 0,
    },
    effects: [
      { type: 'set_label', label: STATE_LABEL.implementing },
      { type: 'dispatch', stage: 'implement', story: start.story },
    ],
  };
}

/** Drops the fields that only mean something in states the item has left (see their docs in WorkItem). */
function tidy<I extends WorkItem>(item: I): I {
  const next = { ...item };
  if (next.state !== 'awaiting_clarification') delete next.questions;
  if (next.state !== 'awaiting_clarification' && next.state !== 'failed') delete next.resume_state;
  if (next.state !== 'failed') {
    delete next.last_reason;
    delete next.last_run_url;
  }
  return next;
}

const refuse = (item: WorkItem, event: WorkflowEvent, why: string): TransitionResult => ({
  ok: false,
  reason: `cannot ${event.type} in state "${item.state}": ${why}`,
});

const rowsFor = (item: WorkItem) =>
  WORKFLOW_TABLE.filter((row) => row.kind === item.kind && row.from.includes(item.state));

/** Why a story may not be merged now: the question people ask most, so it gets a precise answer. */
function whyNoMerge(item: StoryItem): string {
  switch (item.state) {
    case 'implementing':
      return 'there is no pull request to merge yet';
    case 'merging':
    case 'validating':
      return 'the pull request is already being merged';
    case 'blocked':
      return `the release gate blocked head ${short(item.head_sha)}`;
    default:
      return item.head_sha === undefined
        ? 'there is no pull request to merge yet'
        : `the release gate has not approved head ${short(item.head_sha)}`;
  }
}

/** Why no row of the table takes this event in this state. */
function whyNoRow(item: WorkItem, event: WorkflowEvent): string {
  if (TERMINAL_STATES.includes(item.state))
    return `the ${item.kind} is ${item.state} and accepts no more events`;
  if (event.type === 'approve') {
    return item.kind === 'story' ? whyNoMerge(item) : 'there is no plan waiting for approval';
  }
  const accepted = EVENT_TYPES.filter((type) => rowsFor(item).some((row) => row.on === type));
  return accepted.length === 0
    ? `a ${item.kind} is never in this state`
    : `a ${item.kind} in this state accepts only ${accepted.join(', ')}`;
}

/**
 * Feeds one event to a work item. Pure: `item` is not changed. On success, returns the next item and the
 * effects to carry out in order (a `set_label` first whenever the state's label changes). When the table
 * has no row for the item's kind, state and event, or the row's guard refuses, returns a reason naming the
 * event and the state; the item is then unchanged.
 */
export function transition(item: WorkItem, event: WorkflowEvent, policy: Policy): TransitionResult {
  const rows = rowsFor(item).filter((row) => row.on === event.type);
  if (rows.length === 0) return refuse(item, event, whyNoRow(item, event));
  const row = rows.find(
    (candidate) => candidate.when === undefined || candidate.when.test(item, event, policy),
  );
  if (row === undefined) {
    return refuse(
      item,
      event,
      `no row applies (the table expects ${rows.map((r) => r.when?.text).join(' or ')})`,
    );
  }
  const problem = row.guard?.(item, event, policy);
  if (problem !== undefined) return refuse(item, event, problem);

  const step = row.apply(item, event, policy);
  const next = tidy({ ...step.item, state: row.to });
  const label = STATE_LABEL[row.to];
  const effects: Effect[] =
    label === STATE_LABEL[item.state] ? step.effects : [{ type: 'set_label', label }, ...step.effects];
  return { ok: true, item: next, effects };
}

// ---------------------------------------------------------------------------------------------------------
// The table for people

/** One line of the table: in `from`, event `event` (when `when`) leads to `to` with these effects. */
export interface TableRow {
  kind: WorkItemKind;
  from: WorkState;
  event: EventType;
  when?: string;
  to: WorkState;
  effects: EffectType[];
}

/** The table, one row per kind, state and event branch, in table order, `set_label` included where it occurs. */
export function describeTable(): TableRow[] {
  return WORKFLOW_TABLE.flatMap((row) =>
    row.from.map((from) => ({
      kind: row.kind,
      from,
      event: row.on,
      ...(row.when === undefined ? {} : { when: row.when.text }),
      to: row.to,
      effects: [
        ...(STATE_LABEL[from] === STATE_LABEL[row.to] ? [] : (['set_label'] as const)),
        ...row.effects,
      ],
    })),
  );
}

/** The table as a Markdown table, for the README. */
export function describeTableMarkdown(): string {
  const lines = [
    '| kind | state | event | when | next state | effects |',
    '| --- | --- | --- | --- | --- | --- |',
    ...describeTable().map(
      (row) =>
        `| ${row.kind} | ${row.from} | ${row.event} | ${row.when ?? ''} | ${row.to} | ${row.effects.join(', ')} |`,
    ),
  ];
  return lines.join('\n');
}
