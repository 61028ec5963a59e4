/**
 * What the conductor's steps for one repository share: the store, the GitHub client of the installation,
 * the repository's policy (read from its default branch for this event), the clock and the log.
 */
import type { Policy } from '../../core/policy.js';
import type { DashboardIssues } from '../dashboard-issue/sync.js';
import type { GitHub, RepoRef } from '../github/index.js';
import type { Store } from '../store/index.js';
import type { DrainRegistry } from './drains.js';
import type { ConductorObserver } from './observer.js';

/** The few log methods the conductor uses (Probot's pino logger has them). */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RepoEnv {
  store: Store;
  github: GitHub;
  policy: Policy;
  repository: RepoRef;
  now: () => Date;
  log: Log;
  /** The outbox drains running in this process, so two of them never work on one item at once. */
  drains: DrainRegistry;
  /** Told what the conductor did (the app's metrics). */
  observer: ConductorObserver;
  /** The repositories' dashboard issues; undefined when they are switched off. */
  dashboardIssue?: DashboardIssues;
}
