/**
 * Check run and commit status endpoints. Check runs belong to the app whose installation token created
 * them; only that app may update them, and users cannot write them at all.
 */
import { parameterNotImplemented } from '../errors.js';
import type { CheckConclusion, CheckStatus } from '../model.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import type { CheckRunFields } from '../state/checks.js';
import { checkRunView, checkSuiteView, combinedStatusView, statusView } from '../views/checks.js';
import { body, param, query, repoOperation } from './types.js';
import type { OperationHandler, RepoAccess, RepoContext } from './types.js';
import { notFound } from '../errors.js';

const CHECKS_READ: RepoAccess = { kind: 'repo', permissions: ['checks'], level: 'read' };
const CHECKS_WRITE: RepoAccess = { kind: 'repo', permissions: ['checks'], level: 'write', appsOnly: true };
const STATUSES_READ: RepoAccess = { kind: 'repo', permissions: ['statuses'], level: 'read' };
const STATUSES_WRITE: RepoAccess = {
  kind: 'repo',
  permissions: ['statuses'],
  level: 'write',
  userRole: 'write',
};

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  details_url?: string;
  external_id?: string;
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: unknown[]; images?: unknown[] };
}

const CHECK_RUN_FIELDS = [
  'name',
  'details_url',
  'external_id',
  'status',
  'conclusion',
  'started_at',
  'completed_at',
  'output',
];

/** The app behind the request's installation token (the `appsOnly` rule guarantees one). */
function callingApp(ctx: RepoContext) {
  if (ctx.caller.kind !== 'installation')
    throw new Error('check-run write reached without an installation token');
  return ctx.caller.app;
}

/** The state-API fields of a check-run body; output images are refused loudly (not modelled). */
function checkRunFields(ctx: RepoContext, fields: CheckRunBody): CheckRunFields {
  if (fields.output?.images !== undefined)
    throw parameterNotImplemented(ctx.request.operationId, 'output.images');
  return {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.details_url !== undefined ? { detailsUrl: fields.details_url } : {}),
    ...(fields.external_id !== undefined ? { externalId: fields.external_id } : {}),
    ...(fields.status !== undefined ? { status: fields.status } : {}),
    ...(fields.conclusion !== undefined ? { conclusion: fields.conclusion } : {}),
    ...(fields.started_at !== undefined ? { startedAt: new Date(fields.started_at) } : {}),
    ...(fields.completed_at !== undefined ? { completedAt: new Date(fields.completed_at) } : {}),
    ...(fields.output !== undefined
      ? {
          output: {
            ...(fields.output.title !== undefined ? { title: fields.output.title } : {}),
            ...(fields.output.summary !== undefined ? { summary: fields.output.summary } : {}),
            ...(fields.output.text !== undefined ? { text: fields.output.text } : {}),
            annotationsCount: fields.output.annotations?.length ?? 0,
          },
        }
      : {}),
  };
}

export const checkHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'checks/create',
    access: CHECKS_WRITE,
    body: ['head_sha', ...CHECK_RUN_FIELDS],
    handle: (ctx) => {
      const fields = body<CheckRunBody & { name: string; head_sha: string }>(ctx);
      const run = ctx.state.checks.createRun(ctx.repo, callingApp(ctx), ctx.actor, fields.head_sha, {
        ...checkRunFields(ctx, fields),
        name: fields.name,
      });
      return { status: 201, body: checkRunView(ctx.views, ctx.repo, run) };
    },
  }),
  repoOperation({
    operationId: 'checks/update',
    access: CHECKS_WRITE,
    body: CHECK_RUN_FIELDS,
    handle: (ctx) => {
      const fields = checkRunFields(ctx, body<CheckRunBody>(ctx));
      const run = ctx.state.checks.updateRun(
        ctx.repo,
        callingApp(ctx),
        ctx.actor,
        param(ctx, 'check_run_id'),
        fields,
      );
      return { status: 200, body: checkRunView(ctx.views, ctx.repo, run) };
    },
  }),
  repoOperation({
    operationId: 'checks/get',
    access: CHECKS_READ,
    handle: (ctx) => ({
      status: 200,
      body: checkRunView(ctx.views, ctx.repo, ctx.state.checks.getRun(ctx.repo, param(ctx, 'check_run_id'))),
    }),
  }),
  repoOperation({
    operationId: 'checks/list-for-ref',
    access: CHECKS_READ,
    query: [...PAGE_QUERY, 'check_name', 'status', 'filter', 'app_id'],
    handle: (ctx) => {
      const runs = ctx.state.checks.listForRef(ctx.repo, param(ctx, 'ref'), {
        ...(query<string>(ctx, 'check_name') !== undefined
          ? { checkName: query<string>(ctx, 'check_name') }
          : {}),
        ...(query<CheckStatus>(ctx, 'status') !== undefined
          ? { status: query<CheckStatus>(ctx, 'status') }
          : {}),
        ...(query<'latest' | 'all'>(ctx, 'filter') !== undefined
          ? { filter: query<'latest' | 'all'>(ctx, 'filter') }
          : {}),
        ...(query<number>(ctx, 'app_id') !== undefined ? { appId: query<number>(ctx, 'app_id') } : {}),
      });
      const page = paginate(ctx, runs);
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: page.total,
          check_runs: page.items.map((run) => checkRunView(ctx.views, ctx.repo, run)),
        },
      };
    },
  }),
  repoOperation({
    operationId: 'checks/get-suite',
    access: CHECKS_READ,
    handle: (ctx) => {
      const suite = ctx.state.checks.suite(ctx.repo, param(ctx, 'check_suite_id'));
      if (suite === undefined)
        throw notFound('https://docs.github.com/rest/checks/suites#get-a-check-suite', 'no such check suite');
      return { status: 200, body: checkSuiteView(ctx.views, ctx.repo, suite) };
    },
  }),
  repoOperation({
    operationId: 'repos/create-commit-status',
    access: STATUSES_WRITE,
    body: ['state', 'target_url', 'description', 'context'],
    handle: (ctx) => {
      const fields = body<{
        state: 'error' | 'failure' | 'pending' | 'success';
        target_url?: string | null;
        description?: string | null;
        context?: string;
      }>(ctx);
      const status = ctx.state.checks.createStatus(ctx.repo, param(ctx, 'sha'), ctx.actor, {
        state: fields.state,
        ...(fields.target_url !== undefined ? { targetUrl: fields.target_url } : {}),
        ...(fields.description !== undefined ? { description: fields.description } : {}),
        ...(fields.context !== undefined ? { context: fields.context } : {}),
      });
      const view = statusView(ctx.views, ctx.repo, status);
      return { status: 201, body: view, headers: { location: String(view.url) } };
    },
  }),
  repoOperation({
    operationId: 'repos/list-commit-statuses-for-ref',
    access: STATUSES_READ,
    query: PAGE_QUERY,
    handle: (ctx) => {
      const { statuses } = ctx.state.checks.statusesForRef(ctx.repo, param(ctx, 'ref'));
      const page = paginate(ctx, statuses);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((s) => statusView(ctx.views, ctx.repo, s)),
      };
    },
  }),
  repoOperation({
    operationId: 'repos/get-combined-status-for-ref',
    access: STATUSES_READ,
    query: PAGE_QUERY,
    handle: (ctx) => {
      const combined = ctx.state.checks.combinedStatus(ctx.repo, param(ctx, 'ref'));
      const page = paginate(ctx, combined.statuses);
      return {
        status: 200,
        headers: page.headers,
        body: combinedStatusView(ctx.views, ctx.repo, { ...combined, statuses: page.items }, page.total),
      };
    },
  }),
];
