/**
 * Repositories as GitHub shows them (`full-repository`, which also satisfies `repository` and
 * `minimal-repository`), and branches.
 */
import type { Repository } from '../model.js';
import { timestamp } from './context.js';
import type { ViewContext } from './context.js';
import { userView } from './users.js';

/**
 * A repository as the `full-repository` schema describes it. `withOrganization` adds the owning
 * organization object, which GET /repos/{owner}/{repo} includes but repositories nested in other objects
 * do not (webhook schemas even type a nested `organization` as a string).
 */
export function repositoryView(
  ctx: ViewContext,
  repo: Repository,
  withOrganization = false,
): Record<string, unknown> {
  const { urls } = ctx;
  const owner = repo.owner.login;
  const api = urls.repo(owner, repo.name);
  const html = urls.repoHtml(owner, repo.name);
  const host = new URL(urls.web).host;
  const openIssues = [...repo.issues.values()].filter((issue) => issue.state === 'open').length;
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: `${owner}/${repo.name}`,
    private: repo.private,
    owner: userView(ctx, repo.owner),
    html_url: html,
    description: repo.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${owner}/${repo.name}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${owner}/${repo.name}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: timestamp(repo.pushedAt),
    created_at: timestamp(repo.createdAt),
    updated_at: timestamp(repo.updatedAt),
    allow_rebase_merge: repo.merge.allowRebaseMerge,
    allow_squash_merge: repo.merge.allowSquashMerge,
    allow_merge_commit: repo.merge.allowMergeCommit,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
    custom_properties: {},
    ...(withOrganization && repo.owner.type === 'Organization'
      ? { organization: userView(ctx, repo.owner) }
      : {}),
  };
}

/** A branch as the `branch-with-protection` schema describes it (no protection is modelled). */
export function branchView(
  ctx: ViewContext,
  repo: Repository,
  name: string,
  sha: string,
): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  return {
    name,
    commit: commitView(ctx, repo, sha),
    _links: {
      self: `${api}/branches/${encodeURIComponent(name)}`,
      html: `${ctx.urls.repoHtml(repo.owner.login, repo.name)}/tree/${name}`,
    },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}

/** A commit as the `commit` schema describes it; there is no git history, so content fields are minimal. */
export function commitView(ctx: ViewContext, repo: Repository, sha: string): Record<string, unknown> {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const person = {
    name: 'testbed',
    email: 'testbed@users.noreply.github.com',
    date: timestamp(repo.pushedAt),
  };
  return {
    sha,
    node_id: ctx.state.records.nodeId('C', parseInt(sha.slice(0, 8), 16)),
    url: `${api}/commits/${sha}`,
    html_url: `${ctx.urls.repoHtml(repo.owner.login, repo.name)}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      author: person,
      committer: person,
      message: `commit ${sha.slice(0, 7)}`,
      comment_count: 0,
      tree: { sha, url: `${api}/git/trees/${sha}` },
    },
    author: null,
    committer: null,
    parents: [],
  };
}
