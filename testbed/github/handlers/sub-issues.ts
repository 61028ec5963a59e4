/**
 * Sub-issue endpoints. They name the child by its issue **id**; a client sending the number gets the
 * 404 GitHub gives.
 */
import { notFound } from '../errors.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import { issueView } from '../views/issues.js';
import { body, param, repoOperation } from './types.js';
import type { OperationHandler, RepoAccess } from './types.js';

const READ: RepoAccess = { kind: 'repo', permissions: ['issues'], level: 'read' };
const WRITE: RepoAccess = { kind: 'repo', permissions: ['issues'], level: 'write', userRole: 'triage' };

export const subIssueHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'issues/add-sub-issue',
    access: WRITE,
    body: ['sub_issue_id', 'replace_parent'],
    handle: (ctx) => {
      const fields = body<{ sub_issue_id: number; replace_parent?: boolean }>(ctx);
      const parentNumber = param<number>(ctx, 'issue_number');
      ctx.state.subIssues.add(ctx.repo, parentNumber, fields.sub_issue_id, fields.replace_parent ?? false);
      // GitHub answers with the parent issue, its sub_issues_summary now counting the child.
      const parent = ctx.state.issues.get(ctx.repo, parentNumber);
      const view = issueView(ctx.views, ctx.repo, parent);
      return { status: 201, body: view, headers: { location: `${String(view.url)}/sub_issues` } };
    },
  }),
  repoOperation({
    operationId: 'issues/remove-sub-issue',
    access: WRITE,
    body: ['sub_issue_id'],
    handle: (ctx) => {
      const fields = body<{ sub_issue_id: number }>(ctx);
      const parentNumber = param<number>(ctx, 'issue_number');
      ctx.state.subIssues.remove(ctx.repo, parentNumber, fields.sub_issue_id);
      return {
        status: 200,
        body: issueView(ctx.views, ctx.repo, ctx.state.issues.get(ctx.repo, parentNumber)),
      };
    },
  }),
  repoOperation({
    operationId: 'issues/list-sub-issues',
    access: READ,
    query: PAGE_QUERY,
    handle: (ctx) => {
      const page = paginate(ctx, ctx.state.subIssues.list(ctx.repo, param(ctx, 'issue_number')));
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map(({ repo, issue }) => issueView(ctx.views, repo, issue)),
      };
    },
  }),
  repoOperation({
    operationId: 'issues/get-parent',
    access: READ,
    handle: (ctx) => {
      const child = ctx.state.issues.get(ctx.repo, param(ctx, 'issue_number'));
      const parent = ctx.state.subIssues.parentOf(child);
      if (parent === undefined) throw notFound(undefined, `#${child.number} has no parent`);
      return { status: 200, body: issueView(ctx.views, parent.repo, parent.issue) };
    },
  }),
];
