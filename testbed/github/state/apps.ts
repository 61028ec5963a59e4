/**
 * GitHub Apps, their installations, and installation access tokens.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { GitHubError, notFound, validationFailed } from '../errors.js';
import type {
  App,
  AppPermissionLevel,
  AppPermissions,
  Installation,
  InstallationToken,
  Repository,
  TokenRequest,
} from '../model.js';
import type { AccountsApi } from './accounts.js';
import type { Store } from './store.js';

/** What a new app looks like. */
export interface AppOptions {
  slug: string;
  name?: string;
  description?: string;
  /** The account that owns the app; default a new user named after the slug. */
  owner?: string;
  /** Permissions the app asks for; default what the orchestrator needs. */
  permissions?: AppPermissions;
  /** Events it subscribes to; default every event the testbed sends. */
  events?: string[];
  /** A PEM private key to use instead of generating one. */
  privateKeyPem?: string;
  /** Where its webhook deliveries go, and the secret they are signed with. */
  webhookUrl?: string;
  webhookSecret?: string;
}

/** How an app is installed. */
export interface InstallOptions {
  /** `all` (default) or the repositories, by name, of a `selected` installation. */
  repositories?: 'all' | string[];
  /** Default: everything the app asks for. */
  permissions?: AppPermissions;
}

/** The permissions the orchestrator's app asks for; the default of {@link AppOptions.permissions}. */
export const DEFAULT_APP_PERMISSIONS: AppPermissions = {
  metadata: 'read',
  contents: 'write',
  issues: 'write',
  pull_requests: 'write',
  checks: 'write',
  statuses: 'write',
  actions: 'write',
  members: 'read',
};

/** Every event the testbed delivers; the default subscription of a new app. */
export const TESTBED_EVENTS = ['issues', 'issue_comment', 'pull_request', 'check_run', 'workflow_run'];

const LEVELS: Record<AppPermissionLevel, number> = { read: 1, write: 2, admin: 3 };

/** True when `granted` is at least `needed`. */
export function levelCovers(granted: AppPermissionLevel | undefined, needed: AppPermissionLevel): boolean {
  return granted !== undefined && LEVELS[granted] >= LEVELS[needed];
}

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const TOKEN_DOCS = 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app';

/** Creates apps, installs them, and mints and resolves their tokens. */
export class AppsApi {
  constructor(
    private readonly store: Store,
    private readonly accounts: AccountsApi,
  ) {}

  /** Creates an app, its bot account and (unless one is given) an RSA key pair for its JWTs. */
  createApp(options: AppOptions): App {
    const privateKeyPem =
      options.privateKeyPem ??
      generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs1', format: 'pem' })
        .toString();
    const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    const owner =
      options.owner === undefined
        ? (this.store.accountByLogin(`${options.slug}-owner`) ??
          this.accounts.createUser(`${options.slug}-owner`))
        : this.accounts.get(options.owner);
    const id = this.store.nextId('app');
    const app: App = {
      id,
      nodeId: this.store.nodeId('A', id),
      slug: options.slug,
      clientId: `Iv23${randomBytes(8).toString('hex')}`,
      name: options.name ?? options.slug,
      description: options.description ?? null,
      owner,
      bot: this.accounts.createBot(options.slug),
      permissions: { ...(options.permissions ?? DEFAULT_APP_PERMISSIONS) },
      events: [...(options.events ?? TESTBED_EVENTS)],
      privateKeyPem,
      publicKeyPem,
      webhookUrl: options.webhookUrl,
      webhookSecret: options.webhookSecret,
      createdAt: this.store.now(),
    };
    this.store.apps.set(id, app);
    return app;
  }

  /** The app with this id. Throws a 404 GitHubError when there is none. */
  get(appId: number): App {
    const app = this.store.apps.get(appId);
    if (app === undefined) throw notFound(undefined, `no app ${appId}`);
    return app;
  }

  /** Points an app's deliveries at `url`, signed with `secret` (e.g. once the app under test listens). */
  setWebhook(app: App, url: string | undefined, secret: string | undefined): void {
    app.webhookUrl = url;
    app.webhookSecret = secret;
  }

  /**
   * Installs `app` on the account `login`. Throws a 422 GitHubError if it is installed there already or a
   * named repository is not the account's, 404 for an unknown account.
   */
  install(app: App, login: string, options: InstallOptions = {}): Installation {
    const account = this.accounts.get(login);
    for (const existing of this.store.installations.values()) {
      if (existing.appId === app.id && existing.account.id === account.id) {
        throw validationFailed(TOKEN_DOCS, [{ resource: 'Installation', code: 'already_exists' }]);
      }
    }
    const selected = options.repositories ?? 'all';
    const repositoryIds = new Set<number>();
    if (selected !== 'all') {
      for (const name of selected) {
        const repo = this.store.repositoryByName(account.login, name);
        if (repo === undefined)
          throw validationFailed(TOKEN_DOCS, [{ resource: 'Installation', code: 'invalid', value: name }]);
        repositoryIds.add(repo.id);
      }
    }
    const id = this.store.nextId('installation');
    const installation: Installation = {
      id,
      appId: app.id,
      account,
      repositorySelection: selected === 'all' ? 'all' : 'selected',
      repositoryIds,
      permissions: { ...(options.permissions ?? app.permissions) },
      events: [...app.events],
      createdAt: this.store.now(),
    };
    this.store.installations.set(id, installation);
    return installation;
  }

  /** The installation with this id. Throws a 404 GitHubError when there is none. */
  installation(installationId: number): Installation {
    const installation = this.store.installations.get(installationId);
    if (installation === undefined) throw notFound(TOKEN_DOCS, `no installation ${installationId}`);
    return installation;
  }

  /** The installations of an app. */
  installationsOf(app: App): Installation[] {
    return [...this.store.installations.values()].filter((installation) => installation.appId === app.id);
  }

  /** The installation of `app` that covers `repo`, or undefined. */
  installationFor(app: App, repo: Repository): Installation | undefined {
    return this.installationsOf(app).find((installation) => this.installationCovers(installation, repo));
  }

  /** True when the installation reaches the repository. */
  installationCovers(installation: Installation, repo: Repository): boolean {
    if (installation.account.id !== repo.owner.id) return false;
    return installation.repositorySelection === 'all' || installation.repositoryIds.has(repo.id);
  }

  /** The repositories an installation reaches. */
  repositoriesOf(installation: Installation): Repository[] {
    return [...this.store.repositories.values()].filter((repo) =>
      this.installationCovers(installation, repo),
    );
  }

  /**
   * Mints an installation token as POST /app/installations/{id}/access_tokens does, narrowed to the
   * requested repositories and permissions, valid one hour. The request is kept on the token so tests can
   * assert least privilege. Throws a GitHubError: 404 for an unknown installation, 422 when a repository
   * is outside the installation or a permission exceeds what it was granted.
   */
  createInstallationToken(installationId: number, request: TokenRequest = {}): InstallationToken {
    const installation = this.installation(installationId);
    const reachable = this.repositoriesOf(installation);
    let repositoryIds: number[] | undefined;
    if (request.repositories !== undefined || request.repository_ids !== undefined) {
      const byName = (request.repositories ?? []).map((name) =>
        reachable.find((repo) => repo.name.toLowerCase() === name.toLowerCase()),
      );
      const byId = (request.repository_ids ?? []).map((id) => reachable.find((repo) => repo.id === id));
      if ([...byName, ...byId].some((repo) => repo === undefined)) {
        throw new GitHubError(
          422,
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
          TOKEN_DOCS,
        );
      }
      repositoryIds = [...new Set([...byName, ...byId].map((repo) => (repo as Repository).id))];
    }
    const permissions: AppPermissions = {};
    for (const [name, level] of Object.entries(request.permissions ?? installation.permissions)) {
      if (!levelCovers(installation.permissions[name], level)) {
        throw new GitHubError(
          422,
          'The permissions requested are not granted to this installation.',
          TOKEN_DOCS,
        );
      }
      permissions[name] = level;
    }
    // GitHub grants every App read access to repository metadata, and a narrowed token keeps it.
    if (permissions.metadata === undefined) permissions.metadata = 'read';
    const createdAt = this.store.now();
    const token: InstallationToken = {
      token: `ghs_${randomBytes(18).toString('hex')}`,
      installationId,
      repositoryIds,
      permissions,
      request: structuredClone(request),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + TOKEN_LIFETIME_MS),
    };
    this.store.installationTokens.set(token.token, token);
    return token;
  }

  /** Every installation token minted so far, oldest first (for assertions on scope). */
  tokens(): InstallationToken[] {
    return [...this.store.installationTokens.values()];
  }

  /** The app of an installation. */
  appOf(installation: Installation): App {
    return this.get(installation.appId);
  }
}
