/**
 * Workflows, workflow runs and artifacts as GitHub shows them.
 */
import type { Artifact, Repository, Workflow, WorkflowRun } from '../model.js';
import { timestamp } from './context.js';
import type { ViewContext } from './context.js';
import { minimalPullView, pullsWithHead } from './pulls.js';
import { repositoryView } from './repos.js';
import { userView } from './users.js';

/** A workflow as the `workflow` schema describes it. */
export function workflowView(
  ctx: ViewContext,
  repo: Repository,
  workflow: Workflow,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const html = ctx.urls.repoHtml(repo.owner.login, repo.name);
  return {
    id: workflow.id,
    node_id: workflow.nodeId,
    name: workflow.name,
    path: workflow.path,
    state: workflow.state,
    created_at: timestamp(workflow.createdAt),
    updated_at: timestamp(workflow.updatedAt),
    url: `${api}/actions/workflows/${workflow.id}`,
    html_url: `${html}/blob/${repo.defaultBranch}/${workflow.path}`,
    badge_url: `${html}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

/** The API and web addresses of a run (the dispatch response and the run view share them). */
export function runUrls(ctx: ViewContext, repo: Repository, run: WorkflowRun): { url: string; html: string } {
  return {
    url: `${ctx.urls.repo(repo.owner.login, repo.name)}/actions/runs/${run.id}`,
    html: `${ctx.urls.repoHtml(repo.owner.login, repo.name)}/actions/runs/${run.id}`,
  };
}

/**
 * A workflow run as the `workflow-run` schema describes it. `excludePullRequests` empties
 * `pull_requests`, as the `exclude_pull_requests` query parameter does.
 */
export function workflowRunView(
  ctx: ViewContext,
  repo: Repository,
  run: WorkflowRun,
  excludePullRequests = false,
): Record<string, unknown> {
  const workflow = ctx.state.actions.workflow(repo, run.workflowId);
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const { url, html } = runUrls(ctx, repo, run);
  const repoJson = repositoryView(ctx, repo);
  // GitHub's real bot addresses contain `[bot]`, which its own description's `email` format rejects.
  const local = run.actor.login.replace(/\[bot\]$/, '');
  const person = { name: run.actor.login, email: `${run.actor.id}+${local}@users.noreply.github.com` };
  return {
    id: run.id,
    name: workflow.name,
    node_id: run.nodeId,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow.path,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: html,
    pull_requests: excludePullRequests
      ? []
      : pullsWithHead(repo, run.headSha).map((pull) => minimalPullView(ctx, repo, pull)),
    created_at: timestamp(run.createdAt),
    updated_at: timestamp(run.updatedAt),
    actor: userView(ctx, run.actor),
    triggering_actor: userView(ctx, run.actor),
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    // GitHub fills run_started_at when the run is created and moves it when a runner starts it.
    run_started_at: timestamp(run.runStartedAt ?? run.createdAt),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_id: run.checkSuiteId,
    check_suite_node_id: ctx.state.records.nodeId('CS', run.checkSuiteId),
    check_suite_url: `${api}/check-suites/${run.checkSuiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/actions/workflows/${run.workflowId}`,
    head_commit: {
      id: run.headSha,
      tree_id: run.headSha,
      message: `commit ${run.headSha.slice(0, 7)}`,
      timestamp: timestamp(run.createdAt),
      author: person,
      committer: person,
    },
    repository: repoJson,
    head_repository: repoJson,
    head_repository_id: repo.id,
  };
}

/** An artifact as the `artifact` schema describes it. */
export function artifactView(
  ctx: ViewContext,
  repo: Repository,
  artifact: Artifact,
  expired: boolean,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const run = ctx.state.actions.run(repo, artifact.runId);
  return {
    id: artifact.id,
    node_id: artifact.nodeId,
    name: artifact.name,
    size_in_bytes: artifact.sizeInBytes,
    url: `${api}/actions/artifacts/${artifact.id}`,
    archive_download_url: `${api}/actions/artifacts/${artifact.id}/zip`,
    expired,
    created_at: timestamp(artifact.createdAt),
    updated_at: timestamp(artifact.createdAt),
    expires_at: timestamp(artifact.expiresAt),
    digest: artifact.digest,
    workflow_run: {
      id: run.id,
      repository_id: repo.id,
      head_repository_id: repo.id,
      head_branch: run.headBranch,
      head_sha: run.headSha,
    },
  };
}
