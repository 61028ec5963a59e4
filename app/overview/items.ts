/**
 * Work items as people look at them (the web dashboard and each repository's dashboard issue): the title,
 * what the item waits for from a human, why it failed, read from the conductor's stored document. Titles,
 * questions and reasons are untrusted text: whoever shows them escapes them.
 */
import { TERMINAL_STATES } from '../../core/workflow.js';
import type { WorkState } from '../../core/workflow.js';
import { documentOf } from '../conductor/document.js';
import type { ItemDocument } from '../conductor/document.js';
import type { Store, WorkItemRecord } from '../store/index.js';

/** What a human is asked for: approve a plan, answer questions, approve a merge, unblock a gate. */
export type WaitingKind = 'plan_approval' | 'clarification' | 'merge_approval' | 'blocked';

export interface ItemSummary {
  id: string;
  repository: string;
  issue: number;
  kind: string;
  /** The story's id in its epic's plan; null for an epic. */
  story: string | null;
  /** The epic's issue, for a story. */
  epicIssue: number | null;
  /** The issue's title (an epic) or the story's title in the plan; null when unknown. */
  title: string | null;
  state: string;
  pr: number | null;
  /** When the item entered its state; null when the document does not say. */
  enteredAt: string | null;
  updatedAt: string;
  waiting: { kind: WaitingKind; questions: string[]; reasons: string[] } | null;
  failure: { reason: string; runUrl: string | null } | null;
  /** Effects queued and not carried out yet (a pause, a crash, a failing write). */
  queued: number;
}

/** The states in which an item waits for a human, and for what. */
export const WAITING_STATES: Readonly<Partial<Record<WorkState, WaitingKind>>> = {
  awaiting_plan_approval: 'plan_approval',
  awaiting_clarification: 'clarification',
  awaiting_merge_approval: 'merge_approval',
  blocked: 'blocked',
};

/** Whether an item in `state` is still going (not done or cancelled). */
export const isActive = (state: string): boolean => !(TERMINAL_STATES as readonly string[]).includes(state);

function documentOrUndefined(record: WorkItemRecord): ItemDocument | undefined {
  try {
    return documentOf(record);
  } catch {
    return undefined;
  }
}

/**
 * Summaries of `records`, in their order. Stories' titles come from their epic's plan; epics not among
 * `records` are read once each.
 */
export async function summarize(
  store: Pick<Store, 'workItems'>,
  records: readonly WorkItemRecord[],
): Promise<ItemSummary[]> {
  const byId = new Map(records.map((record) => [record.id, record] as const));
  const epics = new Map<string, ItemDocument | undefined>();
  const epicDocument = async (id: string): Promise<ItemDocument | undefined> => {
    if (!epics.has(id)) {
      const record = byId.get(id) ?? (await store.workItems.get(id));
      epics.set(id, record === null || record === undefined ? undefined : documentOrUndefined(record));
    }
    return epics.get(id);
  };
  const summaries: ItemSummary[] = [];
  for (const record of records) {
    const document = documentOrUndefined(record);
    const item = document?.item;
    const epic = record.parentId === null ? undefined : await epicDocument(record.parentId);
    const title =
      record.parentId === null
        ? (document?.title ?? null)
        : (epic?.plan_document?.stories.find((story) => story.id === record.storyId)?.title ?? null);
    const waitingKind = WAITING_STATES[record.state as WorkState];
    const gateReasons =
      item?.kind === 'story' && item.gate?.decision === 'blocked'
        ? item.gate.reasons
        : (document?.last_findings ?? []);
    summaries.push({
      id: record.id,
      repository: record.repository,
      issue: record.issueNumber,
      kind: record.kind,
      story: record.storyId,
      epicIssue: item?.kind === 'story' ? item.epic : null,
      title,
      state: record.state,
      pr: record.prNumber,
      enteredAt: document?.entered_at ?? null,
      updatedAt: record.updatedAt,
      waiting:
        waitingKind === undefined
          ? null
          : {
              kind: waitingKind,
              questions: waitingKind === 'clarification' ? (item?.questions ?? []) : [],
              reasons: waitingKind === 'blocked' ? [...gateReasons] : [],
            },
      failure:
        record.state === 'failed'
          ? {
              reason: item?.last_reason ?? 'no reason was recorded',
              runUrl: item?.last_run_url ?? null,
            }
          : null,
      queued: document?.outbox.length ?? 0,
    });
  }
  return summaries;
}
