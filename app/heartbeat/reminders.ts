/**
 * Pull requests waiting for `/approve` longer than the policy's `merge_reminder_hours` get one comment per
 * head (claimed in the store, posted with a marker). The heartbeat proposes; it never merges.
 */
import { documentOf } from '../conductor/document.js';
import type { RepoEnv } from '../conductor/env.js';
import { renderMergeReminder } from '../render/index.js';
import type { WorkItemRecord } from '../store/index.js';
import type { BeatReport } from './report.js';

export async function remindMerge(env: RepoEnv, record: WorkItemRecord, report: BeatReport): Promise<void> {
  const document = documentOf(record);
  const item = document.item;
  if (item.kind !== 'story' || item.state !== 'awaiting_merge_approval' || item.pr === undefined) return;
  const hours = env.policy.heartbeat.merge_reminder_hours;
  if (Date.parse(document.entered_at) > env.now().getTime() - hours * 3_600_000) return;
  const key = `merge-reminder:${record.id}:${item.head_sha ?? 'none'}`;
  if ((await env.store.deliveries.claimEvent(key)) === 'duplicate') return;
  await env.github.comment(
    item.pr,
    key,
    renderMergeReminder(hours, item.head_sha),
    { itemId: record.id },
    { mayExist: true },
  );
  report.reminded.push(item.pr);
}
