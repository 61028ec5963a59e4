/**
 * The webhook handlers: each turns one GitHub event into work on the store and GitHub, through the
 * repository's environment (repo-env.ts). Events the app has nothing to do with return before any API call.
 */
import type { Context } from 'probot';
import { parseCommand } from '../../core/commands.js';
import { STATE_LABELS } from '../../core/policy.js';
import { AI_GENERATED_LABEL } from '../../core/roles.js';
import { createEpicItem } from '../../core/workflow.js';
import { WORKFLOW_PATH, runKeyFromTitle } from '../github/index.js';
import type { Octokit } from '../github/index.js';
import type { DispatchRecord } from '../store/index.js';
import { applyEvent } from './apply.js';
import { runCommand } from './commands.js';
import type { ItemDocument } from './document.js';
import { ingestRun } from './ingest.js';
import { drainAll } from './outbox.js';
import { repoEnv, reportConfigErrors } from './repo-env.js';
import type { Runtime } from './runtime.js';

/** Branches the implement stage pushes to (`ai/<issue>-<slug>`, core/branch.ts). */
const AI_BRANCH = /^ai\//;

const octokitOf = (context: Context): Octokit => context.octokit as unknown as Octokit;

/** `issues.labeled` with the policy's trigger label: the epic is created, labelled, tracked and planned. */
export async function onIssueLabeled(runtime: Runtime, context: Context<'issues.labeled'>): Promise<void> {
  const { label, issue, repository, sender, installation } = context.payload;
  if (label === undefined) return;
  // The app's own labels never start work; checked before any call to GitHub.
  if ((STATE_LABELS as readonly string[]).includes(label.name) || label.name === AI_GENERATED_LABEL) return;
  const identity = await runtime.identity();
  if (sender.login.toLowerCase() === identity.login.toLowerCase()) return;
  const setup = await repoEnv(runtime, octokitOf(context), repository, installation?.id);
  if (!setup.ok) {
    await reportConfigErrors(setup.github, issue.number, setup.errors, { causedBy: sender.login });
    return;
  }
  const { env } = setup;
  if (label.name !== env.policy.trigger.label) return;
  const epic = createEpicItem(issue.number);
  const document: ItemDocument = {
    item: epic,
    outbox: [],
    entered_at: env.now().toISOString(),
    requester: sender.login,
    title: issue.title,
  };
  const { item: record } = await env.store.workItems.create({
    repository: repository.full_name,
    issueNumber: issue.number,
    kind: 'epic',
    state: epic.state,
    data: document,
  });
  // A repeated delivery (or a crash before the first transition) finds the item as it was left.
  if (record.state === 'new')
    await applyEvent(env, record.id, { type: 'labelled' }, { causedBy: sender.login });
  await drainAll(env, record.id);
}

/** `issue_comment.created`: a slash command (edits and deletions are never commands). */
export async function onIssueComment(
  runtime: Runtime,
  context: Context<'issue_comment.created'>,
): Promise<void> {
  const { comment, issue, repository, installation } = context.payload;
  const parsed = parseCommand(comment.body);
  if (parsed.kind === 'none') return;
  const identity = await runtime.identity();
  // The app never answers itself, whatever its comment says (checklist 13).
  if (comment.user?.login.toLowerCase() === identity.login.toLowerCase()) return;
  if (comment.performed_via_github_app?.id === identity.id) return;
  const author = {
    login: comment.user?.login ?? context.payload.sender.login,
    type: comment.user?.type ?? 'User',
  };
  const setup = await repoEnv(runtime, octokitOf(context), repository, installation?.id);
  if (!setup.ok) {
    const bot = author.type.toLowerCase() === 'bot' || author.login.toLowerCase().endsWith('[bot]');
    if (!bot) await reportConfigErrors(setup.github, issue.number, setup.errors, { causedBy: author.login });
    return;
  }
  await runCommand(setup.env, {
    parsed,
    commentId: comment.id,
    issue: issue.number,
    isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
    actor: author,
  });
}

/**
 * `workflow_run` of the orchestrator's workflow: `requested`/`in_progress` record the run on its dispatch
 * (the heartbeat tells never-started runs apart by it); `completed` takes in the result.
 */
export async function onWorkflowRun(
  runtime: Runtime,
  context: Context<'workflow_run.completed' | 'workflow_run.in_progress' | 'workflow_run.requested'>,
): Promise<void> {
  const { workflow_run: run, workflow, repository, installation, action } = context.payload;
  const path = workflow?.path ?? run.path;
  if (path !== WORKFLOW_PATH || run.event !== 'workflow_dispatch') return;
  const { store } = runtime;
  const dispatch = await dispatchOf(runtime, run);
  if (dispatch === null || dispatch.repository.toLowerCase() !== repository.full_name.toLowerCase()) return;
  if (action === 'requested') {
    if (dispatch.runId === null) await store.dispatches.attachRun(dispatch.runKey, run.id, run.html_url);
    return;
  }
  if (action === 'in_progress') {
    await store.dispatches.markRunning(dispatch.runKey, { runId: run.id, runUrl: run.html_url });
    return;
  }
  const setup = await repoEnv(runtime, octokitOf(context), repository, installation?.id);
  if (!setup.ok) {
    const record = await store.workItems.get(dispatch.itemId);
    if (record !== null)
      await reportConfigErrors(setup.github, record.issueNumber, setup.errors, { itemId: record.id });
    return;
  }
  await ingestRun(setup.env, dispatch, { id: run.id, url: run.html_url, conclusion: run.conclusion ?? null });
}

/**
 * The dispatch a run belongs to: by the run id GitHub returned for the dispatch, or else by the run key in
 * its title, but only for a run the app itself started whose dispatch has no run yet: titles are public,
 * and a run someone dispatched by hand with a copied key must not deliver a result.
 */
async function dispatchOf(
  runtime: Runtime,
  run: { id: number; actor?: { login: string } | null; display_title?: string },
): Promise<DispatchRecord | null> {
  const byId = await runtime.store.dispatches.getByRunId(run.id);
  if (byId !== null) return byId;
  const key = runKeyFromTitle(run.display_title);
  if (key === undefined) return null;
  const identity = await runtime.identity();
  if (run.actor?.login.toLowerCase() !== identity.login.toLowerCase()) return null;
  const byKey = await runtime.store.dispatches.get(key);
  return byKey !== null && byKey.runId === null ? byKey : null;
}

/**
 * `pull_request` on an AI branch of this repository: a new head (read from GitHub now, not the payload,
 * so an old event arriving late cannot move the item back) sends the story to review again; a merge
 * moves it to validation.
 */
export async function onPullRequest(
  runtime: Runtime,
  context: Context<
    'pull_request.synchronize' | 'pull_request.opened' | 'pull_request.reopened' | 'pull_request.closed'
  >,
): Promise<void> {
  const { pull_request: pull, repository, installation, sender, action } = context.payload;
  if (!AI_BRANCH.test(pull.head.ref)) return;
  // A fork's branch named ai/… is not the app's.
  if (pull.head.repo?.full_name.toLowerCase() !== repository.full_name.toLowerCase()) return;
  const record = await runtime.store.workItems.getByPr(repository.full_name, pull.number);
  if (record === null) return;
  if (action === 'closed' && !pull.merged) return;
  const setup = await repoEnv(runtime, octokitOf(context), repository, installation?.id);
  if (!setup.ok) {
    await reportConfigErrors(setup.github, pull.number, setup.errors, { itemId: record.id });
    return;
  }
  const { env } = setup;
  if (action === 'closed') {
    const merged = await applyEvent(
      env,
      record.id,
      { type: 'merged', ...(pull.merge_commit_sha === null ? {} : { merge_sha: pull.merge_commit_sha }) },
      {
        claim: `pr-merged:${repository.full_name}#${pull.number}`,
        causedBy: pull.merged_by?.login ?? sender.login,
      },
    );
    if (merged.kind === 'refused') env.log.debug(`merge of #${pull.number} not applied: ${merged.reason}`);
  } else {
    const current = await env.github.pull(pull.number);
    if (current.state !== 'open') return;
    const pushed = await applyEvent(
      env,
      record.id,
      { type: 'head_pushed', head_sha: current.headSha, by_human: !env.github.isApp(sender.login) },
      { causedBy: sender.login },
    );
    if (pushed.kind === 'refused') env.log.debug(`head of #${pull.number} not applied: ${pushed.reason}`);
  }
  await drainAll(env, record.id);
}
