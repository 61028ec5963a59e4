/**
 * The epic's tracking comment: one per labelled issue, posted on the first transition and then edited in
 * place with the current state, stories, runs and cost. It always shows the store as it is when the entry
 * runs, so repeating it is harmless and a late one never shows stale news.
 */
import { statusOf } from '../../github/index.js';
import { renderTracking } from '../../render/index.js';
import { documentOf, patchDocument } from '../document.js';
import { itemView } from '../views.js';
import type { EffectContext } from './context.js';
import { writeContext } from './context.js';

export async function syncTracking(ctx: EffectContext): Promise<void> {
  const { store, github, repository } = ctx.env;
  const epicId = ctx.record.kind === 'epic' ? ctx.record.id : ctx.record.parentId;
  if (epicId === null) return;
  const epic = await store.workItems.get(epicId);
  if (epic === null) return;
  const body = renderTracking(await itemView(store, repository.fullName, epic));
  const key = `tracking:${epicId}`;
  const known = documentOf(epic).tracking_comment;
  if (known !== undefined) {
    try {
      await github.editComment(known, epic.issueNumber, key, body, writeContext(ctx, { itemId: epicId }));
      return;
    } catch (error) {
      // Someone deleted it: post a new one below.
      if (statusOf(error) !== 404) throw error;
    }
  }
  // Posted once per epic. The first attempt is claimed in the store; any later one (a crash between
  // posting and recording the id, a comment someone deleted) looks for the epic's marker first.
  const first = (await store.deliveries.claimEvent(`tracking-comment:${epicId}`)) === 'new';
  const comment = await github.comment(epic.issueNumber, key, body, writeContext(ctx, { itemId: epicId }), {
    mayExist: !first,
  });
  await patchDocument(store, epicId, (latest) => ({ ...latest, tracking_comment: comment.id }));
}
