/**
 * Issues, labels and issue comments as GitHub shows them (`issue`, `label`, `issue-comment`).
 */
import type { Issue, IssueComment, Label, Repository } from '../model.js';
import { appView } from './apps.js';
import { timestamp, timestampOrNull } from './context.js';
import type { ViewContext } from './context.js';
import { authorAssociation, userView } from './users.js';

/** The empty reaction roll-up GitHub attaches to issues and comments. */
function reactions(url: string): Record<string, unknown> {
  return {
    url,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    confused: 0,
    heart: 0,
    hooray: 0,
    eyes: 0,
    rocket: 0,
  };
}

/** The app an object was made through (`performed_via_github_app`), or null. */
function viaApp(ctx: ViewContext, appId: number | undefined): Record<string, unknown> | null {
  const app = appId === undefined ? undefined : ctx.state.records.apps.get(appId);
  return app === undefined ? null : appView(ctx, app);
}

/** A label as the `label` schema describes it. */
export function labelView(ctx: ViewContext, repo: Repository, label: Label): Record<string, unknown> {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: `${ctx.urls.repo(repo.owner.login, repo.name)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: label.isDefault,
  };
}

/** An issue (or a pull request's issue half) as the `issue` schema describes it. */
export function issueView(ctx: ViewContext, repo: Repository, issue: Issue): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const html = ctx.urls.repoHtml(repo.owner.login, repo.name);
  const url = `${api}/issues/${issue.number}`;
  const pull = issue.pullId === undefined ? undefined : repo.pulls.get(issue.number);
  const comments = [...repo.comments.values()].filter(
    (comment) => comment.issueNumber === issue.number,
  ).length;
  const subIssues = ctx.state.subIssues.list(repo, issue.number);
  const completed = subIssues.filter((found) => found.issue.state === 'closed').length;
  const parent = ctx.state.subIssues.parentOf(issue);
  return {
    id: issue.id,
    node_id: issue.nodeId,
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${html}/${pull === undefined ? 'issues' : 'pull'}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userView(ctx, issue.user),
    labels: ctx.state.issues.labelsOf(repo, issue).map((label) => labelView(ctx, repo, label)),
    assignee: issue.assignees[0] === undefined ? null : userView(ctx, issue.assignees[0]),
    assignees: issue.assignees.map((account) => userView(ctx, account)),
    milestone: null,
    locked: issue.locked,
    active_lock_reason: null,
    comments,
    ...(pull === undefined
      ? {}
      : {
          pull_request: {
            url: `${api}/pulls/${issue.number}`,
            html_url: `${html}/pull/${issue.number}`,
            diff_url: `${html}/pull/${issue.number}.diff`,
            patch_url: `${html}/pull/${issue.number}.patch`,
            merged_at: timestampOrNull(pull.mergedAt),
          },
          draft: pull.draft,
        }),
    closed_at: timestampOrNull(issue.closedAt),
    created_at: timestamp(issue.createdAt),
    updated_at: timestamp(issue.updatedAt),
    closed_by: issue.closedBy === null ? null : userView(ctx, issue.closedBy),
    author_association: authorAssociation(ctx, repo, issue.user),
    reactions: reactions(`${url}/reactions`),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: viaApp(ctx, issue.viaAppId),
    sub_issues_summary: {
      total: subIssues.length,
      completed,
      percent_completed: subIssues.length === 0 ? 0 : Math.floor((completed * 100) / subIssues.length),
    },
    ...(parent === undefined
      ? {}
      : {
          parent_issue_url: `${ctx.urls.repo(parent.repo.owner.login, parent.repo.name)}/issues/${parent.issue.number}`,
        }),
  };
}

/** An issue comment as the `issue-comment` schema describes it. */
export function commentView(
  ctx: ViewContext,
  repo: Repository,
  comment: IssueComment,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const html = ctx.urls.repoHtml(repo.owner.login, repo.name);
  const isPull = repo.pulls.has(comment.issueNumber);
  const url = `${api}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: comment.nodeId,
    url,
    html_url: `${html}/${isPull ? 'pull' : 'issues'}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userView(ctx, comment.user),
    created_at: timestamp(comment.createdAt),
    updated_at: timestamp(comment.updatedAt),
    issue_url: `${api}/issues/${comment.issueNumber}`,
    author_association: authorAssociation(ctx, repo, comment.user),
    performed_via_github_app: viaApp(ctx, comment.viaAppId),
    reactions: reactions(`${url}/reactions`),
  };
}
