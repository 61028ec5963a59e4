/**
 * Issue comment endpoints (comments on issues and pull requests).
 */
import { GitHubError } from '../errors.js';
import type { IssueComment } from '../model.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import { roleCovers } from '../state/repos.js';
import { commentView } from '../views/issues.js';
import { body, param, query, repoOperation } from './types.js';
import type { OperationHandler, RepoAccess, RepoContext } from './types.js';

const READ: RepoAccess = { kind: 'repo', permissions: ['issues', 'pull_requests'], level: 'read' };
const WRITE: RepoAccess = { kind: 'repo', permissions: ['issues', 'pull_requests'], level: 'write' };

/** Refuses a user who neither wrote the comment nor has write access (GitHub's rule for editing). */
function requireAuthorOrWriter(ctx: RepoContext, comment: IssueComment): void {
  if (ctx.caller.kind !== 'user' || ctx.caller.account.id === comment.user.id) return;
  if (!roleCovers(ctx.state.repos.roleOf(ctx.repo, ctx.caller.account), 'write')) {
    throw new GitHubError(403, 'Must have push access to edit comments of others.');
  }
}

/** Filters by `since` (updated at or after) and orders by `sort`/`direction`, as the list endpoints do. */
function filterAndSort(ctx: RepoContext, comments: IssueComment[]): IssueComment[] {
  const since = query<string>(ctx, 'since');
  const sort = query<string>(ctx, 'sort') ?? 'created';
  const direction = query<string>(ctx, 'direction') ?? 'asc';
  const key = (comment: IssueComment) =>
    sort === 'updated' ? comment.updatedAt.getTime() : comment.createdAt.getTime();
  return comments
    .filter((comment) => since === undefined || comment.updatedAt.getTime() >= new Date(since).getTime())
    .sort((a, b) => (direction === 'asc' ? key(a) - key(b) || a.id - b.id : key(b) - key(a) || b.id - a.id));
}

export const commentHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'issues/create-comment',
    access: WRITE,
    body: ['body'],
    handle: (ctx) => {
      const comment = ctx.state.comments.create(
        ctx.repo,
        param(ctx, 'issue_number'),
        ctx.actor,
        body<{ body: string }>(ctx).body,
      );
      const view = commentView(ctx.views, ctx.repo, comment);
      return { status: 201, body: view, headers: { location: String(view.url) } };
    },
  }),
  repoOperation({
    operationId: 'issues/get-comment',
    access: READ,
    handle: (ctx) => ({
      status: 200,
      body: commentView(ctx.views, ctx.repo, ctx.state.comments.get(ctx.repo, param(ctx, 'comment_id'))),
    }),
  }),
  repoOperation({
    operationId: 'issues/update-comment',
    access: WRITE,
    body: ['body'],
    handle: (ctx) => {
      const id = param<number>(ctx, 'comment_id');
      requireAuthorOrWriter(ctx, ctx.state.comments.get(ctx.repo, id));
      const comment = ctx.state.comments.update(ctx.repo, id, ctx.actor, body<{ body: string }>(ctx).body);
      return { status: 200, body: commentView(ctx.views, ctx.repo, comment) };
    },
  }),
  repoOperation({
    operationId: 'issues/delete-comment',
    access: WRITE,
    handle: (ctx) => {
      const id = param<number>(ctx, 'comment_id');
      requireAuthorOrWriter(ctx, ctx.state.comments.get(ctx.repo, id));
      ctx.state.comments.delete(ctx.repo, id, ctx.actor);
      return { status: 204 };
    },
  }),
  repoOperation({
    operationId: 'issues/list-comments',
    access: READ,
    query: [...PAGE_QUERY, 'since'],
    handle: (ctx) => {
      const comments = filterAndSort(ctx, ctx.state.comments.list(ctx.repo, param(ctx, 'issue_number')));
      const page = paginate(ctx, comments);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((c) => commentView(ctx.views, ctx.repo, c)),
      };
    },
  }),
  repoOperation({
    operationId: 'issues/list-comments-for-repo',
    access: READ,
    query: [...PAGE_QUERY, 'since', 'sort', 'direction'],
    handle: (ctx) => {
      const comments = filterAndSort(ctx, ctx.state.comments.listForRepository(ctx.repo));
      const page = paginate(ctx, comments);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((c) => commentView(ctx.views, ctx.repo, c)),
      };
    },
  }),
];
