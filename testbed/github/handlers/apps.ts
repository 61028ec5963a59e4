/**
 * GitHub App endpoints: the app itself, its installations, installation tokens, and the repositories an
 * installation token reaches.
 */
import { notFound } from '../errors.js';
import type { App, TokenRequest } from '../model.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import { appView, installationTokenView, installationView } from '../views/apps.js';
import { repositoryView } from '../views/repos.js';
import { body, otherOperation, param } from './types.js';
import type { BaseContext, OperationHandler } from './types.js';

/** The app authenticated by the request's JWT (the access rule guarantees one). */
function callingApp(ctx: BaseContext): App {
  if (ctx.caller.kind !== 'app') throw new Error('app operation reached without an app JWT');
  return ctx.caller.app;
}

/** The calling app's installation `installation_id`; 404 when it is another app's or unknown. */
function ownInstallation(ctx: BaseContext) {
  const installation = ctx.state.apps.installation(param<number>(ctx, 'installation_id'));
  if (installation.appId !== callingApp(ctx).id) throw notFound(undefined, 'installation of another app');
  return installation;
}

export const appHandlers: OperationHandler[] = [
  otherOperation({
    operationId: 'apps/get-authenticated',
    access: { kind: 'app' },
    handle: (ctx) => ({ status: 200, body: appView(ctx.views, callingApp(ctx)) }),
  }),
  otherOperation({
    operationId: 'apps/list-installations',
    access: { kind: 'app' },
    query: PAGE_QUERY,
    handle: (ctx) => {
      const page = paginate(ctx, ctx.state.apps.installationsOf(callingApp(ctx)));
      return {
        status: 200,
        body: page.items.map((i) => installationView(ctx.views, i)),
        headers: page.headers,
      };
    },
  }),
  otherOperation({
    operationId: 'apps/get-installation',
    access: { kind: 'app' },
    handle: (ctx) => ({ status: 200, body: installationView(ctx.views, ownInstallation(ctx)) }),
  }),
  otherOperation({
    operationId: 'apps/create-installation-access-token',
    access: { kind: 'app' },
    body: ['repositories', 'repository_ids', 'permissions'],
    handle: (ctx) => {
      const installation = ownInstallation(ctx);
      const token = ctx.state.apps.createInstallationToken(installation.id, body<TokenRequest>(ctx));
      return { status: 201, body: installationTokenView(ctx.views, token) };
    },
  }),
  otherOperation({
    operationId: 'apps/get-repo-installation',
    access: { kind: 'app' },
    handle: (ctx) => {
      const repo = ctx.state.repos.get(param(ctx, 'owner'), param(ctx, 'repo'));
      const installation = ctx.state.apps.installationFor(callingApp(ctx), repo);
      if (installation === undefined)
        throw notFound(undefined, 'the app is not installed on this repository');
      return { status: 200, body: installationView(ctx.views, installation) };
    },
  }),
  otherOperation({
    operationId: 'apps/list-repos-accessible-to-installation',
    access: { kind: 'installation' },
    query: PAGE_QUERY,
    handle: (ctx) => {
      if (ctx.caller.kind !== 'installation')
        throw new Error('installation operation reached without a token');
      const { installation, token } = ctx.caller;
      const reachable = ctx.state.apps
        .repositoriesOf(installation)
        .filter((repo) => token.repositoryIds === undefined || token.repositoryIds.includes(repo.id));
      const page = paginate(ctx, reachable);
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: page.total,
          repository_selection:
            token.repositoryIds === undefined ? installation.repositorySelection : 'selected',
          repositories: page.items.map((repo) => repositoryView(ctx.views, repo)),
        },
      };
    },
  }),
];
