/**
 * Who a commenter is to the repository, as GitHub's API says (never the payload's `author_association`):
 * their permission from the collaborator-permission endpoint, and the policy's teams they are an active
 * member of.
 */
import { permissionFromCollaborator } from '../../core/commands.js';
import type { PermissionLevel } from '../../core/roles.js';
import type { GitHubApi } from './api.js';
import { statusOf } from './errors.js';

/** The login's permission on the repository; `none` when GitHub does not know them here. */
export async function permissionOf(api: GitHubApi, login: string): Promise<PermissionLevel> {
  try {
    const { data } = await api.octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: api.repo.owner,
      repo: api.repo.repo,
      username: login,
    });
    return permissionFromCollaborator(data);
  } catch (error) {
    if (statusOf(error) === 404) return 'none';
    throw error;
  }
}

/** The teams (`org/team`, as listed) among `teams` that `login` is an active member of. */
export async function activeTeams(
  api: GitHubApi,
  login: string,
  teams: readonly string[],
): Promise<string[]> {
  const member: string[] = [];
  for (const team of teams) {
    const [org, slug] = team.split('/');
    if (org === undefined || slug === undefined) continue;
    try {
      const { data } = await api.octokit.rest.teams.getMembershipForUserInOrg({
        org,
        team_slug: slug,
        username: login,
      });
      if (data.state === 'active') member.push(team);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
  return member;
}
