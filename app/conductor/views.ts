/**
 * The data behind the tracking comment and `/status`: an item's state, its stories (with their own
 * items' states, issues and pull requests), its runs and its cost, read from the store.
 */
import type { ItemView, RunLine, StoryLine } from '../render/index.js';
import type { DispatchRecord, Store, WorkItemRecord } from '../store/index.js';
import { documentOf } from './document.js';

const runLine = (dispatch: DispatchRecord): RunLine => ({
  stage: dispatch.stage,
  story: dispatch.storyId,
  status: dispatch.status,
  conclusion: dispatch.conclusion,
  url: dispatch.runUrl,
  attempts: dispatch.attempts,
});

/** The view of `record` (an epic includes its stories and their runs; the cost includes the stories'). */
export async function itemView(store: Store, repository: string, record: WorkItemRecord): Promise<ItemView> {
  const document = documentOf(record);
  const item = document.item;
  const children = item.kind === 'epic' ? await store.workItems.list({ parentId: record.id }) : [];
  const byStory = new Map(children.map((child) => [child.storyId, child] as const));
  const titles = new Map(
    (document.plan_document?.stories ?? []).map((story) => [story.id, story.title] as const),
  );

  const stories: StoryLine[] =
    item.kind === 'epic'
      ? (item.plan?.stories ?? []).map((story) => {
          const child = byStory.get(story.id);
          const childDocument = child === undefined ? undefined : documentOf(child);
          const issue = document.story_issues?.[story.id]?.number;
          const pr = childDocument?.item.kind === 'story' ? childDocument.item.pr : undefined;
          const title = titles.get(story.id);
          return {
            id: story.id,
            state: child?.state ?? item.stories?.[story.id] ?? 'pending',
            ...(title === undefined ? {} : { title }),
            ...(issue === undefined ? {} : { issue }),
            ...(pr === undefined ? {} : { pr }),
          };
        })
      : [];

  const runs: DispatchRecord[] = [...(await store.dispatches.listForItem(record.id))];
  for (const child of children) runs.push(...(await store.dispatches.listForItem(child.id)));
  runs.sort((a, b) => a.dispatchedAt.localeCompare(b.dispatchedAt) || a.runKey.localeCompare(b.runKey));

  const cost = await store.usage.totalsForItem(record.id);
  return {
    kind: item.kind,
    issue: item.issue,
    state: item.state,
    paused: await store.repositories.isPaused(repository),
    ...(item.kind === 'story' ? { story: item.story } : {}),
    ...(item.kind === 'story' && item.pr !== undefined ? { pr: item.pr } : {}),
    ...(item.kind === 'story' && item.head_sha !== undefined ? { headSha: item.head_sha } : {}),
    ...(item.kind === 'story' && item.gate !== undefined
      ? { gate: { decision: item.gate.decision, headSha: item.gate.head_sha } }
      : {}),
    stories,
    runs: runs.map(runLine),
    cost: {
      costUsd: cost.costUsd,
      tokensIn: cost.tokensIn,
      tokensOut: cost.tokensOut,
      cacheReadTokens: cost.cacheReadTokens,
    },
    ...(item.last_reason === undefined ? {} : { lastReason: item.last_reason }),
    ...(item.last_run_url === undefined ? {} : { lastRunUrl: item.last_run_url }),
    ...(item.questions === undefined ? {} : { questions: item.questions }),
  };
}
