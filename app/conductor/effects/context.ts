/** What carrying out one outbox entry is given. */
import type { WorkItemRecord } from '../../store/index.js';
import type { WriteContext } from '../../github/index.js';
import type { OutboxEntry } from '../document.js';
import type { RepoEnv } from '../env.js';

export interface EffectContext {
  env: RepoEnv;
  /** The item whose outbox holds the entry, as read when the drain took its lease. */
  record: WorkItemRecord;
  entry: OutboxEntry;
  /**
   * An earlier attempt at this entry may have got (part of) it done before a crash or an error: creates
   * look for what they would create before creating it.
   */
  attempted: boolean;
  /** Other items whose outboxes this entry added to (their drains run next). */
  touched: Set<string>;
}

/** The audit context of the entry's writes. */
export function writeContext(ctx: EffectContext, extra: Partial<WriteContext> = {}): WriteContext {
  return {
    itemId: ctx.record.id,
    ...(ctx.entry.caused_by === undefined ? {} : { causedBy: ctx.entry.caused_by }),
    ...extra,
  };
}
