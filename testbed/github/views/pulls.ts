/**
 * Pull requests as GitHub shows them (`pull-request`, which also satisfies `pull-request-simple`).
 */
import type { Issue, PullRequest, Repository } from '../model.js';
import { timestamp, timestampOrNull } from './context.js';
import type { ViewContext } from './context.js';
import { labelView } from './issues.js';
import { repositoryView } from './repos.js';
import { authorAssociation, userView } from './users.js';

/** GitHub's summary of whether a pull request can merge. */
function mergeableState(pull: PullRequest, issue: Issue): string {
  if (issue.state !== 'open') return 'unknown';
  if (pull.draft) return 'draft';
  return pull.mergeable ? 'clean' : 'dirty';
}

/** A pull request as the `pull-request` schema describes it. */
export function pullView(
  ctx: ViewContext,
  repo: Repository,
  pull: PullRequest,
  issue: Issue,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const html = ctx.urls.repoHtml(repo.owner.login, repo.name);
  const url = `${api}/pulls/${pull.number}`;
  const issueUrl = `${api}/issues/${pull.number}`;
  const htmlUrl = `${html}/pull/${pull.number}`;
  const repoJson = repositoryView(ctx, repo);
  const owner = userView(ctx, repo.owner);
  const side = (ref: string, sha: string) => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: owner,
    repo: repoJson,
  });
  const comments = [...repo.comments.values()].filter(
    (comment) => comment.issueNumber === pull.number,
  ).length;
  return {
    url,
    id: pull.id,
    node_id: pull.nodeId,
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    number: pull.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: userView(ctx, issue.user),
    body: issue.body,
    // The pull-request schemas declare a label's description a plain string (the issue schema allows null),
    // and the answers are checked against them, so a label without one shows an empty description here.
    labels: ctx.state.issues
      .labelsOf(repo, issue)
      .map((label) => ({ ...labelView(ctx, repo, label), description: label.description ?? '' })),
    milestone: null,
    active_lock_reason: null,
    created_at: timestamp(issue.createdAt),
    updated_at: timestamp(issue.updatedAt),
    closed_at: timestampOrNull(issue.closedAt),
    merged_at: timestampOrNull(pull.mergedAt),
    merge_commit_sha: pull.mergeCommitSha,
    assignee: issue.assignees[0] === undefined ? null : userView(ctx, issue.assignees[0]),
    assignees: issue.assignees.map((account) => userView(ctx, account)),
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.headRef, pull.headSha),
    base: side(pull.baseRef, pull.baseSha),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${pull.headSha}` },
    },
    author_association: authorAssociation(ctx, repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: issue.state === 'open' ? pull.mergeable : null,
    rebaseable: issue.state === 'open' ? pull.mergeable : null,
    mergeable_state: mergeableState(pull, issue),
    merged_by: pull.mergedBy === null ? null : userView(ctx, pull.mergedBy),
    comments,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: pull.stats.commits,
    additions: pull.stats.additions,
    deletions: pull.stats.deletions,
    changed_files: pull.stats.changedFiles,
  };
}

/** The short form of a pull request that check runs and workflow runs list (`pull-request-minimal`). */
export function minimalPullView(
  ctx: ViewContext,
  repo: Repository,
  pull: PullRequest,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const repoRef = { id: repo.id, url: api, name: repo.name };
  return {
    id: pull.id,
    number: pull.number,
    url: `${api}/pulls/${pull.number}`,
    head: { ref: pull.headRef, sha: pull.headSha, repo: repoRef },
    base: { ref: pull.baseRef, sha: pull.baseSha, repo: repoRef },
  };
}

/** The open pull requests whose head is `sha`, as check runs and workflow runs report them. */
export function pullsWithHead(repo: Repository, sha: string): PullRequest[] {
  return [...repo.pulls.values()].filter(
    (pull) => pull.headSha === sha && repo.issues.get(pull.number)?.state === 'open',
  );
}
