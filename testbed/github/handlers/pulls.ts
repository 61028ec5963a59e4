/**
 * Pull request endpoints: open, read, list, change, merge.
 */
import { notFound, parameterNotImplemented } from '../errors.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import type { PullWithIssue } from '../state/pulls.js';
import { pullView } from '../views/pulls.js';
import { body, param, query, repoOperation } from './types.js';
import type { OperationHandler, RepoAccess, RepoContext } from './types.js';

const READ: RepoAccess = { kind: 'repo', permissions: ['pull_requests'], level: 'read' };
const WRITE: RepoAccess = { kind: 'repo', permissions: ['pull_requests'], level: 'write', userRole: 'write' };

/** Filters and orders pull requests as GitHub's list endpoint does (`head` as `owner:branch` or a branch). */
function listPulls(ctx: RepoContext): PullWithIssue[] {
  const state = query<string>(ctx, 'state') ?? 'open';
  const head = query<string>(ctx, 'head');
  const base = query<string>(ctx, 'base');
  const sort = query<string>(ctx, 'sort') ?? 'created';
  // Popularity (comments) and long-running (age with activity) orders are not modelled: say so.
  if (sort !== 'created' && sort !== 'updated')
    throw parameterNotImplemented(ctx.request.operationId, `sort=${sort}`);
  // GitHub's default: newest first when sorting by creation, ascending otherwise.
  const direction = query<string>(ctx, 'direction') ?? (sort === 'created' ? 'desc' : 'asc');
  const [headOwner, headRef] =
    head === undefined ? [undefined, undefined] : head.includes(':') ? head.split(':', 2) : [undefined, head];
  const key = ({ issue }: PullWithIssue) =>
    sort === 'updated' ? issue.updatedAt.getTime() : issue.createdAt.getTime();
  const compare = (a: PullWithIssue, b: PullWithIssue) => key(a) - key(b) || a.pull.number - b.pull.number;
  return ctx.state.pulls
    .list(ctx.repo)
    .filter(({ issue }) => state === 'all' || issue.state === state)
    .filter(() => headOwner === undefined || headOwner.toLowerCase() === ctx.repo.owner.login.toLowerCase())
    .filter(({ pull }) => headRef === undefined || pull.headRef === headRef)
    .filter(({ pull }) => base === undefined || pull.baseRef === base)
    .sort((a, b) => (direction === 'asc' ? compare(a, b) : compare(b, a)));
}

export const pullHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'pulls/create',
    access: WRITE,
    body: ['title', 'head', 'base', 'body', 'draft', 'maintainer_can_modify'],
    handle: (ctx) => {
      const fields = body<{
        title: string;
        head: string;
        base: string;
        body?: string;
        draft?: boolean;
        maintainer_can_modify?: boolean;
      }>(ctx);
      const { pull, issue } = ctx.state.pulls.create(ctx.repo, ctx.actor, {
        title: fields.title,
        head: fields.head,
        base: fields.base,
        body: fields.body ?? null,
        draft: fields.draft ?? false,
        ...(fields.maintainer_can_modify !== undefined
          ? { maintainerCanModify: fields.maintainer_can_modify }
          : {}),
      });
      const view = pullView(ctx.views, ctx.repo, pull, issue);
      return { status: 201, body: view, headers: { location: String(view.url) } };
    },
  }),
  repoOperation({
    operationId: 'pulls/get',
    access: READ,
    handle: (ctx) => {
      const { pull, issue } = ctx.state.pulls.get(ctx.repo, param(ctx, 'pull_number'));
      return { status: 200, body: pullView(ctx.views, ctx.repo, pull, issue) };
    },
  }),
  repoOperation({
    operationId: 'pulls/list',
    access: READ,
    query: [...PAGE_QUERY, 'state', 'head', 'base', 'sort', 'direction'],
    handle: (ctx) => {
      const page = paginate(ctx, listPulls(ctx));
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map(({ pull, issue }) => pullView(ctx.views, ctx.repo, pull, issue)),
      };
    },
  }),
  repoOperation({
    operationId: 'pulls/update',
    access: WRITE,
    body: ['title', 'body', 'state', 'maintainer_can_modify'],
    handle: (ctx) => {
      const fields = body<{
        title?: string;
        body?: string;
        state?: 'open' | 'closed';
        maintainer_can_modify?: boolean;
      }>(ctx);
      const number = param<number>(ctx, 'pull_number');
      const { pull, issue } = ctx.state.pulls.update(ctx.repo, number, ctx.actor, {
        ...(fields.title !== undefined ? { title: fields.title } : {}),
        ...(fields.body !== undefined ? { body: fields.body } : {}),
        ...(fields.state !== undefined ? { state: fields.state } : {}),
        ...(fields.maintainer_can_modify !== undefined
          ? { maintainerCanModify: fields.maintainer_can_modify }
          : {}),
      });
      return { status: 200, body: pullView(ctx.views, ctx.repo, pull, issue) };
    },
  }),
  repoOperation({
    operationId: 'pulls/merge',
    access: { ...WRITE, permissions: ['contents'] },
    body: ['commit_title', 'commit_message', 'sha', 'merge_method'],
    handle: (ctx) => {
      const fields = body<{
        commit_title?: string;
        commit_message?: string;
        sha?: string;
        merge_method?: 'merge' | 'squash' | 'rebase';
      }>(ctx);
      const sha = ctx.state.pulls.merge(ctx.repo, param(ctx, 'pull_number'), ctx.actor, {
        ...(fields.sha !== undefined ? { sha: fields.sha } : {}),
        ...(fields.merge_method !== undefined ? { mergeMethod: fields.merge_method } : {}),
        ...(fields.commit_title !== undefined ? { commitTitle: fields.commit_title } : {}),
        ...(fields.commit_message !== undefined ? { commitMessage: fields.commit_message } : {}),
      });
      return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
    },
  }),
  repoOperation({
    operationId: 'pulls/check-if-merged',
    access: READ,
    handle: (ctx) => {
      const { pull } = ctx.state.pulls.get(ctx.repo, param(ctx, 'pull_number'));
      if (!pull.merged)
        throw notFound(
          'https://docs.github.com/rest/pulls/pulls#check-if-a-pull-request-has-been-merged',
          'not merged',
        );
      return { status: 204 };
    },
  }),
];
