/**
 * Who may call what: applies a handler's access rule to the caller, the way GitHub answers — 401 without
 * credentials, 404 for a repository the caller cannot see (GitHub hides rather than refuses), 403
 * "Resource not accessible by integration" for a token without the permission.
 */
import type { Caller } from './auth.js';
import { GitHubError, notAccessibleByIntegration, notFound } from './errors.js';
import type { AppAccess, InstallationAccess, OrgAccess, RepoAccess } from './handlers/types.js';
import type { Repository } from './model.js';
import { levelCovers } from './state/apps.js';
import { roleCovers } from './state/repos.js';
import type { GitHubState } from './state.js';

function requiresAuthentication(): GitHubError {
  return new GitHubError(401, 'Requires authentication', 'https://docs.github.com/rest');
}

/** JWTs only open the app's own endpoints; GitHub refuses them elsewhere. */
function jwtNotAllowed(docsUrl: string): GitHubError {
  return new GitHubError(403, 'Resource not accessible by integration', docsUrl, {
    detail: 'an app JWT cannot call repository endpoints; mint an installation token',
  });
}

/**
 * Checks a repository operation and returns the repository. Throws a GitHubError: 404 when it does not
 * exist or the caller cannot see it (including a token not scoped to it), 401 for anonymous writes, 403
 * when the token lacks the permission, the user lacks the role, or a user calls an apps-only operation.
 */
export function checkRepoAccess(
  state: GitHubState,
  caller: Caller,
  rule: RepoAccess,
  owner: string,
  name: string,
  docsUrl: string,
): Repository {
  const repo = state.repos.get(owner, name);
  switch (caller.kind) {
    case 'anonymous':
      if (repo.private) throw notFound(docsUrl, 'private repository, anonymous caller');
      if (rule.level !== 'read') throw requiresAuthentication();
      return repo;
    case 'app':
      throw jwtNotAllowed(docsUrl);
    case 'installation': {
      const { installation, token } = caller;
      const reachable =
        state.apps.installationCovers(installation, repo) && (token.repositoryIds?.includes(repo.id) ?? true);
      if (!reachable) throw notFound(docsUrl, `installation token does not reach ${owner}/${name}`);
      if (!rule.permissions.some((permission) => levelCovers(token.permissions[permission], rule.level))) {
        throw notAccessibleByIntegration(docsUrl, `needs ${rule.permissions.join(' or ')}: ${rule.level}`);
      }
      return repo;
    }
    case 'user': {
      if (!state.repos.canSee(repo, caller.account))
        throw notFound(docsUrl, `${caller.account.login} cannot see ${owner}/${name}`);
      if (rule.appsOnly) throw new GitHubError(403, 'You must authenticate via a GitHub App.', docsUrl);
      if (
        rule.userRole !== undefined &&
        !roleCovers(state.repos.roleOf(repo, caller.account), rule.userRole)
      ) {
        throw new GitHubError(403, `Must have ${rule.userRole} access to this repository.`, docsUrl);
      }
      return repo;
    }
  }
}

/** Checks an app, installation or organization operation. Throws a GitHubError (401/403/404) otherwise. */
export function checkOtherAccess(
  state: GitHubState,
  caller: Caller,
  rule: AppAccess | InstallationAccess | OrgAccess,
  org: string | undefined,
  docsUrl: string,
): void {
  if (rule.kind === 'app') {
    if (caller.kind !== 'app') {
      throw new GitHubError(401, 'A JSON web token could not be decoded', docsUrl, {
        detail: 'this endpoint needs the app JWT',
      });
    }
    return;
  }
  if (rule.kind === 'installation') {
    if (caller.kind !== 'installation')
      throw new GitHubError(403, 'You must authenticate with an installation access token', docsUrl);
    return;
  }
  if (org === undefined) throw new Error('organization operation without {org}');
  const account = state.accounts.get(org);
  switch (caller.kind) {
    case 'anonymous':
      throw requiresAuthentication();
    case 'app':
      throw jwtNotAllowed(docsUrl);
    case 'installation':
      if (caller.installation.account.id !== account.id)
        throw notFound(docsUrl, `installation is not on ${org}`);
      if (!levelCovers(caller.token.permissions[rule.permission], rule.level)) {
        throw notAccessibleByIntegration(docsUrl, `needs ${rule.permission}: ${rule.level}`);
      }
      return;
    case 'user': {
      const member = [...state.records.teams.values()].some(
        (team) => team.orgId === account.id && team.members.has(caller.account.id),
      );
      if (!member) throw notFound(docsUrl, `${caller.account.login} is not a member of ${org}`);
      return;
    }
  }
}
