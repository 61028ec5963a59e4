/** Carries out one outbox entry, by its kind. */
import { syncDashboardIssue } from '../dashboard-issue/sync.js';
import type { EffectContext } from './effects/context.js';
import { writeContext } from './effects/context.js';
import { dispatch, merge, post, reply, setLabel } from './effects/github-effects.js';
import { commandStory, createStoryIssues, notifyEpic, startStory } from './effects/stories.js';
import { syncTracking } from './effects/tracking.js';

export type { EffectContext } from './effects/context.js';

/**
 * The kinds done entirely in the store, each in one transaction with its claim: they are never "attempted
 * before" in the sense of the GitHub writes, so the drain does not pre-claim them.
 */
export const STORE_ONLY: ReadonlySet<string> = new Set([
  'start_story',
  'retry_story',
  'cancel_story',
  'notify_epic',
]);

export async function execute(ctx: EffectContext): Promise<void> {
  const effect = ctx.entry.effect;
  switch (effect.type) {
    case 'set_label':
      return setLabel(ctx, effect);
    case 'post':
      return post(ctx, effect);
    case 'reply':
      return reply(ctx, effect);
    case 'dispatch':
      return dispatch(ctx, effect);
    case 'merge':
      return merge(ctx, effect);
    case 'create_story_issues':
      return createStoryIssues(ctx, effect);
    case 'start_story':
      return startStory(ctx, effect);
    case 'retry_story':
    case 'cancel_story':
      return commandStory(ctx, effect);
    case 'notify_epic':
      return notifyEpic(ctx, effect);
    case 'sync_tracking':
      return syncTracking(ctx);
    case 'sync_dashboard':
      return syncDashboardIssue(ctx.env, { context: writeContext(ctx) });
  }
}
