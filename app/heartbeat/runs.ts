/**
 * The heartbeat's look at dispatched runs: a run GitHub finished without the app hearing of it is taken in;
 * a run that never started is dispatched again (bounded by `retries.dispatch`), then failed; a run going
 * for longer than `run_stuck_minutes` is failed with a comment. Only the item's current run can move it;
 * older ones are closed as superseded.
 */
import type { FailingStage } from '../../core/workflow.js';
import { applyEvent } from '../conductor/apply.js';
import { documentOf } from '../conductor/document.js';
import { dispatch as sendDispatch } from '../conductor/effects/github-effects.js';
import type { RepoEnv } from '../conductor/env.js';
import { ingestRun } from '../conductor/ingest.js';
import { drainAll } from '../conductor/outbox.js';
import { WORKFLOW_PATH } from '../github/index.js';
import type { DispatchRecord } from '../store/index.js';
import type { BeatReport } from './report.js';

/** The heartbeat never merges: drains it starts stop before a pending merge. */
const NEVER_MERGE = { stopAtMerge: true } as const;

const failingStage = (stage: string): FailingStage =>
  stage === 'plan' || stage === 'implement' || stage === 'validate' ? stage : 'review';

const minutesAgo = (now: Date, minutes: number): number => now.getTime() - minutes * 60_000;

/** Handles a run dispatched but not started for longer than the policy's `run_start_timeout_minutes`. */
export async function reconcileNotStarted(
  env: RepoEnv,
  dispatch: DispatchRecord,
  report: BeatReport,
): Promise<void> {
  const { store, github, policy } = env;
  const timeout = policy.heartbeat.run_start_timeout_minutes;
  if (Date.parse(dispatch.dispatchedAt) > minutesAgo(env.now(), timeout)) return;
  const record = await store.workItems.get(dispatch.itemId);
  const document = record === null ? undefined : documentOf(record);
  if (record === null || document === undefined || document.run_key !== dispatch.runKey) {
    await store.dispatches.complete(dispatch.runKey, 'superseded');
    return;
  }
  // Still waiting in the outbox (e.g. the repository was paused): the drain sends it, not the heartbeat.
  if (
    document.outbox.some(
      (entry) => entry.effect.type === 'dispatch' && entry.effect.run_key === dispatch.runKey,
    )
  )
    return;
  // A webhook may have been lost: ask GitHub whether the run exists and where it is.
  const run =
    dispatch.runId !== null ? await github.run(dispatch.runId) : await github.runByKey(dispatch.runKey);
  if (run !== undefined && run.status === 'completed') {
    await ingestRun(env, dispatch, { id: run.id, url: run.url, conclusion: run.conclusion }, NEVER_MERGE);
    report.ingested.push(dispatch.runKey);
    return;
  }
  if (run !== undefined && run.status === 'in_progress') {
    await store.dispatches.markRunning(dispatch.runKey, { runId: run.id, runUrl: run.url });
    return;
  }
  const request = document.current_dispatch;
  if (
    dispatch.attempts - 1 < policy.retries.dispatch &&
    request !== undefined &&
    request.run_key === dispatch.runKey
  ) {
    const again = await store.dispatches.redispatch(dispatch.runKey, dispatch.attempts);
    if (again === null) return;
    await sendDispatch(
      {
        env,
        record,
        entry: { key: `redispatch:${dispatch.runKey}:${again.attempts}`, effect: request },
        attempted: false,
        touched: new Set(),
      },
      request,
    );
    report.redispatched.push(dispatch.runKey);
    return;
  }
  const outcome = await applyEvent(
    env,
    record.id,
    {
      type: 'stage_failed',
      stage: failingStage(dispatch.stage),
      reason: `the ${dispatch.stage} run never started: it was dispatched ${dispatch.attempts} ${dispatch.attempts === 1 ? 'time' : 'times'} and waited ${timeout} minutes each time (is ${WORKFLOW_PATH} on the default branch, and is a runner available?)`,
    },
    { completedRun: { runKey: dispatch.runKey, conclusion: 'never_started' } },
  );
  if (outcome.kind === 'applied') await drainAll(env, record.id, NEVER_MERGE);
  else if (outcome.kind === 'refused') await store.dispatches.complete(dispatch.runKey, 'never_started');
  report.failed.push(dispatch.runKey);
}

/** Handles a run started longer ago than the policy's `run_stuck_minutes`. */
export async function reconcileRunning(
  env: RepoEnv,
  dispatch: DispatchRecord,
  report: BeatReport,
): Promise<void> {
  const { store, github, policy } = env;
  const limit = policy.heartbeat.run_stuck_minutes;
  if (dispatch.startedAt === null || Date.parse(dispatch.startedAt) > minutesAgo(env.now(), limit)) return;
  const run = dispatch.runId === null ? undefined : await github.run(dispatch.runId);
  if (run !== undefined && run.status === 'completed') {
    await ingestRun(env, dispatch, { id: run.id, url: run.url, conclusion: run.conclusion }, NEVER_MERGE);
    report.ingested.push(dispatch.runKey);
    return;
  }
  const record = await store.workItems.get(dispatch.itemId);
  if (record === null || documentOf(record).run_key !== dispatch.runKey) {
    await store.dispatches.complete(dispatch.runKey, 'superseded');
    return;
  }
  const outcome = await applyEvent(
    env,
    record.id,
    {
      type: 'stage_failed',
      stage: failingStage(dispatch.stage),
      reason: `the ${dispatch.stage} run has been running for more than ${limit} minutes (heartbeat.run_stuck_minutes) and is treated as failed`,
      ...(dispatch.runUrl === null ? {} : { run_url: dispatch.runUrl }),
    },
    { completedRun: { runKey: dispatch.runKey, conclusion: 'stuck' } },
  );
  if (outcome.kind === 'applied') await drainAll(env, record.id, NEVER_MERGE);
  else if (outcome.kind === 'refused') await store.dispatches.complete(dispatch.runKey, 'stuck');
  report.failed.push(dispatch.runKey);
}
