/**
 * Failing CI on an AI branch, noted on its pull request: a check run of another app (the repository's CI)
 * that completes with failure or timed_out on the story's current head gets one comment per check and head.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'probot';
import { documentOf } from '../conductor/document.js';
import { repoEnv } from '../conductor/repo-env.js';
import type { Runtime } from '../conductor/runtime.js';
import type { Octokit } from '../github/index.js';
import { renderFailingCheck } from '../render/index.js';

const FAILING = new Set(['failure', 'timed_out']);

export async function onCheckRunCompleted(
  runtime: Runtime,
  context: Context<'check_run.completed'>,
): Promise<void> {
  const { check_run: check, repository, installation } = context.payload;
  if (check.conclusion === null || !FAILING.has(check.conclusion)) return;
  const pulls = check.pull_requests.filter((pull) => pull.head.ref.startsWith('ai/'));
  if (pulls.length === 0) return;
  const identity = await runtime.identity();
  // The app's own checks (the release gate, the reviewers) speak through the gate's result.
  if (check.app?.id === identity.id) return;
  for (const pull of pulls) {
    const record = await runtime.store.workItems.getByPr(repository.full_name, pull.number);
    if (record === null) continue;
    const item = documentOf(record).item;
    if (item.kind !== 'story' || item.head_sha !== check.head_sha) continue;
    const digest = createHash('sha256').update(check.name).digest('hex').slice(0, 12);
    const key = `ci-failure:${pull.number}:${check.head_sha.slice(0, 12)}:${digest}`;
    if ((await runtime.store.deliveries.claimEvent(key)) === 'duplicate') continue;
    const setup = await repoEnv(runtime, context.octokit as unknown as Octokit, repository, installation?.id);
    if (!setup.ok) return;
    await setup.env.github.comment(
      pull.number,
      key,
      renderFailingCheck(check.name, check.conclusion, check.head_sha, check.html_url ?? null),
      { itemId: record.id },
      { mayExist: true },
    );
  }
}
