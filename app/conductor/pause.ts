/**
 * The kill switch, the one path every way of flipping it takes (`/pause` and `/resume` comments, the
 * dashboard issue's box, the web dashboard's buttons): who may flip it is decided before, by each caller;
 * here the switch is stored with its audit entry in one transaction, then the dashboard issue shows it and,
 * on resume, the work the pause held back goes on.
 */
import { PAUSED_LABEL } from '../../core/roles.js';
import { describeError } from '../github/index.js';
import type { Octokit, WriteContext } from '../github/index.js';
import type { Store, WorkItemRecord } from '../store/index.js';
import { syncDashboardIssue } from '../dashboard-issue/sync.js';
import { documentOf } from './document.js';
import type { RepoEnv } from './env.js';
import { drainAll } from './outbox.js';
import { repoEnv } from './repo-env.js';
import type { Runtime } from './runtime.js';

export interface PauseRequest {
  paused: boolean;
  /** Who flipped it: a GitHub login, or the web dashboard's admin. */
  actor: string;
  /** Where: a comment, the dashboard issue's box, the web dashboard. */
  source: 'comment' | 'dashboard-issue' | 'web-dashboard';
  /** Anything else the audit entry should keep (the comment's id, the issue). */
  detail?: Record<string, unknown>;
}

export interface PauseChange {
  repository: string;
  paused: boolean;
  /** Whether it was paused before. */
  was: boolean;
}

/**
 * Stores the switch and its audit entry (`repository.pause` or `repository.resume`) together. Needs only the
 * store, so the switch works even when GitHub or the repository's configuration does not.
 */
export async function recordPause(
  store: Store,
  repository: string,
  request: PauseRequest,
): Promise<PauseChange> {
  return store.transaction(async (tx) => {
    const was = await tx.repositories.isPaused(repository);
    await tx.repositories.setPaused(repository, request.paused, request.actor);
    await tx.audit.append({
      actor: request.actor,
      action: request.paused ? 'repository.pause' : 'repository.resume',
      target: repository,
      repository,
      detail: { was_paused: was, source: request.source, ...request.detail },
    });
    return { repository, paused: request.paused, was };
  });
}

/** The repository's items whose outbox still holds effects (what a pause held back). */
export async function itemsWithQueuedWork(env: RepoEnv): Promise<WorkItemRecord[]> {
  const items = await env.store.workItems.list({ repository: env.repository.fullName });
  return items.filter((record) => {
    try {
      return documentOf(record).outbox.length > 0;
    } catch {
      return false;
    }
  });
}

/**
 * What follows a change of the switch: the dashboard issue shows it (its box must match the switch, so this
 * write passes the switch), then, when a pause ended, the held-back work of `waiting` (from
 * {@link itemsWithQueuedWork}) is carried out. A failure to update the dashboard issue is logged, not
 * thrown: the switch is stored, and the next transition brings the issue up to date.
 */
export async function afterPauseChange(
  env: RepoEnv,
  change: PauseChange,
  waiting: readonly WorkItemRecord[],
  context: WriteContext,
): Promise<void> {
  try {
    await env.github.setPausedLabel(change.paused, context);
  } catch (error) {
    env.log.warn(
      `the ${PAUSED_LABEL} label of ${change.repository} was not ${change.paused ? 'created' : 'deleted'}: ${describeError(error)}`,
    );
  }
  try {
    await syncDashboardIssue(env, { context, killSwitchExempt: true });
  } catch (error) {
    env.log.warn(`the dashboard issue of ${change.repository} was not updated: ${describeError(error)}`);
  }
  if (change.paused || !change.was) return;
  for (const item of waiting) await drainAll(env, item.id);
}

/**
 * The switch flipped outside GitHub (the web dashboard): stored and audited first, whatever else fails;
 * then, through the repository's installation, what follows a change (see {@link afterPauseChange}). When
 * the installation or the repository's configuration can't be reached, that part waits: the heartbeat
 * carries out held-back work of repositories that are not paused, and the next transition updates the
 * dashboard issue.
 */
export async function setPausedOutsideGitHub(
  runtime: Runtime,
  repository: string,
  request: PauseRequest,
): Promise<PauseChange> {
  const change = await recordPause(runtime.store, repository, request);
  const known = await runtime.store.repositories.get(repository);
  if (known?.installationId === null || known?.installationId === undefined) return change;
  try {
    const octokit = (await runtime.app.auth(known.installationId)) as unknown as Octokit;
    const setup = await repoEnv(runtime, octokit, { full_name: repository }, known.installationId);
    if (!setup.ok) {
      runtime.log.warn(
        `${repository}: the switch is stored, but its configuration is invalid; nothing else was done`,
      );
      return change;
    }
    const waiting = !change.paused && change.was ? await itemsWithQueuedWork(setup.env) : [];
    await afterPauseChange(setup.env, change, waiting, { causedBy: request.actor });
  } catch (error) {
    runtime.log.warn(`${repository}: the switch is stored; what follows it failed: ${describeError(error)}`);
  }
  return change;
}
