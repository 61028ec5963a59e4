/**
 * Taking in a finished run (from `workflow_run.completed`, or found by the heartbeat when that webhook was
 * lost): read its result document, decide the event (result-event.ts) and apply it once. A run that is not
 * its item's current run (superseded by a newer dispatch) and a result that can no longer be applied are
 * only recorded: the dispatch is completed and its usage booked, the item does not move.
 */
import { withLogScope } from '../logging/scope.js';
import type { DispatchRecord, NewUsage } from '../store/index.js';
import { applyEvent } from './apply.js';
import { documentOf } from './document.js';
import type { RepoEnv } from './env.js';
import { drainAll } from './outbox.js';
import type { DrainOptions } from './outbox.js';
import { outcomeOfRun } from './result-event.js';
import type { FinishedRun } from './result-event.js';

export type IngestOutcome = 'applied' | 'stale' | 'duplicate' | 'refused';

/** Takes in `run`, the run of `dispatch`; `drain` shapes the drain of the item's effects afterwards. */
export function ingestRun(
  env: RepoEnv,
  dispatch: DispatchRecord,
  run: FinishedRun,
  drain: DrainOptions = {},
): Promise<IngestOutcome> {
  return withLogScope({ item: dispatch.itemId, run_key: dispatch.runKey, run_id: run.id }, () =>
    ingest(env, dispatch, run, drain),
  );
}

async function ingest(
  env: RepoEnv,
  dispatch: DispatchRecord,
  run: FinishedRun,
  drain: DrainOptions,
): Promise<IngestOutcome> {
  if (dispatch.status === 'completed') return 'duplicate';
  const { store } = env;
  if (dispatch.runId !== run.id) await store.dispatches.attachRun(dispatch.runKey, run.id, run.url);
  const conclusion = run.conclusion ?? 'unknown';
  const record = await store.workItems.get(dispatch.itemId);
  if (record === null) {
    await store.dispatches.complete(dispatch.runKey, conclusion);
    return 'stale';
  }
  const document = documentOf(record);
  const read = await env.github.resultDocument(run.id);
  const outcome = outcomeOfRun(
    {
      repository: env.repository.fullName,
      itemId: record.id,
      runKey: dispatch.runKey,
      stage: dispatch.stage,
      item: document.item,
    },
    run,
    read,
  );
  if (document.run_key !== dispatch.runKey) {
    await recordOnly(env, dispatch.runKey, conclusion, outcome.usage);
    return 'stale';
  }
  const completedRun = { runKey: dispatch.runKey, conclusion };
  const plan = outcome.plan;
  let applied = await applyEvent(env, record.id, outcome.event, {
    completedRun,
    usage: outcome.usage,
    ...(plan === undefined ? {} : { document: () => ({ plan_document: plan }) }),
  });
  if (applied.kind === 'refused' && outcome.event.type !== 'stage_failed') {
    env.log.warn(`run ${run.id} (${dispatch.runKey}): ${outcome.event.type} refused: ${applied.reason}`);
    applied = await applyEvent(
      env,
      record.id,
      {
        type: 'stage_failed',
        stage:
          dispatch.stage === 'plan' || dispatch.stage === 'implement' || dispatch.stage === 'validate'
            ? dispatch.stage
            : 'review',
        reason: `the ${dispatch.stage} run's result could not be applied: ${applied.reason}`,
        run_url: run.url,
      },
      { completedRun, usage: outcome.usage },
    );
  }
  if (applied.kind === 'duplicate') return 'duplicate';
  if (applied.kind === 'refused') {
    env.log.warn(`run ${run.id} (${dispatch.runKey}) recorded without a transition: ${applied.reason}`);
    await recordOnly(env, dispatch.runKey, conclusion, outcome.usage);
    return 'refused';
  }
  await drainAll(env, record.id, drain);
  return 'applied';
}

/** Completes the dispatch and books its usage, in one transaction, without moving the item. */
async function recordOnly(
  env: RepoEnv,
  runKey: string,
  conclusion: string,
  usage: readonly NewUsage[],
): Promise<void> {
  const recorded = await env.store.transaction(async (tx) => {
    const completed = await tx.dispatches.complete(runKey, conclusion);
    const booked: NewUsage[] = [];
    for (const entry of usage) if ((await tx.usage.add(entry)) === 'new') booked.push(entry);
    return { completed, booked };
  });
  if (recorded.completed !== null) env.observer.runCompleted?.(recorded.completed);
  if (recorded.booked.length > 0) env.observer.usageBooked?.(recorded.booked);
}
