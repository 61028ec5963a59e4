/**
 * Check runs, check suites and commit statuses as GitHub shows them.
 */
import type { CheckRun, CheckSuite, CommitStatus, Repository } from '../model.js';
import { appView } from './apps.js';
import { timestamp, timestampOrNull } from './context.js';
import type { ViewContext } from './context.js';
import { minimalPullView, pullsWithHead } from './pulls.js';
import { repositoryView } from './repos.js';
import { userView } from './users.js';

/** A check run as the `check-run` schema describes it; `app` is the app that owns it. */
export function checkRunView(ctx: ViewContext, repo: Repository, run: CheckRun): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const html = ctx.urls.repoHtml(repo.owner.login, repo.name);
  const url = `${api}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: run.nodeId,
    external_id: run.externalId ?? '',
    url,
    html_url: `${html}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${html}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: timestampOrNull(run.startedAt),
    completed_at: timestampOrNull(run.completedAt),
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotationsCount,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: appView(ctx, ctx.state.apps.get(run.appId)),
    pull_requests: pullsWithHead(repo, run.headSha).map((pull) => minimalPullView(ctx, repo, pull)),
  };
}

/**
 * A check suite as the `check-suite` schema describes it. Its status and conclusion are folded from its
 * runs: queued/in progress until every run completed, then the worst conclusion.
 */
export function checkSuiteView(
  ctx: ViewContext,
  repo: Repository,
  suite: CheckSuite,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const runs = [...repo.checkRuns.values()].filter((run) => run.suiteId === suite.id);
  const done = runs.length > 0 && runs.every((run) => run.status === 'completed');
  const order = [
    'action_required',
    'timed_out',
    'cancelled',
    'failure',
    'stale',
    'neutral',
    'skipped',
    'success',
  ];
  const conclusions = runs.map((run) => run.conclusion ?? 'success');
  const worst = order.find((conclusion) => conclusions.includes(conclusion as never)) ?? null;
  return {
    id: suite.id,
    node_id: suite.nodeId,
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: done ? 'completed' : runs.some((run) => run.status === 'in_progress') ? 'in_progress' : 'queued',
    conclusion: done ? worst : null,
    url: `${api}/check-suites/${suite.id}`,
    before: null,
    after: suite.headSha,
    pull_requests: pullsWithHead(repo, suite.headSha).map((pull) => minimalPullView(ctx, repo, pull)),
    app: appView(ctx, ctx.state.apps.get(suite.appId)),
    repository: repositoryView(ctx, repo),
    created_at: timestamp(suite.createdAt),
    updated_at: timestamp(suite.updatedAt),
    head_commit: {
      id: suite.headSha,
      tree_id: suite.headSha,
      message: `commit ${suite.headSha.slice(0, 7)}`,
      timestamp: timestamp(suite.createdAt),
      author: { name: 'testbed', email: 'testbed@users.noreply.github.com' },
      committer: { name: 'testbed', email: 'testbed@users.noreply.github.com' },
    },
    latest_check_runs_count: runs.length,
    check_runs_url: `${api}/check-suites/${suite.id}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}

/** A commit status as the `status` schema describes it. */
export function statusView(
  ctx: ViewContext,
  repo: Repository,
  status: CommitStatus,
): Record<string, unknown> {
  return {
    url: `${ctx.urls.repo(repo.owner.login, repo.name)}/statuses/${status.sha}`,
    avatar_url: `${ctx.urls.web}/avatars/u/${status.creator.id}`,
    id: status.id,
    node_id: status.nodeId,
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: timestamp(status.createdAt),
    updated_at: timestamp(status.updatedAt),
    creator: userView(ctx, status.creator),
  };
}

/**
 * The combined status of a commit as the `combined-commit-status` schema describes it; `statuses` may be
 * one page of them, `total` counts them all.
 */
export function combinedStatusView(
  ctx: ViewContext,
  repo: Repository,
  combined: { sha: string; state: CommitStatus['state']; statuses: CommitStatus[] },
  total: number,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  return {
    state: combined.state,
    statuses: combined.statuses.map((status) => {
      const { creator: _creator, ...simple } = statusView(ctx, repo, status);
      return simple;
    }),
    sha: combined.sha,
    total_count: total,
    repository: repositoryView(ctx, repo),
    commit_url: `${api}/commits/${combined.sha}`,
    url: `${api}/commits/${combined.sha}/status`,
  };
}
