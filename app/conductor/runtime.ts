/**
 * What lives as long as the conductor: the store, the clock, the in-process drains, who the app is (read
 * once from GET /app), and a short cache of each repository's policy, so a burst of events costs one read
 * of the configuration rather than one each.
 */
import type { Probot } from 'probot';
import type { PolicyResult } from '../../core/policy.js';
import type { DashboardIssues } from '../dashboard-issue/sync.js';
import type { AppIdentity } from '../github/index.js';
import { logScope } from '../logging/scope.js';
import type { Store } from '../store/index.js';
import { DrainRegistry } from './drains.js';
import type { Log } from './env.js';
import type { ConductorObserver } from './observer.js';

/** How long a repository's policy is reused before it is read again from the default branch. */
export const POLICY_TTL_MS = 60_000;

export class Runtime {
  readonly drains = new DrainRegistry();
  private probot: Probot | undefined;
  private identityPromise: Promise<AppIdentity> | undefined;
  private readonly policies = new Map<string, { at: number; result: PolicyResult }>();

  constructor(
    readonly store: Store,
    readonly now: () => Date,
    readonly observer: ConductorObserver = {},
    readonly dashboardIssues?: DashboardIssues,
  ) {}

  /** Binds the Probot instance the conductor was loaded into. */
  attach(probot: Probot): void {
    this.probot = probot;
  }

  get app(): Probot {
    if (this.probot === undefined) throw new Error('the conductor is not loaded into a Probot app yet');
    return this.probot;
  }

  /** The app's log; each line carries the log scope it is written in (delivery, item, run). */
  get log(): Log {
    const log = this.app.log;
    return {
      debug: (message) => log.debug(logScope(), message),
      info: (message) => log.info(logScope(), message),
      warn: (message) => log.warn(logScope(), message),
      error: (message) => log.error(logScope(), message),
    };
  }

  /** The app's id, slug and bot login (GET /app, as the app; read once, again after a failure). */
  identity(): Promise<AppIdentity> {
    this.identityPromise ??= (async () => {
      const octokit = await this.app.auth();
      const { data } = await octokit.rest.apps.getAuthenticated();
      if (data === null || typeof data.slug !== 'string') throw new Error('GET /app did not name the app');
      return { id: data.id, slug: data.slug, login: `${data.slug}[bot]` };
    })();
    this.identityPromise.catch(() => {
      this.identityPromise = undefined;
    });
    return this.identityPromise;
  }

  /** The cached policy of `repository`, or a fresh one from `read` when the cache is older than the TTL. */
  async policy(repository: string, read: () => Promise<PolicyResult>): Promise<PolicyResult> {
    const now = this.now().getTime();
    const cached = this.policies.get(repository);
    if (cached !== undefined && now - cached.at < POLICY_TTL_MS) return cached.result;
    const result = await read();
    this.policies.set(repository, { at: now, result });
    return result;
  }
}
