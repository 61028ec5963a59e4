/**
 * GitHub Actions endpoints: workflows, `workflow_dispatch` (with `return_run_details`), workflow runs, and
 * artifacts, whose download redirects to a short-lived address the fake serves, as GitHub's does.
 */
import { GitHubError, notFound } from '../errors.js';
import type { WorkflowRun } from '../model.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import type { RunFilter } from '../state/actions.js';
import { artifactView, runUrls, workflowRunView, workflowView } from '../views/actions.js';
import { body, param, query, repoOperation } from './types.js';
import type { OperationHandler, RepoAccess, RepoContext } from './types.js';

const READ: RepoAccess = { kind: 'repo', permissions: ['actions'], level: 'read' };
const WRITE: RepoAccess = { kind: 'repo', permissions: ['actions'], level: 'write', userRole: 'write' };

/**
 * From this API version on, a dispatch always answers 200 with the run (GitHub's announced breaking
 * change `change_workflow_dispatch_response_status` in the description).
 */
const ALWAYS_RUN_DETAILS_VERSION = '2026-03-10';

const RUN_QUERY = [
  ...PAGE_QUERY,
  'actor',
  'branch',
  'event',
  'status',
  'head_sha',
  'exclude_pull_requests',
  'check_suite_id',
];

/** The run filters of a list request. */
function runFilter(ctx: RepoContext): RunFilter & { checkSuiteId?: number } {
  const pick = <T>(name: string) => query<T>(ctx, name);
  return {
    ...(pick<string>('actor') !== undefined ? { actor: pick<string>('actor') } : {}),
    ...(pick<string>('branch') !== undefined ? { branch: pick<string>('branch') } : {}),
    ...(pick<string>('event') !== undefined ? { event: pick<string>('event') } : {}),
    ...(pick<string>('status') !== undefined ? { status: pick<string>('status') } : {}),
    ...(pick<string>('head_sha') !== undefined ? { headSha: pick<string>('head_sha') } : {}),
    ...(pick<number>('check_suite_id') !== undefined ? { checkSuiteId: pick<number>('check_suite_id') } : {}),
  };
}

/** A paginated `{ total_count, workflow_runs }` answer. */
function runList(ctx: RepoContext, runs: WorkflowRun[], checkSuiteId: number | undefined) {
  const exclude = query<boolean>(ctx, 'exclude_pull_requests') === true;
  const page = paginate(
    ctx,
    runs.filter((run) => checkSuiteId === undefined || run.checkSuiteId === checkSuiteId),
  );
  return {
    status: 200,
    headers: page.headers,
    body: {
      total_count: page.total,
      workflow_runs: page.items.map((run) => workflowRunView(ctx.views, ctx.repo, run, exclude)),
    },
  };
}

export const actionHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'actions/create-workflow-dispatch',
    access: WRITE,
    body: ['ref', 'inputs', 'return_run_details'],
    handle: (ctx) => {
      const fields = body<{ ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean }>(
        ctx,
      );
      const run = ctx.state.actions.dispatch(
        ctx.repo,
        param(ctx, 'workflow_id'),
        ctx.actor,
        fields.ref,
        fields.inputs ?? {},
      );
      const version = ctx.headers['x-github-api-version'];
      const alwaysDetails = typeof version === 'string' && version >= ALWAYS_RUN_DETAILS_VERSION;
      if (fields.return_run_details !== true && !alwaysDetails) return { status: 204 };
      const { url, html } = runUrls(ctx.views, ctx.repo, run);
      return { status: 200, body: { workflow_run_id: run.id, run_url: url, html_url: html } };
    },
  }),
  repoOperation({
    operationId: 'actions/get-workflow',
    access: READ,
    handle: (ctx) => ({
      status: 200,
      body: workflowView(
        ctx.views,
        ctx.repo,
        ctx.state.actions.workflow(ctx.repo, param(ctx, 'workflow_id')),
      ),
    }),
  }),
  repoOperation({
    operationId: 'actions/list-repo-workflows',
    access: READ,
    query: PAGE_QUERY,
    handle: (ctx) => {
      const page = paginate(
        ctx,
        [...ctx.repo.workflows.values()].sort((a, b) => a.id - b.id),
      );
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: page.total,
          workflows: page.items.map((w) => workflowView(ctx.views, ctx.repo, w)),
        },
      };
    },
  }),
  repoOperation({
    operationId: 'actions/get-workflow-run',
    access: READ,
    query: ['exclude_pull_requests'],
    handle: (ctx) => {
      const run = ctx.state.actions.run(ctx.repo, param(ctx, 'run_id'));
      const exclude = query<boolean>(ctx, 'exclude_pull_requests') === true;
      return { status: 200, body: workflowRunView(ctx.views, ctx.repo, run, exclude) };
    },
  }),
  repoOperation({
    operationId: 'actions/list-workflow-runs-for-repo',
    access: READ,
    query: RUN_QUERY,
    handle: (ctx) => {
      const { checkSuiteId, ...filter } = runFilter(ctx);
      return runList(ctx, ctx.state.actions.runs(ctx.repo, filter), checkSuiteId);
    },
  }),
  repoOperation({
    operationId: 'actions/list-workflow-runs',
    access: READ,
    query: RUN_QUERY,
    handle: (ctx) => {
      const workflow = ctx.state.actions.workflow(ctx.repo, param(ctx, 'workflow_id'));
      const { checkSuiteId, ...filter } = runFilter(ctx);
      return runList(
        ctx,
        ctx.state.actions.runs(ctx.repo, { ...filter, workflowId: workflow.id }),
        checkSuiteId,
      );
    },
  }),
  repoOperation({
    operationId: 'actions/list-workflow-run-artifacts',
    access: READ,
    query: [...PAGE_QUERY, 'name', 'direction'],
    handle: (ctx) => {
      const artifacts = ctx.state.actions.artifacts(
        ctx.repo,
        param(ctx, 'run_id'),
        query<string>(ctx, 'name'),
      );
      if (query<string>(ctx, 'direction') === 'desc') artifacts.reverse();
      const page = paginate(ctx, artifacts);
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: page.total,
          artifacts: page.items.map((a) =>
            artifactView(ctx.views, ctx.repo, a, ctx.state.actions.isExpired(a)),
          ),
        },
      };
    },
  }),
  repoOperation({
    operationId: 'actions/get-artifact',
    access: READ,
    handle: (ctx) => {
      const artifact = ctx.state.actions.artifact(ctx.repo, param(ctx, 'artifact_id'));
      return {
        status: 200,
        body: artifactView(ctx.views, ctx.repo, artifact, ctx.state.actions.isExpired(artifact)),
      };
    },
  }),
  repoOperation({
    operationId: 'actions/download-artifact',
    access: READ,
    handle: (ctx) => {
      const docs = 'https://docs.github.com/rest/actions/artifacts#download-an-artifact';
      if (param<string>(ctx, 'archive_format') !== 'zip') throw notFound(docs, 'archive_format must be zip');
      const artifact = ctx.state.actions.artifact(ctx.repo, param(ctx, 'artifact_id'));
      if (ctx.state.actions.isExpired(artifact)) throw new GitHubError(410, 'Artifact has expired', docs);
      return {
        status: 302,
        headers: { location: ctx.downloads.artifact(ctx.repo.id, artifact.id) },
      };
    },
  }),
];
