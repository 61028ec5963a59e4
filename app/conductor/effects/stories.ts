/**
 * The entries an epic's plan produces: one sub-issue per story, starting a story (its own work item), and
 * the messages between an epic and its stories (retry, cancel, "this story ended"). All but the issues
 * are store writes, each done in one transaction with the claim of its entry key, so each happens once.
 */
import { AI_GENERATED_LABEL } from '../../../core/roles.js';
import { createStoryItem } from '../../../core/workflow.js';
import { storyIssueBody, storyIssueTitle } from '../../render/index.js';
import { applyEvent, queueEffects } from '../apply.js';
import { documentOf, patchDocument } from '../document.js';
import type { ItemDocument, OutboxEffect } from '../document.js';
import type { EffectContext } from './context.js';
import { writeContext } from './context.js';

type Of<T extends OutboxEffect['type']> = Extract<OutboxEffect, { type: T }>;

/** The claim that makes a store-only entry happen once. */
export const entryClaim = (key: string): string => `effect:${key}`;

/**
 * Opens the stories' sub-issues (labelled `ai-generated`, linked to the epic by issue id) that are not
 * open yet, recording each in the epic's document as soon as it exists.
 */
export async function createStoryIssues(
  ctx: EffectContext,
  effect: Of<'create_story_issues'>,
): Promise<void> {
  const { store, github } = ctx.env;
  for (const story of effect.stories) {
    const current = await store.workItems.get(ctx.record.id);
    if (current === null) throw new Error(`work item ${ctx.record.id} disappeared`);
    const document = documentOf(current);
    if (document.story_issues?.[story] !== undefined) continue;
    const planned = document.plan_document?.stories.find((candidate) => candidate.id === story);
    if (planned === undefined) throw new Error(`story "${story}" is not in the epic's plan document`);
    const issue = await github.openIssue(
      `story:${ctx.record.id}:${story}`,
      {
        title: storyIssueTitle(current.issueNumber, planned),
        body: storyIssueBody(current.issueNumber, planned),
        labels: [AI_GENERATED_LABEL],
      },
      writeContext(ctx),
      // The first attempt is claimed in the store; a later one (a crash came between opening the issue and
      // recording it) looks for it first.
      (await store.deliveries.claimEvent(`story-issue:${ctx.record.id}:${story}`)) === 'duplicate',
    );
    await github.linkSubIssue(current.issueNumber, issue, writeContext(ctx));
    await patchDocument(store, ctx.record.id, (latest) => ({
      ...latest,
      story_issues: { ...latest.story_issues, [story]: { number: issue.number, id: issue.id } },
    }));
  }
}

/**
 * Starts a story: its work item (createStoryItem) with its outbox and dispatch rows, in one transaction
 * with the entry's claim. A cancelled item of the story is replaced; a running one is left alone.
 */
export async function startStory(ctx: EffectContext, effect: Of<'start_story'>): Promise<void> {
  const { env } = ctx;
  const epicRecord = await env.store.workItems.get(ctx.record.id);
  if (epicRecord === null) throw new Error(`work item ${ctx.record.id} disappeared`);
  const epic = documentOf(epicRecord);
  const issue = epic.story_issues?.[effect.story];
  if (issue === undefined)
    throw new Error(`story "${effect.story}" has no issue yet; its issue is opened first`);
  const started = createStoryItem({ issue: issue.number, epic: epic.item.issue, story: effect.story });
  const now = env.now().toISOString();
  const storyId = await env.store.transaction(async (tx) => {
    if ((await tx.deliveries.claimEvent(entryClaim(ctx.entry.key))) === 'duplicate') return null;
    const shell: ItemDocument = { item: started.item, outbox: [], entered_at: now };
    const created = await tx.workItems.create({
      repository: env.repository.fullName,
      issueNumber: issue.number,
      kind: 'story',
      storyId: effect.story,
      parentId: epicRecord.id,
      state: started.item.state,
      data: shell,
    });
    if (!created.created && created.item.state !== 'cancelled') return null;
    const record = created.item;
    const queued = queueEffects(env, record.id, started.item, started.effects, record.version + 1, {
      ...(ctx.entry.caused_by === undefined ? {} : { causedBy: ctx.entry.caused_by }),
    });
    await tx.workItems.update(record.id, record.version, {
      state: started.item.state,
      data: {
        ...shell,
        outbox: queued.entries,
        ...(queued.current === undefined
          ? {}
          : { run_key: queued.current.run_key, current_dispatch: queued.current }),
      },
      prNumber: null,
    });
    for (const dispatch of queued.dispatches) await tx.dispatches.create(dispatch);
    await tx.audit.append({
      actor: env.github.app.login,
      action: 'workflow.start_story',
      target: `${env.repository.fullName}#${issue.number}`,
      repository: env.repository.fullName,
      itemId: record.id,
      detail: { epic: epic.item.issue, story: effect.story, replaced_cancelled: !created.created },
    });
    return record.id;
  });
  if (storyId !== null) ctx.touched.add(storyId);
}

/** Feeds `retry` or `cancel` to the story's own item (the epic decided it); a story never started is skipped. */
export async function commandStory(
  ctx: EffectContext,
  effect: Of<'retry_story'> | Of<'cancel_story'>,
): Promise<void> {
  const story = await ctx.env.store.workItems.getByStory(ctx.record.id, effect.story);
  if (story === null) return;
  const event = effect.type === 'retry_story' ? { type: 'retry' as const } : { type: 'cancel' as const };
  const outcome = await applyEvent(ctx.env, story.id, event, {
    claim: entryClaim(ctx.entry.key),
    ...(ctx.entry.caused_by === undefined ? {} : { causedBy: ctx.entry.caused_by }),
  });
  if (outcome.kind === 'applied') ctx.touched.add(story.id);
  else if (outcome.kind === 'refused')
    ctx.env.log.warn(`story ${effect.story}: ${effect.type} refused: ${outcome.reason}`);
}

/** Tells the story's epic how the story ended (or that it runs again). */
export async function notifyEpic(ctx: EffectContext, effect: Of<'notify_epic'>): Promise<void> {
  const epicId = ctx.record.parentId;
  if (epicId === null) throw new Error(`story item ${ctx.record.id} has no epic`);
  const outcome = await applyEvent(ctx.env, epicId, effect.event, { claim: entryClaim(ctx.entry.key) });
  if (outcome.kind === 'applied') ctx.touched.add(epicId);
  else if (outcome.kind === 'refused')
    ctx.env.log.warn(`epic #${effect.epic}: ${effect.event.type} refused: ${outcome.reason}`);
}
