/**
 * Accounts as GitHub shows them (`simple-user`), and the association of an account with a repository.
 */
import type { Account, Repository } from '../model.js';
import type { ViewContext } from './context.js';

/** An account as the `simple-user` schema describes it (also used for organizations and bots). */
export function userView(ctx: ViewContext, account: Account): Record<string, unknown> {
  const { urls } = ctx;
  const api = urls.user(account.login);
  const html =
    account.type === 'Bot'
      ? `${urls.web}/apps/${encodeURIComponent(account.login.replace(/\[bot\]$/, ''))}`
      : `${urls.web}/${encodeURIComponent(account.login)}`;
  return {
    login: account.login,
    id: account.id,
    node_id: account.nodeId,
    avatar_url: `${urls.web}/avatars/u/${account.id}`,
    gravatar_id: '',
    url: api,
    html_url: html,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
    ...(account.name === null ? {} : { name: account.name }),
    ...(account.email === null ? {} : { email: account.email }),
  };
}

/**
 * GitHub's `author_association` of an account with a repository: OWNER, COLLABORATOR (a role on the
 * repository), MEMBER (in a team of the owning organization) or NONE. Informational only: the
 * orchestrator must ask the permission endpoint, and the fake makes that possible by keeping them apart.
 */
export function authorAssociation(ctx: ViewContext, repo: Repository, account: Account): string {
  if (repo.owner.id === account.id) return 'OWNER';
  if (repo.collaborators.has(account.id)) return 'COLLABORATOR';
  for (const team of ctx.state.records.teams.values()) {
    if (team.orgId === repo.owner.id && team.members.has(account.id)) return 'MEMBER';
  }
  return 'NONE';
}
