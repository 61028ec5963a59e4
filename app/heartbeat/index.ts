/**
 * The heartbeat (reconciler, design §4): every few minutes it looks for work the webhooks did not finish
 * and finishes it, repository by repository, with that repository's policy:
 * - outboxes left behind (a crash, a pause lifted by hand) are carried out, stopping before any merge;
 * - runs dispatched but never started are dispatched again (bounded), then failed;
 * - runs going for too long are failed with a comment; runs GitHub finished unheard are taken in;
 * - pull requests waiting for `/approve` too long get one reminder.
 * It proposes or re-dispatches; it never merges. Paused repositories and those whose policy switches the
 * heartbeat off are skipped.
 */
import { defaultPolicy } from '../../core/policy.js';
import { TERMINAL_STATES } from '../../core/workflow.js';
import { documentOf } from '../conductor/document.js';
import { syncDashboardIssue } from '../dashboard-issue/sync.js';
import type { RepoEnv } from '../conductor/env.js';
import { drainAll } from '../conductor/outbox.js';
import { repoEnv } from '../conductor/repo-env.js';
import type { Runtime } from '../conductor/runtime.js';
import { describeError } from '../github/index.js';
import type { Octokit } from '../github/index.js';
import { withLogScope } from '../logging/scope.js';
import type { DispatchRecord, WorkItemRecord } from '../store/index.js';
import { remindMerge } from './reminders.js';
import { emptyReport } from './report.js';
import type { BeatReport } from './report.js';
import { reconcileNotStarted, reconcileRunning } from './runs.js';

export type { BeatReport } from './report.js';
export { onCheckRunCompleted } from './ci.js';

/** Work younger than this is left to the webhook handlers still busy with it. */
const SETTLE_MS = 60_000;

interface RepositoryWork {
  notStarted: DispatchRecord[];
  running: DispatchRecord[];
  awaitingMerge: WorkItemRecord[];
  leftovers: WorkItemRecord[];
}

/** A beat this process finished: when, and what it found and did. */
export interface LastBeat {
  startedAt: string;
  finishedAt: string;
  report: BeatReport;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<BeatReport> | undefined;
  private last: LastBeat | undefined;

  constructor(private readonly runtime: Runtime) {}

  /**
   * Beats every `heartbeat.interval_minutes` of the default policy (the timer is the app's, not a
   * repository's; each repository's own thresholds apply inside the beat). The timer does not keep the
   * process alive.
   */
  start(): void {
    if (this.timer !== undefined) return;
    const interval = defaultPolicy().heartbeat.interval_minutes * 60_000;
    this.timer = setInterval(() => {
      this.beat().catch((error: unknown) =>
        this.runtime.log.error(`heartbeat failed: ${describeError(error)}`),
      );
    }, interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One beat now; a beat already running is joined rather than overlapped. */
  beat(): Promise<BeatReport> {
    this.beating ??= this.measured().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  /** The last beat this process finished (for the dashboard), or undefined before the first. */
  lastBeat(): LastBeat | undefined {
    return this.last;
  }

  private async measured(): Promise<BeatReport> {
    const startedAt = this.runtime.now();
    const report = await withLogScope({ heartbeat: startedAt.toISOString() }, () => this.run());
    const finishedAt = this.runtime.now();
    this.last = { startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), report };
    this.runtime.observer.beat?.(report, startedAt, finishedAt);
    return report;
  }

  private async run(): Promise<BeatReport> {
    const report = emptyReport();
    const { store } = this.runtime;
    const now = this.runtime.now();
    const settled = new Date(now.getTime() - SETTLE_MS);
    const work = new Map<string, RepositoryWork>();
    const of = (repository: string): RepositoryWork => {
      let entry = work.get(repository);
      if (entry === undefined) {
        entry = { notStarted: [], running: [], awaitingMerge: [], leftovers: [] };
        work.set(repository, entry);
      }
      return entry;
    };
    for (const dispatch of await store.dispatches.listNotStartedSince(settled))
      of(dispatch.repository).notStarted.push(dispatch);
    for (const dispatch of await store.dispatches.listRunningSince(settled))
      of(dispatch.repository).running.push(dispatch);
    for (const record of await store.workItems.list({ states: ['awaiting_merge_approval'] }))
      of(record.repository).awaitingMerge.push(record);
    for (const record of await store.workItems.list()) {
      // Repositories with work going keep their dashboard issue up to date (see reconcile).
      if (
        this.runtime.dashboardIssues !== undefined &&
        !(TERMINAL_STATES as readonly string[]).includes(record.state)
      )
        of(record.repository);
      if (Date.parse(record.updatedAt) > settled.getTime()) continue;
      let document;
      try {
        document = documentOf(record);
      } catch {
        continue;
      }
      if (document.outbox.length > 0) of(record.repository).leftovers.push(record);
    }
    for (const [repository, items] of work) {
      const env = await this.envFor(repository, report);
      if (env !== undefined) await this.reconcile(env, items, report);
    }
    return report;
  }

  /** The environment of a repository the beat may work in, or undefined (with the reason in the report). */
  private async envFor(repository: string, report: BeatReport): Promise<RepoEnv | undefined> {
    const skip = (why: string) => {
      report.skipped.push({ repository, why });
      return undefined;
    };
    const known = await this.runtime.store.repositories.get(repository);
    if (known === null || known.installationId === null) return skip('no installation recorded');
    if (known.paused) return skip('paused');
    let setup;
    try {
      const octokit = (await this.runtime.app.auth(known.installationId)) as unknown as Octokit;
      setup = await repoEnv(this.runtime, octokit, { full_name: repository }, known.installationId);
    } catch (error) {
      report.errors.push(`${repository}: ${describeError(error)}`);
      return undefined;
    }
    if (!setup.ok) return skip('invalid configuration');
    if (!setup.env.policy.heartbeat.enabled) return skip('heartbeat disabled by policy');
    return setup.env;
  }

  private async reconcile(env: RepoEnv, work: RepositoryWork, report: BeatReport): Promise<void> {
    const step = async (what: string, action: () => Promise<void>) => {
      try {
        await action();
      } catch (error) {
        report.errors.push(`${env.repository.fullName} ${what}: ${describeError(error)}`);
      }
    };
    for (const record of work.leftovers) {
      await step(`outbox of #${record.issueNumber}`, async () => {
        const drained = await drainAll(env, record.id, { stopAtMerge: true });
        if (drained.done > 0) report.drained.push(record.id);
      });
    }
    for (const dispatch of work.notStarted)
      await step(`run ${dispatch.runKey}`, () => reconcileNotStarted(env, dispatch, report));
    for (const dispatch of work.running)
      await step(`run ${dispatch.runKey}`, () => reconcileRunning(env, dispatch, report));
    for (const record of work.awaitingMerge)
      await step(`reminder for #${record.issueNumber}`, () => remindMerge(env, record, report));
    // Transitions update the dashboard issue only where people are needed; this catches up with the
    // stages passed since (it writes only when what the issue shows changed).
    if (env.dashboardIssue !== undefined)
      await step('dashboard issue', () => syncDashboardIssue(env, { context: {} }));
  }
}
