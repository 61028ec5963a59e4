/**
 * The in-memory GitHub behind the testbed server, and the typed API tests and the demo use to set it up
 * and to act in it (create a repository, add a collaborator, seed an issue, complete a workflow run with
 * an artifact…). The REST handlers go through the same API, so both paths apply the same rules and emit
 * the same events (which become webhook deliveries).
 *
 * Methods that take an {@link Actor} act as that account; {@link GitHubState.as} builds one.
 */
import { AccountsApi } from './state/accounts.js';
import { ActionsApi } from './state/actions.js';
import { AppsApi } from './state/apps.js';
import { ChecksApi } from './state/checks.js';
import { CommentsApi } from './state/comments.js';
import type { Actor, StateListener } from './state/events.js';
import { IssuesApi } from './state/issues.js';
import { PullsApi } from './state/pulls.js';
import { ReposApi } from './state/repos.js';
import { Store } from './state/store.js';
import type { StoreOptions } from './state/store.js';
import { SubIssuesApi } from './state/sub-issues.js';
import type { App } from './model.js';

export type { Actor, StateEvent, StateListener } from './state/events.js';
export type { StoreOptions as StateOptions } from './state/store.js';

/** One offline GitHub: every record, and the domain operations on them, grouped by area. */
export class GitHubState {
  /** Users, organizations, teams, personal tokens. */
  readonly accounts: AccountsApi;
  /** Apps, installations, installation tokens. */
  readonly apps: AppsApi;
  /** Repositories, branches, collaborators. */
  readonly repos: ReposApi;
  /** Issues and labels. */
  readonly issues: IssuesApi;
  /** Issue comments. */
  readonly comments: CommentsApi;
  /** Sub-issue links. */
  readonly subIssues: SubIssuesApi;
  /** Pull requests. */
  readonly pulls: PullsApi;
  /** Check runs and commit statuses. */
  readonly checks: ChecksApi;
  /** Workflows, runs, artifacts. */
  readonly actions: ActionsApi;

  private readonly store: Store;

  constructor(options: StoreOptions = {}) {
    this.store = new Store(options);
    this.accounts = new AccountsApi(this.store);
    this.apps = new AppsApi(this.store, this.accounts);
    this.repos = new ReposApi(this.store);
    this.issues = new IssuesApi(this.store);
    this.comments = new CommentsApi(this.store, this.issues);
    this.subIssues = new SubIssuesApi(this.store, this.issues);
    this.pulls = new PullsApi(this.store, this.issues, this.repos);
    this.checks = new ChecksApi(this.store, this.repos);
    this.actions = new ActionsApi(this.store, this.repos);
  }

  /** The fake's current time (whole seconds), from the clock given at construction. */
  now(): Date {
    return this.store.now();
  }

  /**
   * The actor for `login` (a user acting in person) or for an app (its bot, and the app for
   * `performed_via_github_app` and check-run ownership). Throws a 404 GitHubError for an unknown login.
   */
  as(who: string | App): Actor {
    if (typeof who === 'string') return { account: this.accounts.get(who), appId: undefined };
    return { account: who.bot, appId: who.id };
  }

  /** Registers a listener for every state event; returns the function that removes it. */
  subscribe(listener: StateListener): () => void {
    return this.store.subscribe(listener);
  }

  /** Forgets every record (accounts, apps, repositories and their git data…) and restarts ids; subscriptions stay. */
  clear(): void {
    this.store.clear();
  }

  /** Removes the folder of bare repositories; the state must not be used afterwards. */
  dispose(): void {
    this.store.git.dispose();
  }

  /** Read access to the raw records, for the server and views. Not for changing them. */
  get records(): Store {
    return this.store;
  }
}
