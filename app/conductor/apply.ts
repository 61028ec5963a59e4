/**
 * Applying one workflow event to a stored item: core's `transition`, then one store transaction that moves
 * the item (guarded by its version), queues the effects in its outbox, creates the dispatch rows (so a
 * crash can never lose a dispatch), completes the run whose result caused it, records usage, lessons and
 * an audit entry, and claims the semantic event that caused it (so a second delivery of the same command
 * does nothing). A concurrent writer makes the version check fail: the item is read again and the event
 * decided again on the newer state.
 */
import { transition } from '../../core/workflow.js';
import type { Effect, WorkflowEvent, WorkItem, WorkState } from '../../core/workflow.js';
import { withLogScope } from '../logging/scope.js';
import { DispatchNotPendingError, VersionConflictError } from '../store/index.js';
import type { DispatchRecord, NewDispatch, NewUsage, WorkItemRecord } from '../store/index.js';
import { documentOf, MAX_CONFLICT_RETRIES } from './document.js';
import type { ItemDocument, OutboxEffect, OutboxEntry } from './document.js';
import type { RepoEnv } from './env.js';
import { lessonsOf } from './lessons.js';
import { newRunKey } from './run-keys.js';

export interface ApplyOptions {
  /** The run whose result this is: completed in the same transaction, and only if not completed yet. */
  completedRun?: { runKey: string; conclusion: string };
  /** A semantic event (e.g. `comment:<id>`) claimed in the same transaction; already claimed: nothing happens. */
  claim?: string;
  usage?: readonly NewUsage[];
  /** Who caused the event (a GitHub login), for the audit log. */
  causedBy?: string;
  /** Replies to post where a command was given, queued after the transition's own effects. */
  replies?: readonly { issue: number; text: string }[];
  /** Further fields of the document to set with the transition (e.g. the full plan). */
  document?: (before: ItemDocument, next: WorkItem) => Partial<ItemDocument>;
}

export type ApplyOutcome =
  | { kind: 'applied'; record: WorkItemRecord; before: ItemDocument; effects: Effect[] }
  | { kind: 'refused'; reason: string; record: WorkItemRecord }
  /** The claim or the completed run was taken already: this event was applied before. */
  | { kind: 'duplicate' };

/** Feeds `event` to the item `itemId` and stores the outcome (see the module doc). */
export function applyEvent(
  env: RepoEnv,
  itemId: string,
  event: WorkflowEvent,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  return withLogScope({ item: itemId }, () => apply(env, itemId, event, options));
}

async function apply(
  env: RepoEnv,
  itemId: string,
  event: WorkflowEvent,
  options: ApplyOptions,
): Promise<ApplyOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    const record = await env.store.workItems.get(itemId);
    if (record === null) throw new Error(`work item ${itemId} not found`);
    const before = documentOf(record);
    const result = transition(before.item, event, env.policy);
    if (!result.ok) {
      env.observer.refused?.({ event: event.type, state: record.state });
      return { kind: 'refused', reason: result.reason, record };
    }
    const version = record.version + 1;
    const queued = queueEffects(env, record.id, result.item, result.effects, version, options);
    const document: ItemDocument = {
      ...before,
      ...bookkeeping(before, event, result.item, env.now()),
      ...(queued.current === undefined
        ? {}
        : { run_key: queued.current.run_key, current_dispatch: queued.current }),
      ...(options.document?.(before, result.item) ?? {}),
      item: result.item,
      outbox: [...before.outbox, ...queued.entries],
    };
    const lessons = env.policy.lessons.max > 0 ? lessonsOf(before, event, result.item) : [];
    try {
      const stored = await env.store.transaction(async (tx) => {
        if (options.claim !== undefined && (await tx.deliveries.claimEvent(options.claim)) === 'duplicate')
          return null;
        const applied = await tx.applyTransition({
          itemId,
          expectedVersion: record.version,
          change: {
            state: result.item.state,
            data: document,
            ...(event.type === 'pr_opened' ? { prNumber: event.pr } : {}),
          },
          ...(options.completedRun === undefined ? {} : { completedRun: options.completedRun }),
          dispatches: queued.dispatches,
          audit: [
            {
              actor: options.causedBy ?? env.github.app.login,
              action: 'workflow.transition',
              target: `${env.repository.fullName}#${record.issueNumber}`,
              repository: env.repository.fullName,
              itemId,
              runKey: options.completedRun?.runKey ?? null,
              detail: { event: event.type, from: before.item.state, to: result.item.state },
            },
          ],
          usage: options.usage ?? [],
        });
        for (const lesson of lessons) {
          await tx.lessons.add(env.repository.fullName, lesson.text, lesson.source, env.policy.lessons.max);
        }
        return applied;
      });
      if (stored === null) return { kind: 'duplicate' };
      report(env, event, before.item.state, result.item.state, stored.completedRun, options.usage ?? []);
      return { kind: 'applied', record: stored.item, before, effects: result.effects };
    } catch (error) {
      if (error instanceof DispatchNotPendingError) return { kind: 'duplicate' };
      if (!(error instanceof VersionConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}

/** Tells the observer about a stored transition, the run it completed and the usage it booked. */
function report(
  env: RepoEnv,
  event: WorkflowEvent,
  from: string,
  to: string,
  completedRun: DispatchRecord | null,
  usage: readonly NewUsage[],
): void {
  const { observer } = env;
  observer.transitioned?.({
    event: event.type,
    from,
    to,
    ...(event.type === 'gate_result' ? { gate: event.decision } : {}),
  });
  if (completedRun !== null) observer.runCompleted?.(completedRun);
  // Usage comes with the run that spent it, which completes once: these entries are booked for the first time.
  if (completedRun !== null && usage.length > 0) observer.usageBooked?.(usage);
}

/** The document fields a transition itself changes, besides the item. */
function bookkeeping(
  before: ItemDocument,
  event: WorkflowEvent,
  next: WorkItem,
  now: Date,
): Partial<ItemDocument> {
  const fields: Partial<ItemDocument> = {};
  if (next.state !== before.item.state) fields.entered_at = now.toISOString();
  if (event.type === 'reject') fields.last_rejection = event.reason;
  if (event.type === 'gate_result' && event.decision === 'blocked') fields.last_findings = [...event.reasons];
  // An approval settles what came before it (its lesson is taken from `before`).
  if (event.type === 'approve') {
    fields.last_rejection = undefined;
    fields.last_findings = undefined;
  }
  return fields;
}

/**
 * The story states worth an update of the epic's tracking comment. The passing ones (implementing,
 * revising, merging, validating) are left out to keep a story within its API budget (design §10: at most
 * 40 calls from label to merge); the next update shows where the story went.
 */
const TRACKED_STORY_STATES: readonly WorkState[] = [
  'reviewing',
  'awaiting_clarification',
  'awaiting_merge_approval',
  'blocked',
  'done',
  'failed',
  'cancelled',
];

/**
 * The states whose entry updates the repository's dashboard issue (opening it the first time): where an
 * item starts waiting for a human, fails or ends, what people need to see now. The passing stages are left
 * out to keep a story within its API budget (design §10: at most 40 calls from label to merge, with the
 * issue); the heartbeat brings the issue up to date with them.
 */
const DASHBOARD_STATES: readonly WorkState[] = [
  'awaiting_plan_approval',
  'awaiting_clarification',
  'awaiting_merge_approval',
  'blocked',
  'done',
  'failed',
  'cancelled',
];

/**
 * The outbox entries of a transition's effects (targets resolved now, a `sync_tracking` last), the dispatch
 * rows of its dispatch effects, and the newest run key. Each entry's key is `<item>:<version>:<index>`,
 * unique because `version` is the one the transition writes.
 */
export function queueEffects(
  env: RepoEnv,
  itemId: string,
  next: WorkItem,
  effects: readonly Effect[],
  version: number,
  options: Pick<ApplyOptions, 'replies' | 'causedBy'>,
): {
  entries: OutboxEntry[];
  dispatches: NewDispatch[];
  current?: Extract<OutboxEffect, { type: 'dispatch' }>;
} {
  const dispatches: NewDispatch[] = [];
  const queued: OutboxEffect[] = effects.map((effect) => outboxEffect(effect, next));
  for (const effect of queued) {
    if (effect.type !== 'dispatch') continue;
    dispatches.push({
      runKey: effect.run_key,
      itemId,
      repository: env.repository.fullName,
      stage: effect.stage,
      storyId: effect.story ?? null,
    });
  }
  for (const reply of options.replies ?? []) {
    queued.push({
      type: 'reply',
      issue: reply.issue,
      text: reply.text,
      caused_by: options.causedBy ?? env.github.app.login,
    });
  }
  if (next.kind === 'epic' || TRACKED_STORY_STATES.includes(next.state))
    queued.push({ type: 'sync_tracking' });
  if (env.dashboardIssue !== undefined && DASHBOARD_STATES.includes(next.state))
    queued.push({ type: 'sync_dashboard' });
  const entries = queued.map((effect, index): OutboxEntry => ({
    key: `${itemId}:${version}:${index}`,
    effect,
    ...(options.causedBy === undefined ? {} : { caused_by: options.causedBy }),
  }));
  const current = queued.filter((effect) => effect.type === 'dispatch').at(-1);
  return { entries, dispatches, ...(current === undefined ? {} : { current }) };
}

/** Where a story speaks once it has a pull request: there, where the people deciding on it look. */
const speaksOn = (item: WorkItem): number =>
  item.kind === 'story' && item.pr !== undefined ? item.pr : item.issue;

/** A core effect with its targets resolved for the item as it is after the transition. */
export function outboxEffect(effect: Effect, item: WorkItem): OutboxEffect {
  switch (effect.type) {
    case 'set_label':
      return { type: 'set_label', label: effect.label, issue: item.issue };
    case 'post':
      return {
        ...effect,
        issue: speaksOn(item),
        ...(effect.message === 'failed' && item.last_run_url !== undefined
          ? { run_url: item.last_run_url }
          : {}),
      };
    case 'dispatch':
      return {
        ...effect,
        run_key: newRunKey(effect.stage, item.issue, effect.story),
        issue: item.issue,
        ...(item.kind === 'story' && item.pr !== undefined ? { pr: item.pr } : {}),
      };
    default:
      return effect;
  }
}
