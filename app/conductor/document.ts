/**
 * What the conductor stores for a work item (the store's `data` column): core's WorkItem, plus the
 * outbox of effects not yet carried out, plus what the app needs to speak about the item (the full plan,
 * the tracking comment, the story issues).
 *
 * The outbox is what makes effects crash-safe. A transition writes its effects into the outbox in the same
 * version-guarded update that moves the item (with its dispatch rows), so "moved but nothing done" and
 * "done but not moved" cannot happen. The effects are then carried out in order and removed; whatever a
 * crash interrupts is found in the outbox and carried out again, each effect idempotent by its key.
 */
import type { Plan } from '../../core/results.js';
import type {
  DispatchContext,
  DispatchStage,
  MergeMethod,
  PostKind,
  StateLabel,
  StoryFinishedEvent,
  StoryResumedEvent,
  WorkItem,
} from '../../core/workflow.js';
import { VersionConflictError } from '../store/index.js';
import type { StoreTables, WorkItemRecord } from '../store/index.js';

/**
 * One effect waiting in the outbox, with the targets resolved when it was queued (the issue or pull
 * request it concerns), so carrying it out later does not depend on how the item has changed since.
 */
export type OutboxEffect =
  | { type: 'set_label'; label: StateLabel | null; issue: number }
  | { type: 'post'; message: PostKind; detail?: string; items?: string[]; issue: number; run_url?: string }
  | {
      type: 'dispatch';
      stage: DispatchStage;
      story?: string;
      context?: DispatchContext;
      run_key: string;
      issue: number;
      pr?: number;
    }
  | { type: 'create_story_issues'; stories: string[] }
  | { type: 'start_story'; story: string }
  | { type: 'retry_story'; story: string }
  | { type: 'cancel_story'; story: string }
  | { type: 'merge'; pr: number; head_sha: string; method: MergeMethod; approved_by: string }
  | { type: 'notify_epic'; epic: number; event: StoryFinishedEvent | StoryResumedEvent }
  /** A reply to a command, posted where the command was given. */
  | { type: 'reply'; issue: number; text: string; caused_by: string }
  /** Brings the epic's tracking comment up to date (a story's entry updates its epic's comment). */
  | { type: 'sync_tracking' }
  /** Brings the repository's dashboard issue up to date (opening it on first use). */
  | { type: 'sync_dashboard' };

export interface OutboxEntry {
  /** Unique and stable: `<item id>:<version>:<index>`; markers and claims are derived from it. */
  key: string;
  effect: OutboxEffect;
  /** Who caused it (a commenter, the labeller), for the audit log. */
  caused_by?: string;
  /** How many drains failed on it so far (see MAX_ENTRY_FAILURES in outbox.ts). */
  failures?: number;
  /** The last failure, for people reading the item. */
  last_error?: string;
}

/** Who is carrying out the outbox now, and until when the claim holds (a crashed holder's claim expires). */
export interface Lease {
  owner: string;
  until: string;
}

export interface ItemDocument {
  item: WorkItem;
  outbox: OutboxEntry[];
  lease?: Lease;
  /** The run key of the item's newest dispatch: only that run's result may move the item. */
  run_key?: string;
  /** That dispatch as queued, so the heartbeat can send it again with the same inputs. */
  current_dispatch?: Extract<OutboxEffect, { type: 'dispatch' }>;
  /** When the item entered its current state (ISO 8601). */
  entered_at: string;
  /** Epic: who added the trigger label. */
  requester?: string;
  /** Epic: the issue's title when the work started. */
  title?: string;
  /** Epic: the plan as the planner wrote it (titles, criteria), for comments and story issues. */
  plan_document?: Plan;
  /** Epic: the last `/reject` reason, until a plan is approved (a lesson when it is). */
  last_rejection?: string;
  /** Epic: the id of the tracking comment. */
  tracking_comment?: number;
  /** Epic: the sub-issue of each story, once opened. */
  story_issues?: Record<string, { number: number; id: number }>;
  /** Story: the release gate's last blocking reasons (a lesson once the story is approved). */
  last_findings?: string[];
}

/** The conductor's document of a stored item. Throws for a record the conductor did not write. */
export function documentOf(record: WorkItemRecord): ItemDocument {
  const data = record.data as Partial<ItemDocument> | null;
  if (
    data === null ||
    typeof data !== 'object' ||
    typeof data.item !== 'object' ||
    !Array.isArray(data.outbox)
  ) {
    throw new TypeError(`work item ${record.id} does not hold a conductor document`);
  }
  return data as ItemDocument;
}

/** How often a read-modify-write of a document is retried when another writer moved the item first. */
export const MAX_CONFLICT_RETRIES = 25;

/**
 * Changes an item's document without changing its state (e.g. records the tracking comment's id),
 * re-reading and re-applying `change` when another writer got there first. `change` must be safe to
 * apply to any newer version. Returns the updated record.
 */
export async function patchDocument(
  tables: Pick<StoreTables, 'workItems'>,
  itemId: string,
  change: (document: ItemDocument) => ItemDocument,
): Promise<WorkItemRecord> {
  for (let attempt = 0; ; attempt += 1) {
    const record = await tables.workItems.get(itemId);
    if (record === null) throw new Error(`work item ${itemId} disappeared`);
    try {
      return await tables.workItems.update(record.id, record.version, {
        state: record.state,
        data: change(documentOf(record)),
      });
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}
