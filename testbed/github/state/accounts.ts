/**
 * Users, organizations, their teams, and personal access tokens for users.
 */
import { randomBytes } from 'node:crypto';
import { notFound, validationFailed } from '../errors.js';
import type { Account, Team } from '../model.js';
import type { Store } from './store.js';

/** Optional details of a new user. */
export interface UserOptions {
  name?: string;
  email?: string;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/** Creates and finds accounts; the typed API tests and the demo use to set up people. */
export class AccountsApi {
  constructor(private readonly store: Store) {}

  /** Creates a user. Throws a 422 GitHubError when the login is taken or not a valid GitHub login. */
  createUser(login: string, options: UserOptions = {}): Account {
    return this.create(login, 'User', options.name ?? null, options.email ?? null);
  }

  /** Creates an organization. Throws a 422 GitHubError when the login is taken or invalid. */
  createOrganization(login: string, options: { name?: string } = {}): Account {
    return this.create(login, 'Organization', options.name ?? null, null);
  }

  /** Creates the bot account of an app (`<slug>[bot]`). Used by the apps module. */
  createBot(slug: string): Account {
    return this.create(`${slug}[bot]`, 'Bot', null, null);
  }

  /** The account with this login (case-insensitive). Throws a 404 GitHubError when there is none. */
  get(login: string): Account {
    const account = this.store.accountByLogin(login);
    if (account === undefined) throw notFound(undefined, `no account ${login}`);
    return account;
  }

  /** The account with this id. Throws a 404 GitHubError when there is none. */
  byId(id: number): Account {
    const account = this.store.accounts.get(id);
    if (account === undefined) throw notFound(undefined, `no account with id ${id}`);
    return account;
  }

  /**
   * Mints a personal access token (`ghp_…`) for a user, to call the API as that person (e.g. a human
   * commenting `/approve`). Throws a 404 GitHubError for an unknown login, 422 for a non-user account.
   */
  createUserToken(login: string): string {
    const user = this.get(login);
    if (user.type !== 'User') {
      throw validationFailed('https://docs.github.com/rest', [
        { resource: 'Token', field: 'login', code: 'invalid', message: `${login} is not a user` },
      ]);
    }
    const token = `ghp_${randomBytes(18).toString('hex')}`;
    this.store.userTokens.set(token, { token, userId: user.id });
    return token;
  }

  /**
   * Creates a team in an organization, with members (`login` → role, default `member`). Throws a 404
   * GitHubError for an unknown organization or member, 422 when the slug is taken.
   */
  createTeam(org: string, slug: string, members: Record<string, 'member' | 'maintainer'> = {}): Team {
    const organization = this.get(org);
    if (organization.type !== 'Organization') throw notFound(undefined, `${org} is not an organization`);
    if (this.findTeam(organization, slug) !== undefined) {
      throw validationFailed('https://docs.github.com/rest/teams/teams#create-a-team', [
        { resource: 'Team', field: 'name', code: 'already_exists' },
      ]);
    }
    const id = this.store.nextId('team');
    const team: Team = {
      id,
      nodeId: this.store.nodeId('T', id),
      orgId: organization.id,
      slug,
      name: slug,
      members: new Map(),
    };
    for (const [login, role] of Object.entries(members)) this.setTeamMember(team, login, role);
    this.store.teams.set(id, team);
    return team;
  }

  /** Adds or changes a team member (state `active`). Throws a 404 GitHubError for an unknown login. */
  setTeamMember(team: Team, login: string, role: 'member' | 'maintainer' = 'member'): void {
    team.members.set(this.get(login).id, { role, state: 'active' });
  }

  /** The team `slug` of an organization. Throws a 404 GitHubError when there is none. */
  team(org: string, slug: string): Team {
    const team = this.findTeam(this.get(org), slug);
    if (team === undefined) throw notFound(undefined, `no team ${org}/${slug}`);
    return team;
  }

  private findTeam(org: Account, slug: string): Team | undefined {
    for (const team of this.store.teams.values()) {
      if (team.orgId === org.id && team.slug.toLowerCase() === slug.toLowerCase()) return team;
    }
    return undefined;
  }

  private create(login: string, type: Account['type'], name: string | null, email: string | null): Account {
    const docs = 'https://docs.github.com/rest/users';
    if (!LOGIN.test(login)) {
      throw validationFailed(docs, [{ resource: 'User', field: 'login', code: 'invalid', value: login }]);
    }
    if (this.store.accountByLogin(login) !== undefined) {
      throw validationFailed(docs, [
        { resource: 'User', field: 'login', code: 'already_exists', value: login },
      ]);
    }
    const id = this.store.nextId('account');
    const prefix = type === 'Organization' ? 'O' : type === 'Bot' ? 'BOT' : 'U';
    const account: Account = {
      id,
      nodeId: this.store.nodeId(prefix, id),
      login,
      type,
      name,
      email,
      createdAt: this.store.now(),
    };
    this.store.accounts.set(id, account);
    return account;
  }
}
