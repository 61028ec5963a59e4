/**
 * A work item's transition and its bookkeeping as one atomic write: the version-guarded update of the
 * item, the completion of the run whose result caused it, the dispatches it starts, its audit entries and
 * its usage. Either all of it is stored or none of it, so a crash or a concurrent writer can never leave
 * an item moved without its dispatch rows, or a run's result applied twice.
 */
import type { Queryable } from './engine.js';
import { AuditLog } from './audit.js';
import type { NewAuditEntry } from './audit.js';
import { Dispatches } from './dispatches.js';
import type { DispatchRecord, NewDispatch } from './dispatches.js';
import { UsageLedger } from './usage.js';
import type { NewUsage } from './usage.js';
import { WorkItems } from './work-items.js';
import type { WorkItemChange, WorkItemRecord } from './work-items.js';

export interface Transition {
  itemId: string;
  /** The version the caller read the item at and computed the transition from. */
  expectedVersion: number;
  change: WorkItemChange;
  /** The run whose result caused this transition: completed with it, and it must not be completed yet. */
  completedRun?: { runKey: string; conclusion: string };
  /** Dispatches the transition starts (for this item or others, e.g. an epic's ready stories). */
  dispatches?: readonly NewDispatch[];
  audit?: readonly NewAuditEntry[];
  usage?: readonly NewUsage[];
}

export interface TransitionResult {
  /** The item at its new version. */
  item: WorkItemRecord;
  /** The completed run's dispatch, when `completedRun` was given. */
  completedRun: DispatchRecord | null;
  /** The created dispatches, in the order given. */
  dispatches: DispatchRecord[];
}

/**
 * Applies `transition` in one transaction (a savepoint when `db` is already a transaction). Throws, with
 * nothing written: VersionConflictError if the item is no longer at `expectedVersion`; NotFoundError if it
 * does not exist; DispatchNotPendingError if `completedRun` is unknown or already completed; or the
 * database's error if any record is refused (e.g. a run key used twice). Usage entries already recorded for
 * the same run, stage and role are skipped, not counted twice.
 */
export async function applyTransition(db: Queryable, transition: Transition): Promise<TransitionResult> {
  return db.transaction(async (tx) => {
    const dispatches = new Dispatches(tx);
    // First, so a result applied before is detected before anything else is touched.
    const completedRun =
      transition.completedRun === undefined
        ? null
        : await dispatches.completeOrThrow(
            transition.completedRun.runKey,
            transition.completedRun.conclusion,
          );
    const item = await new WorkItems(tx).update(
      transition.itemId,
      transition.expectedVersion,
      transition.change,
    );
    const created: DispatchRecord[] = [];
    for (const dispatch of transition.dispatches ?? []) created.push(await dispatches.create(dispatch));
    const audit = new AuditLog(tx);
    for (const entry of transition.audit ?? []) await audit.append(entry);
    const usage = new UsageLedger(tx);
    for (const entry of transition.usage ?? []) await usage.add(entry);
    return { item, completedRun, dispatches: created };
  });
}
