/**
 * The GITHUB_TOKEN of a job. On GitHub it is an installation token of the GitHub Actions app, minted per
 * job with exactly the job's `permissions:` (plus `metadata: read`, which every GITHUB_TOKEN has). The
 * offline GitHub has no such app until the runner needs one: it is created on first use (`github-actions`,
 * no webhook) and installed on the repository's owner, so the token is real there and the permissions it
 * was asked for are recorded like any other token's.
 */
import type { GitHubState, InstallationToken, Repository } from '../github/index.js';
import type { Permissions } from './model.js';
import { TOKEN_SCOPES } from './model.js';

const ACTIONS_APP = 'github-actions';

/** GitHub's default GITHUB_TOKEN for a workflow that sets no `permissions:` (the restricted default). */
export const DEFAULT_TOKEN_PERMISSIONS: Permissions = { contents: 'read', packages: 'read' };

/** Mints the GITHUB_TOKEN of a job on `repo` with `permissions`. */
export function mintJobToken(
  state: GitHubState,
  repo: Repository,
  permissions: Permissions,
): InstallationToken {
  const existing = [...state.records.apps.values()].find((app) => app.slug === ACTIONS_APP);
  const app =
    existing ??
    state.apps.createApp({
      slug: ACTIONS_APP,
      name: 'GitHub Actions',
      permissions: {
        metadata: 'read',
        ...Object.fromEntries(TOKEN_SCOPES.map((scope) => [scope.replace(/-/g, '_'), 'write' as const])),
      },
      events: [],
    });
  const installation = state.apps.installationFor(app, repo) ?? state.apps.install(app, repo.owner.login);
  return state.apps.createInstallationToken(installation.id, {
    repositories: [repo.name],
    permissions: { ...permissions, metadata: 'read' },
  });
}
