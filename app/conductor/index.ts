/**
 * The conductor: the Probot app that drives the lifecycle (design §2–§4). `conductor(deps)` is the
 * ApplicationFunction app/main.ts loads; it registers the webhook handlers and, unless switched off, the
 * heartbeat. It also exposes `beat()` (one reconciliation now), `idle()` (wait for drains in flight) and
 * `stop()` (stop the heartbeat timer), for the process's shutdown and for tests.
 */
import type { ApplicationFunction, Probot } from 'probot';
import { Heartbeat, onCheckRunCompleted } from '../heartbeat/index.js';
import type { BeatReport } from '../heartbeat/index.js';
import type { Store } from '../store/index.js';
import { onIssueComment, onIssueLabeled, onPullRequest, onWorkflowRun } from './handlers.js';
import { Runtime } from './runtime.js';

export interface ConductorDeps {
  store: Store;
  /** `enabled: false` switches the heartbeat's timer off (tests, one-off runs); `beat()` still works. */
  heartbeat?: { enabled: boolean };
  /** The clock (default: the real one). */
  now?: () => Date;
}

export type Conductor = ApplicationFunction & {
  /** Runs one heartbeat now (after the app is loaded). */
  beat(): Promise<BeatReport>;
  /** Resolves when no outbox drain is running in this process. */
  idle(): Promise<void>;
  /** Stops the heartbeat timer. */
  stop(): void;
};

export function conductor(deps: ConductorDeps): Conductor {
  const runtime = new Runtime(deps.store, deps.now ?? (() => new Date()));
  const heartbeat = new Heartbeat(runtime);
  const load = (app: Probot): void => {
    runtime.attach(app);
    app.on('issues.labeled', (context) => onIssueLabeled(runtime, context));
    app.on('issue_comment.created', (context) => onIssueComment(runtime, context));
    app.on(['workflow_run.requested', 'workflow_run.in_progress', 'workflow_run.completed'], (context) =>
      onWorkflowRun(runtime, context),
    );
    app.on(
      ['pull_request.opened', 'pull_request.reopened', 'pull_request.synchronize', 'pull_request.closed'],
      (context) => onPullRequest(runtime, context),
    );
    app.on('check_run.completed', (context) => onCheckRunCompleted(runtime, context));
    if (deps.heartbeat?.enabled !== false) heartbeat.start();
  };
  return Object.assign(load, {
    beat: () => heartbeat.beat(),
    idle: () => runtime.drains.idle(),
    stop: () => heartbeat.stop(),
  });
}

export type { BeatReport } from '../heartbeat/index.js';
