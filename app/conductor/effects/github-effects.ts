/**
 * The outbox entries that are GitHub writes: labels, comments, replies, dispatches and merges. Each is
 * idempotent by its entry key (comments carry it as their marker; a dispatch is recorded by run key).
 */
import { renderPost } from '../../render/index.js';
import type { OutboxEffect } from '../document.js';
import { documentOf } from '../document.js';
import { applyEvent } from '../apply.js';
import type { EffectContext } from './context.js';
import { writeContext } from './context.js';

type Of<T extends OutboxEffect['type']> = Extract<OutboxEffect, { type: T }>;

export async function setLabel(ctx: EffectContext, effect: Of<'set_label'>): Promise<void> {
  await ctx.env.github.setStateLabel(effect.issue, effect.label, writeContext(ctx));
}

export async function post(ctx: EffectContext, effect: Of<'post'>): Promise<void> {
  const document = documentOf(ctx.record);
  const item = document.item;
  const body = renderPost({
    message: effect.message,
    ...(effect.detail === undefined ? {} : { detail: effect.detail }),
    ...(effect.items === undefined ? {} : { items: effect.items }),
    ...(effect.run_url === undefined ? {} : { runUrl: effect.run_url }),
    subject: { kind: item.kind, issue: item.issue, ...(item.kind === 'story' ? { story: item.story } : {}) },
    ...(effect.message === 'plan' && document.plan_document !== undefined
      ? { plan: document.plan_document }
      : {}),
  });
  await ctx.env.github.comment(effect.issue, ctx.entry.key, body, writeContext(ctx), {
    mayExist: ctx.attempted,
  });
}

export async function reply(ctx: EffectContext, effect: Of<'reply'>): Promise<void> {
  await ctx.env.github.comment(
    effect.issue,
    ctx.entry.key,
    effect.text,
    writeContext(ctx, { causedBy: effect.caused_by }),
    {
      mayExist: ctx.attempted,
    },
  );
}

/**
 * Dispatches the stage, unless the run is no longer wanted: the item has a newer run, or the run was
 * started already (its row knows the run). A superseded dispatch is completed as such, so the heartbeat
 * does not send it again.
 */
export async function dispatch(ctx: EffectContext, effect: Of<'dispatch'>): Promise<void> {
  const { store, github, policy, repository } = ctx.env;
  const row = await store.dispatches.get(effect.run_key);
  if (row === null || row.status !== 'dispatched' || row.runId !== null) return;
  const current = await store.workItems.get(ctx.record.id);
  if (current === null || documentOf(current).run_key !== effect.run_key) {
    await store.dispatches.complete(effect.run_key, 'superseded');
    return;
  }
  const lessons =
    policy.lessons.max === 0 ? [] : await store.lessons.list(repository.fullName, policy.lessons.max);
  const run = await github.dispatch(
    {
      stage: effect.stage,
      issue: effect.issue,
      ...(effect.pr === undefined ? {} : { pr: effect.pr }),
      ...(effect.story === undefined ? {} : { story: effect.story }),
      runKey: effect.run_key,
      context: {
        ...(effect.context ?? {}),
        ...(lessons.length === 0 ? {} : { lessons: lessons.map((lesson) => lesson.text) }),
      },
    },
    writeContext(ctx, { runKey: effect.run_key }),
    ctx.attempted,
  );
  ctx.env.observer.dispatched?.({ stage: effect.stage });
  if (run.id !== null && run.url !== null) await store.dispatches.attachRun(effect.run_key, run.id, run.url);
}

/**
 * Merges the approved head and tells the story: `merged`, or `stage_failed` (stage `merge`) with GitHub's
 * reason when it refused (the head moved: 409; not mergeable: 405).
 */
export async function merge(ctx: EffectContext, effect: Of<'merge'>): Promise<void> {
  const outcome = await ctx.env.github.merge(
    { pr: effect.pr, sha: effect.head_sha, method: effect.method },
    writeContext(ctx, { causedBy: effect.approved_by }),
    ctx.attempted,
  );
  const event =
    outcome.kind === 'merged'
      ? { type: 'merged' as const, ...(outcome.sha === null ? {} : { merge_sha: outcome.sha }) }
      : {
          type: 'stage_failed' as const,
          stage: 'merge' as const,
          reason:
            outcome.status === 409
              ? `GitHub refused the merge because the head moved after the release gate approved ${effect.head_sha.slice(0, 7)} (${outcome.message}); nothing was merged`
              : `GitHub refused the merge (${outcome.status}: ${outcome.message}); nothing was merged`,
        };
  await applyEvent(ctx.env, ctx.record.id, event, {
    claim: `merge-outcome:${ctx.entry.key}`,
    causedBy: effect.approved_by,
  });
}
