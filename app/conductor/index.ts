/**
 * The conductor: the Probot app that drives the lifecycle (design §2–§4). `conductor(deps)` is the
 * ApplicationFunction app/main.ts loads; it registers the webhook handlers and, unless switched off, the
 * heartbeat. It also exposes `beat()` (one reconciliation now), `idle()` (wait for drains in flight) and
 * `stop()` (stop the heartbeat timer), for the process's shutdown and for tests.
 */
import type { ApplicationFunction, Probot } from 'probot';
import { onDashboardIssueEdited } from '../dashboard-issue/edited.js';
import { DashboardIssues } from '../dashboard-issue/sync.js';
import { Heartbeat, onCheckRunCompleted } from '../heartbeat/index.js';
import type { BeatReport, LastBeat } from '../heartbeat/index.js';
import { deliveryScope, withLogScope } from '../logging/scope.js';
import type { Store } from '../store/index.js';
import { onIssueComment, onIssueLabeled, onPullRequest, onWorkflowRun } from './handlers.js';
import type { ConductorObserver } from './observer.js';
import { setPausedOutsideGitHub } from './pause.js';
import type { PauseChange } from './pause.js';
import { Runtime } from './runtime.js';

export interface ConductorDeps {
  store: Store;
  /** `enabled: false` switches the heartbeat's timer off (tests, one-off runs); `beat()` still works. */
  heartbeat?: { enabled: boolean };
  /** The clock (default: the real one). */
  now?: () => Date;
  /** Told what the conductor does (the app's metrics). */
  observer?: ConductorObserver;
  /**
   * Keep a dashboard issue in each repository (opened when its first work item starts). Off unless asked
   * for, so a conductor built without it opens and edits nothing beyond the work items.
   */
  dashboardIssue?: boolean;
}

export type Conductor = ApplicationFunction & {
  /** Runs one heartbeat now (after the app is loaded). */
  beat(): Promise<BeatReport>;
  /** Resolves when no outbox drain is running in this process. */
  idle(): Promise<void>;
  /** Stops the heartbeat timer. */
  stop(): void;
  /** The last heartbeat this process finished, or undefined before the first. */
  lastBeat(): LastBeat | undefined;
  /** Flips a repository's kill switch from outside GitHub (the web dashboard), as `actor`. */
  setPaused(repository: string, paused: boolean, actor: string): Promise<PauseChange>;
};

export function conductor(deps: ConductorDeps): Conductor {
  const runtime = new Runtime(
    deps.store,
    deps.now ?? (() => new Date()),
    deps.observer,
    deps.dashboardIssue === true ? new DashboardIssues() : undefined,
  );
  const heartbeat = new Heartbeat(runtime);
  const load = (app: Probot): void => {
    runtime.attach(app);
    // Every line logged while handling a delivery names it (see app/logging/scope.ts).
    const scoped =
      <C extends { id: string; name: string; payload: unknown }>(handler: (context: C) => Promise<void>) =>
      (context: C) =>
        withLogScope(deliveryScope(context), () => handler(context));
    app.on(
      'issues.labeled',
      scoped((context) => onIssueLabeled(runtime, context)),
    );
    app.on(
      'issue_comment.created',
      scoped((context) => onIssueComment(runtime, context)),
    );
    app.on(
      ['workflow_run.requested', 'workflow_run.in_progress', 'workflow_run.completed'],
      scoped((context) => onWorkflowRun(runtime, context)),
    );
    app.on(
      ['pull_request.opened', 'pull_request.reopened', 'pull_request.synchronize', 'pull_request.closed'],
      scoped((context) => onPullRequest(runtime, context)),
    );
    app.on(
      'check_run.completed',
      scoped((context) => onCheckRunCompleted(runtime, context)),
    );
    if (runtime.dashboardIssues !== undefined)
      app.on(
        'issues.edited',
        scoped((context) => onDashboardIssueEdited(runtime, context)),
      );
    if (deps.heartbeat?.enabled !== false) heartbeat.start();
  };
  return Object.assign(load, {
    beat: () => heartbeat.beat(),
    idle: () => runtime.drains.idle(),
    stop: () => heartbeat.stop(),
    lastBeat: () => heartbeat.lastBeat(),
    setPaused: (repository: string, paused: boolean, actor: string) =>
      setPausedOutsideGitHub(runtime, repository, { paused, actor, source: 'web-dashboard' }),
  });
}

export type { BeatReport } from '../heartbeat/index.js';
