/**
 * GitHub Apps, installations and installation tokens as GitHub shows them (`integration`,
 * `installation`, `installation-token`).
 */
import type { App, Installation, InstallationToken } from '../model.js';
import { timestamp } from './context.js';
import type { ViewContext } from './context.js';
import { repositoryView } from './repos.js';
import { userView } from './users.js';

/** An app as the `integration` schema describes it. */
export function appView(ctx: ViewContext, app: App): Record<string, unknown> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: app.nodeId,
    client_id: app.clientId,
    owner: userView(ctx, app.owner),
    name: app.name,
    description: app.description,
    external_url: `${ctx.urls.web}/apps/${app.slug}`,
    html_url: `${ctx.urls.web}/apps/${app.slug}`,
    created_at: timestamp(app.createdAt),
    updated_at: timestamp(app.createdAt),
    permissions: { ...app.permissions },
    events: [...app.events],
    installations_count: ctx.state.apps.installationsOf(app).length,
  };
}

/** An installation as the `installation` schema describes it. */
export function installationView(ctx: ViewContext, installation: Installation): Record<string, unknown> {
  const app = ctx.state.apps.appOf(installation);
  const api = `${ctx.urls.api}/app/installations/${installation.id}`;
  return {
    id: installation.id,
    client_id: app.clientId,
    account: userView(ctx, installation.account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${api}/access_tokens`,
    repositories_url: `${ctx.urls.api}/installation/repositories`,
    html_url: `${ctx.urls.web}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: { ...installation.permissions },
    events: [...installation.events],
    created_at: timestamp(installation.createdAt),
    updated_at: timestamp(installation.createdAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** A freshly minted token as the `installation-token` schema describes it. */
export function installationTokenView(ctx: ViewContext, token: InstallationToken): Record<string, unknown> {
  const installation = ctx.state.apps.installation(token.installationId);
  const repositories =
    token.repositoryIds === undefined
      ? undefined
      : token.repositoryIds.map((id) => repositoryView(ctx, ctx.state.repos.byId(id)));
  return {
    token: token.token,
    expires_at: timestamp(token.expiresAt),
    permissions: { ...token.permissions },
    repository_selection: token.repositoryIds === undefined ? installation.repositorySelection : 'selected',
    ...(repositories === undefined ? {} : { repositories }),
  };
}
