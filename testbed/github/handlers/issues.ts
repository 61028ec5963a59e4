/**
 * Issue endpoints: issues and their labels, and repository labels.
 */
import { GitHubError } from '../errors.js';
import type { Issue } from '../model.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import { roleCovers } from '../state/repos.js';
import { issueView, labelView } from '../views/issues.js';
import { body, param, query, repoOperation } from './types.js';
import type { OperationHandler, RepoAccess, RepoContext } from './types.js';

const ISSUES_READ: RepoAccess = { kind: 'repo', permissions: ['issues', 'pull_requests'], level: 'read' };
const ISSUES_WRITE: RepoAccess = { kind: 'repo', permissions: ['issues', 'pull_requests'], level: 'write' };

/** A label given as a name or as `{ name }`, as the label endpoints accept. */
type LabelInput = string | { name: string };

/** The label names of an add/set-labels body, in any of the shapes the operation accepts. */
function labelNames(input: unknown): string[] {
  const list = Array.isArray(input)
    ? input
    : typeof input === 'string'
      ? [input]
      : ((input as { labels?: LabelInput[] }).labels ?? []);
  return (list as LabelInput[]).map((label) => (typeof label === 'string' ? label : label.name));
}

/**
 * True when the caller may triage (set labels, assignees, state) on the repository: an installation
 * token (its permission was checked), or a user with at least the triage role.
 */
function canTriage(ctx: RepoContext): boolean {
  if (ctx.caller.kind !== 'user') return true;
  return roleCovers(ctx.state.repos.roleOf(ctx.repo, ctx.caller.account), 'triage');
}

/** Refuses a user who is neither the author of `issue` nor a triager (GitHub's rule for editing). */
function requireAuthorOrTriage(ctx: RepoContext, issue: Issue): void {
  if (ctx.caller.kind === 'user' && ctx.caller.account.id !== issue.user.id && !canTriage(ctx)) {
    throw new GitHubError(403, 'Must have triage access to this repository.');
  }
}

/** Refuses a user without the triage role (label changes). */
function requireTriage(ctx: RepoContext): void {
  if (!canTriage(ctx)) throw new GitHubError(403, 'Must have triage access to this repository.');
}

interface IssueBody {
  title?: string | number;
  body?: string | null;
  state?: 'open' | 'closed';
  state_reason?: Issue['stateReason'];
  labels?: LabelInput[];
  assignees?: string[];
  assignee?: string | null;
}

/** The assignee logins of a create/update body (`assignees`, or the older single `assignee`). */
function assigneesOf(fields: IssueBody): string[] | undefined {
  if (fields.assignees !== undefined) return fields.assignees;
  if (fields.assignee !== undefined) return fields.assignee === null ? [] : [fields.assignee];
  return undefined;
}

const ISSUE_FIELDS = ['title', 'body', 'labels', 'assignees', 'assignee'];

/** Sorts and filters the issue list as GitHub's list endpoint does. */
function listIssues(ctx: RepoContext): Issue[] {
  const state = query<string>(ctx, 'state') ?? 'open';
  const labels = query<string>(ctx, 'labels');
  const wanted =
    labels === undefined
      ? []
      : labels
          .split(',')
          .map((name) => name.trim().toLowerCase())
          .filter(Boolean);
  const creator = query<string>(ctx, 'creator')?.toLowerCase();
  const since = query<string>(ctx, 'since');
  const sort = query<string>(ctx, 'sort') ?? 'created';
  const direction = query<string>(ctx, 'direction') ?? 'desc';
  const key = (issue: Issue): number => {
    if (sort === 'updated') return issue.updatedAt.getTime();
    if (sort === 'comments') return ctx.state.comments.list(ctx.repo, issue.number).length;
    return issue.createdAt.getTime();
  };
  // Ties (same second) fall back to the number, so pages are stable.
  const compare = (a: Issue, b: Issue) => key(a) - key(b) || a.number - b.number;
  return ctx.state.issues
    .list(ctx.repo)
    .filter((issue) => state === 'all' || issue.state === state)
    .filter((issue) => wanted.every((name) => issue.labels.includes(name)))
    .filter((issue) => creator === undefined || issue.user.login.toLowerCase() === creator)
    .filter((issue) => since === undefined || issue.updatedAt.getTime() >= new Date(since).getTime())
    .sort((a, b) => (direction === 'asc' ? compare(a, b) : compare(b, a)));
}

export const issueHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'issues/get',
    access: ISSUES_READ,
    handle: (ctx) => ({
      status: 200,
      body: issueView(ctx.views, ctx.repo, ctx.state.issues.get(ctx.repo, param(ctx, 'issue_number'))),
    }),
  }),
  repoOperation({
    operationId: 'issues/list-for-repo',
    access: ISSUES_READ,
    query: [...PAGE_QUERY, 'state', 'labels', 'sort', 'direction', 'since', 'creator'],
    handle: (ctx) => {
      const page = paginate(ctx, listIssues(ctx));
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((issue) => issueView(ctx.views, ctx.repo, issue)),
      };
    },
  }),
  repoOperation({
    operationId: 'issues/create',
    access: { ...ISSUES_WRITE, permissions: ['issues'] },
    body: ISSUE_FIELDS,
    handle: (ctx) => {
      const fields = body<IssueBody>(ctx);
      // GitHub silently drops labels and assignees from people without push access; so does the fake.
      const trusted = canTriage(ctx);
      const issue = ctx.state.issues.create(ctx.repo, ctx.actor, {
        title: String(fields.title),
        body: fields.body ?? null,
        labels: trusted ? labelNames(fields.labels ?? []) : [],
        assignees: trusted ? (assigneesOf(fields) ?? []) : [],
      });
      const view = issueView(ctx.views, ctx.repo, issue);
      return { status: 201, body: view, headers: { location: String(view.url) } };
    },
  }),
  repoOperation({
    operationId: 'issues/update',
    access: ISSUES_WRITE,
    body: [...ISSUE_FIELDS, 'state', 'state_reason'],
    handle: (ctx) => {
      const fields = body<IssueBody>(ctx);
      const number = param<number>(ctx, 'issue_number');
      requireAuthorOrTriage(ctx, ctx.state.issues.get(ctx.repo, number));
      if (fields.labels !== undefined || assigneesOf(fields) !== undefined) requireTriage(ctx);
      const issue = ctx.state.issues.update(ctx.repo, number, ctx.actor, {
        ...(fields.title !== undefined ? { title: String(fields.title) } : {}),
        ...(fields.body !== undefined ? { body: fields.body } : {}),
        ...(fields.state !== undefined ? { state: fields.state } : {}),
        ...(fields.state_reason !== undefined ? { stateReason: fields.state_reason } : {}),
        ...(fields.labels !== undefined ? { labels: labelNames(fields.labels) } : {}),
        ...(assigneesOf(fields) !== undefined ? { assignees: assigneesOf(fields) } : {}),
      });
      return { status: 200, body: issueView(ctx.views, ctx.repo, issue) };
    },
  }),
  repoOperation({
    operationId: 'issues/list-labels-on-issue',
    access: ISSUES_READ,
    query: PAGE_QUERY,
    handle: (ctx) => {
      const issue = ctx.state.issues.get(ctx.repo, param(ctx, 'issue_number'));
      const page = paginate(ctx, ctx.state.issues.labelsOf(ctx.repo, issue));
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((label) => labelView(ctx.views, ctx.repo, label)),
      };
    },
  }),
  repoOperation({
    operationId: 'issues/add-labels',
    access: ISSUES_WRITE,
    body: ['labels'],
    handle: (ctx) => {
      requireTriage(ctx);
      const labels = ctx.state.issues.addLabels(
        ctx.repo,
        param(ctx, 'issue_number'),
        ctx.actor,
        labelNames(ctx.request.body),
      );
      return { status: 200, body: labels.map((label) => labelView(ctx.views, ctx.repo, label)) };
    },
  }),
  repoOperation({
    operationId: 'issues/set-labels',
    access: ISSUES_WRITE,
    body: ['labels'],
    handle: (ctx) => {
      requireTriage(ctx);
      const labels = ctx.state.issues.setLabels(
        ctx.repo,
        param(ctx, 'issue_number'),
        ctx.actor,
        labelNames(ctx.request.body),
      );
      return { status: 200, body: labels.map((label) => labelView(ctx.views, ctx.repo, label)) };
    },
  }),
  repoOperation({
    operationId: 'issues/remove-label',
    access: ISSUES_WRITE,
    handle: (ctx) => {
      requireTriage(ctx);
      const labels = ctx.state.issues.removeLabel(
        ctx.repo,
        param(ctx, 'issue_number'),
        ctx.actor,
        param(ctx, 'name'),
      );
      return { status: 200, body: labels.map((label) => labelView(ctx.views, ctx.repo, label)) };
    },
  }),
  repoOperation({
    operationId: 'issues/remove-all-labels',
    access: ISSUES_WRITE,
    handle: (ctx) => {
      requireTriage(ctx);
      ctx.state.issues.setLabels(ctx.repo, param(ctx, 'issue_number'), ctx.actor, []);
      return { status: 204 };
    },
  }),
  repoOperation({
    operationId: 'issues/create-label',
    access: { ...ISSUES_WRITE, userRole: 'write' },
    body: ['name', 'color', 'description'],
    handle: (ctx) => {
      const fields = body<{ name: string; color?: string; description?: string }>(ctx);
      const label = ctx.state.issues.createLabel(ctx.repo, fields);
      const view = labelView(ctx.views, ctx.repo, label);
      return { status: 201, body: view, headers: { location: String(view.url) } };
    },
  }),
  repoOperation({
    operationId: 'issues/delete-label',
    access: { ...ISSUES_WRITE, userRole: 'write' },
    handle: (ctx) => {
      ctx.state.issues.deleteLabel(ctx.repo, param(ctx, 'name'));
      return { status: 204 };
    },
  }),
  repoOperation({
    operationId: 'issues/get-label',
    access: ISSUES_READ,
    handle: (ctx) => ({
      status: 200,
      body: labelView(ctx.views, ctx.repo, ctx.state.issues.label(ctx.repo, param(ctx, 'name'))),
    }),
  }),
  repoOperation({
    operationId: 'issues/list-labels-for-repo',
    access: ISSUES_READ,
    query: PAGE_QUERY,
    handle: (ctx) => {
      const page = paginate(
        ctx,
        [...ctx.repo.labels.values()].sort((a, b) => a.name.localeCompare(b.name)),
      );
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((label) => labelView(ctx.views, ctx.repo, label)),
      };
    },
  }),
];
