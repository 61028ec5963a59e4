/**
 * Repository endpoints: the repository, its branches, collaborators and their permission, and team
 * membership in organizations.
 */
import { notFound } from '../errors.js';
import type { BaseRole, CollaboratorRole } from '../model.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import { roleCovers } from '../state/repos.js';
import { branchView, repositoryView } from '../views/repos.js';
import { userView } from '../views/users.js';
import type { ViewContext } from '../views/context.js';
import type { Account } from '../model.js';
import { otherOperation, param, query, repoOperation } from './types.js';
import type { OperationHandler, RepoAccess } from './types.js';

/** The `permission` filter of the collaborator list, as the role it requires at least. */
const PERMISSION_FILTER: Record<string, BaseRole> = {
  pull: 'read',
  triage: 'triage',
  push: 'write',
  maintain: 'maintain',
  admin: 'admin',
};

const READ_METADATA: RepoAccess = { kind: 'repo', permissions: ['metadata'], level: 'read' };

/**
 * The REST `permission` for a role: admin → admin; maintain, write → write; triage, read → read.
 * (The finer role is in `role_name`; custom roles report their base.)
 */
function legacyPermission(
  role: CollaboratorRole | undefined,
  visible: boolean,
): 'admin' | 'write' | 'read' | 'none' {
  if (role === undefined) return visible ? 'read' : 'none';
  if (role.base === 'admin') return 'admin';
  if (role.base === 'maintain' || role.base === 'write') return 'write';
  return 'read';
}

/** The `permissions` booleans of a collaborator. */
function permissionFlags(role: CollaboratorRole | undefined): Record<string, boolean> {
  return {
    pull: roleCovers(role, 'read'),
    triage: roleCovers(role, 'triage'),
    push: roleCovers(role, 'write'),
    maintain: roleCovers(role, 'maintain'),
    admin: roleCovers(role, 'admin'),
  };
}

/** A collaborator as the `collaborator` schema describes it. */
function collaboratorView(
  views: ViewContext,
  account: Account,
  role: CollaboratorRole | undefined,
  visible: boolean,
) {
  return {
    ...userView(views, account),
    permissions: permissionFlags(role),
    role_name: role?.roleName ?? legacyPermission(role, visible),
  };
}

export const repoHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'repos/get',
    access: READ_METADATA,
    handle: (ctx) => ({ status: 200, body: repositoryView(ctx.views, ctx.repo, true) }),
  }),
  repoOperation({
    operationId: 'repos/get-branch',
    access: READ_METADATA,
    handle: (ctx) => {
      const name = param<string>(ctx, 'branch');
      const sha = ctx.state.repos.branchSha(ctx.repo, name);
      if (sha === undefined)
        throw notFound('https://docs.github.com/rest/branches/branches#get-a-branch', `no branch ${name}`);
      return { status: 200, body: branchView(ctx.views, ctx.repo, name, sha) };
    },
  }),
  repoOperation({
    operationId: 'repos/list-collaborators',
    access: { ...READ_METADATA, userRole: 'write' },
    query: [...PAGE_QUERY, 'permission'],
    handle: (ctx) => {
      const wanted = query<string>(ctx, 'permission');
      const needed = wanted === undefined ? undefined : PERMISSION_FILTER[wanted];
      const all = ctx.state.repos
        .collaborators(ctx.repo)
        .filter(({ role }) => needed === undefined || roleCovers(role, needed));
      const page = paginate(ctx, all);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map(({ account, role }) => collaboratorView(ctx.views, account, role, true)),
      };
    },
  }),
  repoOperation({
    operationId: 'repos/check-collaborator',
    access: READ_METADATA,
    handle: (ctx) => {
      const account = ctx.state.accounts.get(param(ctx, 'username'));
      if (ctx.state.repos.roleOf(ctx.repo, account) === undefined)
        throw notFound(undefined, `${account.login} is not a collaborator`);
      return { status: 204 };
    },
  }),
  repoOperation({
    operationId: 'repos/get-collaborator-permission-level',
    access: READ_METADATA,
    handle: (ctx) => {
      const account = ctx.state.accounts.get(param(ctx, 'username'));
      const role = ctx.state.repos.roleOf(ctx.repo, account);
      const visible = ctx.state.repos.canSee(ctx.repo, account);
      const permission = legacyPermission(role, visible);
      return {
        status: 200,
        body: {
          permission,
          role_name: role?.roleName ?? permission,
          user: collaboratorView(ctx.views, account, role, visible),
        },
      };
    },
  }),
  otherOperation({
    operationId: 'teams/get-membership-for-user-in-org',
    access: { kind: 'org', permission: 'members', level: 'read' },
    handle: (ctx) => {
      const org = param<string>(ctx, 'org');
      const team = ctx.state.accounts.team(org, param(ctx, 'team_slug'));
      const account = ctx.state.accounts.get(param(ctx, 'username'));
      const membership = team.members.get(account.id);
      if (membership === undefined)
        throw notFound(undefined, `${account.login} is not in ${org}/${team.slug}`);
      return {
        status: 200,
        body: {
          url: `${ctx.views.urls.api}/organizations/${team.orgId}/team/${team.id}/memberships/${encodeURIComponent(account.login)}`,
          role: membership.role,
          state: membership.state,
        },
      };
    },
  }),
];
