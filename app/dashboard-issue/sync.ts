/**
 * Keeping a repository's dashboard issue up to date: opened on first use (the first transition of the
 * repository's first work item), then edited in place, always showing the store as it is when the sync
 * runs, so a repeated or late sync is harmless. Writes go through app/github (the kill switch and the audit
 * log); a body the app already wrote is not written again.
 */
import { createHash } from 'node:crypto';
import { AI_GENERATED_LABEL } from '../../core/roles.js';
import type { RepoEnv } from '../conductor/env.js';
import { statusOf } from '../github/index.js';
import type { WriteContext } from '../github/index.js';
import { DASHBOARD_TITLE, renderDashboardIssue } from './render.js';
import { dashboardIssueView } from './view.js';

/** The marker key of the dashboard issue (one per repository). */
export const DASHBOARD_KEY = 'dashboard';

/**
 * What this process knows about the dashboard issues: the digest of the body it last wrote to each, and a
 * queue per repository so two drains of one repository never sync (or open the issue) at the same time.
 */
export class DashboardIssues {
  private readonly written = new Map<string, string>();
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after every sync of `repository` queued before it. */
  serialize<T>(repository: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(repository) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(repository, settled);
    void settled.then(() => {
      if (this.queues.get(repository) === settled) this.queues.delete(repository);
    });
    return next;
  }

  /** Whether `digest` is what was last written to the repository's issue. */
  isWritten(repository: string, digest: string): boolean {
    return this.written.get(repository) === digest;
  }

  remember(repository: string, digest: string): void {
    this.written.set(repository, digest);
  }

  /** Someone else changed the issue: the next sync writes whatever it renders. */
  forget(repository: string): void {
    this.written.delete(repository);
  }
}

export interface SyncOptions {
  context: WriteContext;
  /**
   * Write even while the repository is paused: only for showing a change of the kill switch itself (its
   * box must match the switch). Such a sync never opens the issue, only edits one that exists.
   */
  killSwitchExempt?: boolean;
}

/** Brings the repository's dashboard issue up to date (see the module doc); nothing when it is switched off. */
export async function syncDashboardIssue(env: RepoEnv, options: SyncOptions): Promise<void> {
  const issues = env.dashboardIssue;
  if (issues === undefined) return;
  const repository = env.repository.fullName;
  await issues.serialize(repository, async () => {
    const view = await dashboardIssueView(env.store, repository, env.policy.lessons.max, env.now());
    const body = renderDashboardIssue(view);
    const digest = createHash('sha256').update(body).digest('hex');
    if (issues.isWritten(repository, digest)) return;
    const exempt = options.killSwitchExempt === true;
    const known = (await env.store.repositories.get(repository))?.dashboardIssue ?? null;
    if (known !== null) {
      try {
        await env.github.updateIssueBody(known, DASHBOARD_KEY, body, options.context, {
          killSwitchExempt: exempt,
        });
        issues.remember(repository, digest);
        return;
      } catch (error) {
        // Deleted or transferred: a new one is opened below.
        if (statusOf(error) !== 404 && statusOf(error) !== 410) throw error;
      }
    }
    if (exempt) return;
    // Opened once per repository. The first attempt is claimed in the store; any later one (a crash between
    // opening and recording it, an issue someone deleted) looks for the marker first.
    const first = (await env.store.deliveries.claimEvent(`dashboard-issue:${repository}`)) === 'new';
    const found = first ? undefined : await env.github.findIssue(DASHBOARD_KEY, AI_GENERATED_LABEL);
    if (found !== undefined) {
      await env.store.repositories.setDashboardIssue(repository, found.number);
      await env.github.updateIssueBody(found.number, DASHBOARD_KEY, body, options.context);
    } else {
      const opened = await env.github.openIssue(
        DASHBOARD_KEY,
        { title: DASHBOARD_TITLE, body, labels: [AI_GENERATED_LABEL] },
        options.context,
        false,
      );
      await env.store.repositories.setDashboardIssue(repository, opened.number);
    }
    issues.remember(repository, digest);
  });
}
