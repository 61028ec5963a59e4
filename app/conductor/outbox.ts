/**
 * Draining an item's outbox: its effects carried out in order, each removed once done.
 *
 * One drainer at a time per item: in this process the DrainRegistry serialises drains; across processes
 * the drainer holds a lease in the item's document (version-guarded, so two cannot take it together), and
 * a lease left by a crashed process expires. Before a GitHub write, the entry's key is claimed in the
 * store: a key claimed before means an earlier attempt may have got through, and the write looks for its
 * own marker first. Entries added while the drain runs (a merge's `merged`, a concurrent transition) are
 * picked up before the lease is given back. A paused repository stops the drain; the entries wait for
 * `/resume`.
 */
import { randomUUID } from 'node:crypto';
import { describeError, RepositoryPausedError } from '../github/index.js';
import { VersionConflictError } from '../store/index.js';
import type { WorkItemRecord } from '../store/index.js';
import { documentOf, MAX_CONFLICT_RETRIES } from './document.js';
import type { ItemDocument, OutboxEntry } from './document.js';
import { withLogScope } from '../logging/scope.js';
import type { RepoEnv } from './env.js';
import { execute, STORE_ONLY } from './execute.js';
import { entryClaim } from './effects/stories.js';

/** How long a drainer's lease holds; a drain outliving it (rate-limit waits) may be joined by another. */
export const LEASE_MS = 10 * 60 * 1000;

/** Rounds of "take the lease, carry out what is there" before a drain gives up (a cycle guard). */
const MAX_ROUNDS = 50;

/**
 * Drains an entry may fail before it is dropped (with an audit entry), so one entry GitHub keeps refusing
 * cannot hold up everything queued behind it. A dropped dispatch is still caught by the heartbeat, which
 * sees its run never started.
 */
export const MAX_ENTRY_FAILURES = 5;

export interface DrainOptions {
  /** Stop before a merge (the heartbeat never merges: a pending merge waits for the next human event). */
  stopAtMerge?: boolean;
}

export interface DrainReport {
  /** Entries carried out. */
  done: number;
  /** Why the drain stopped early, if it did: another process holds the lease, the repository is paused, a merge waits. */
  stopped?: 'leased' | 'paused' | 'merge';
}

/**
 * Drains the outbox of `itemId`, then those of the items its entries added work to (an epic's stories, a
 * story's epic). Rethrows the first error of an entry after giving the lease back; what is left stays
 * queued for the next drain.
 */
export async function drainAll(
  env: RepoEnv,
  itemId: string,
  options: DrainOptions = {},
): Promise<DrainReport> {
  const queue = [itemId];
  const total: DrainReport = { done: 0 };
  while (queue.length > 0) {
    const next = queue.shift()!;
    const touched = new Set<string>();
    const report = await drain(env, next, touched, options);
    total.done += report.done;
    if (report.stopped === 'paused') return { ...total, stopped: 'paused' };
    if (report.stopped !== undefined && total.stopped === undefined) total.stopped = report.stopped;
    for (const other of touched) if (other !== next && !queue.includes(other)) queue.push(other);
    if (touched.has(next) && !queue.includes(next)) queue.push(next);
  }
  return total;
}

async function drain(
  env: RepoEnv,
  itemId: string,
  touched: Set<string>,
  options: DrainOptions,
): Promise<DrainReport> {
  for (;;) {
    const running = env.drains.current(itemId);
    if (running === undefined) break;
    await running.catch(() => undefined);
  }
  return env.drains.run(itemId, () =>
    withLogScope({ item: itemId }, () => drainRounds(env, itemId, touched, options)),
  );
}

async function drainRounds(
  env: RepoEnv,
  itemId: string,
  touched: Set<string>,
  options: DrainOptions,
): Promise<DrainReport> {
  const owner = randomUUID();
  const report: DrainReport = { done: 0 };
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const leased = await takeLease(env, itemId, owner);
    if (leased === 'empty') return report;
    if (leased === 'held') return { ...report, stopped: 'leased' };
    const done: string[] = [];
    let stopped: DrainReport['stopped'];
    try {
      const snapshot = documentOf(leased).outbox;
      for (const [index, entry] of snapshot.entries()) {
        if (options.stopAtMerge === true && entry.effect.type === 'merge') {
          stopped = 'merge';
          break;
        }
        // Only the last tracking or dashboard update of a batch is worth sending: it shows everything before it.
        const type = entry.effect.type;
        const superseded =
          (type === 'sync_tracking' || type === 'sync_dashboard') &&
          snapshot.slice(index + 1).some((later) => later.effect.type === type);
        if (!superseded) await carryOut(env, leased, entry, touched);
        done.push(entry.key);
      }
    } catch (error) {
      const paused = error instanceof RepositoryPausedError;
      await settle(env, itemId, owner, done, paused ? undefined : error);
      report.done += done.length;
      if (paused) return { ...report, stopped: 'paused' };
      throw error;
    }
    const remaining = await settle(env, itemId, owner, done);
    report.done += done.length;
    if (stopped !== undefined) return { ...report, stopped };
    if (remaining === 0) return report;
  }
  throw new Error(`the outbox of work item ${itemId} did not empty after ${MAX_ROUNDS} rounds`);
}

async function carryOut(
  env: RepoEnv,
  record: WorkItemRecord,
  entry: OutboxEntry,
  touched: Set<string>,
): Promise<void> {
  const attempted = STORE_ONLY.has(entry.effect.type)
    ? false
    : (await env.store.deliveries.claimEvent(entryClaim(entry.key))) === 'duplicate';
  await execute({ env, record, entry, attempted, touched });
}

/**
 * Takes (or renews) the lease on the item's outbox. Returns the item as leased, 'empty' when there is
 * nothing to do, or 'held' while another drainer's lease is valid.
 */
async function takeLease(
  env: RepoEnv,
  itemId: string,
  owner: string,
): Promise<WorkItemRecord | 'empty' | 'held'> {
  for (let attempt = 0; ; attempt += 1) {
    const record = await env.store.workItems.get(itemId);
    if (record === null) return 'empty';
    const document = documentOf(record);
    if (document.outbox.length === 0) return 'empty';
    const now = env.now().getTime();
    if (
      document.lease !== undefined &&
      document.lease.owner !== owner &&
      Date.parse(document.lease.until) > now
    )
      return 'held';
    const leased: ItemDocument = {
      ...document,
      lease: { owner, until: new Date(now + LEASE_MS).toISOString() },
    };
    try {
      return await env.store.workItems.update(record.id, record.version, {
        state: record.state,
        data: leased,
      });
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}

/**
 * Removes the done entries and gives the lease back; returns how many entries are still queued. After a
 * failure (`error`), the first entry not done counts one more failure, and is dropped at the limit.
 */
async function settle(
  env: RepoEnv,
  itemId: string,
  owner: string,
  done: readonly string[],
  error?: unknown,
): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    const record = await env.store.workItems.get(itemId);
    if (record === null) return 0;
    const document = documentOf(record);
    let outbox = document.outbox.filter((entry) => !done.includes(entry.key));
    let dropped: OutboxEntry | undefined;
    if (error !== undefined && outbox[0] !== undefined) {
      const failing: OutboxEntry = {
        ...outbox[0],
        failures: (outbox[0].failures ?? 0) + 1,
        last_error: describeError(error),
      };
      if ((failing.failures ?? 0) >= MAX_ENTRY_FAILURES) {
        dropped = failing;
        outbox = outbox.slice(1);
      } else outbox = [failing, ...outbox.slice(1)];
    }
    const next: ItemDocument = { ...document, outbox };
    if (next.lease?.owner === owner) delete next.lease;
    try {
      await env.store.transaction(async (tx) => {
        await tx.workItems.update(record.id, record.version, { state: record.state, data: next });
        if (dropped !== undefined) {
          await tx.audit.append({
            actor: env.github.app.login,
            action: 'outbox.dropped',
            target: `${env.repository.fullName}#${record.issueNumber}`,
            repository: env.repository.fullName,
            itemId,
            detail: {
              key: dropped.key,
              effect: dropped.effect.type,
              failures: dropped.failures,
              error: dropped.last_error,
            },
          });
        }
      });
      if (dropped !== undefined)
        env.log.error(
          `dropped ${dropped.effect.type} of item ${itemId} after ${dropped.failures} failures: ${dropped.last_error}`,
        );
      return outbox.length;
    } catch (conflict) {
      if (!(conflict instanceof VersionConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw conflict;
    }
  }
}
