/**
 * `issues.edited` on a repository's dashboard issue: a tick of the pause box by an allowed human pauses the
 * repository, an untick resumes it, by the same rules and the same path as `/pause` and `/resume` (core's
 * `authorizeCommand` with the permission GitHub's collaborator-permission API reports). A change by anyone
 * else is undone (the body is written again from the store) with a short reply; bots get no reply. Only the
 * box counts: the old and new bodies of the edit are compared, and the app's own edits are ignored.
 */
import type { Context } from 'probot';
import { authorizeCommand, isBot, LISTED_ONLY_COMMANDS } from '../../core/commands.js';
import type { RepoEnv } from '../conductor/env.js';
import { afterPauseChange, itemsWithQueuedWork, recordPause } from '../conductor/pause.js';
import { repoEnv, reportConfigErrors } from '../conductor/repo-env.js';
import type { Runtime } from '../conductor/runtime.js';
import { describeError } from '../github/index.js';
import type { Octokit } from '../github/index.js';
import { pauseBoxState } from './checkbox.js';
import { renderBoxRefusal } from './render.js';
import { syncDashboardIssue } from './sync.js';

export async function onDashboardIssueEdited(
  runtime: Runtime,
  context: Context<'issues.edited'>,
): Promise<void> {
  const { issue, changes, repository, sender, installation } = context.payload;
  if (changes.body === undefined) return;
  const known = await runtime.store.repositories.get(repository.full_name);
  if (known?.dashboardIssue !== issue.number) return;
  const identity = await runtime.identity();
  // The app's own updates of the issue come back as edits too.
  if (sender.login.toLowerCase() === identity.login.toLowerCase()) return;
  // Someone changed the body: whatever the app wrote last is no longer there (the next sync writes).
  runtime.dashboardIssues?.forget(repository.full_name);
  const before = pauseBoxState(changes.body.from);
  const after = pauseBoxState(issue.body);
  // Only the box counts; other edits cost no call to GitHub.
  if (after === before) return;
  const setup = await repoEnv(runtime, context.octokit as unknown as Octokit, repository, installation?.id);
  if (!setup.ok) {
    if (!isBot(sender))
      await reportConfigErrors(setup.github, issue.number, setup.errors, { causedBy: sender.login });
    return;
  }
  const { env } = setup;
  // Handled once, even when the delivery is handled again after a crash.
  if ((await env.store.deliveries.claimEvent(`dashboard-edit:${context.id}`)) === 'duplicate') return;
  if (after === undefined) {
    // The box was deleted: put it back as the switch is.
    await restore(env, sender.login);
    return;
  }
  await flip(env, issue.number, { login: sender.login, type: sender.type }, after, context.id);
}

async function flip(
  env: RepoEnv,
  issue: number,
  actor: { login: string; type: string },
  paused: boolean,
  deliveryId: string,
): Promise<void> {
  const name = paused ? 'pause' : 'resume';
  const { github, policy } = env;
  const bot = isBot(actor);
  const permission = bot ? 'none' : await github.permissionOf(actor.login);
  const teams =
    !bot && policy.authorization.teams.length > 0 && LISTED_ONLY_COMMANDS.includes(name)
      ? await github.activeTeams(actor.login, policy.authorization.teams)
      : [];
  const authorization = authorizeCommand(name, { ...actor, permission, teams }, policy, {
    appLogin: github.app.login,
  });
  if (!authorization.allowed) {
    env.log.info(`${name} through the dashboard issue by ${actor.login} refused: ${authorization.reason}`);
    await restore(env, actor.login);
    if (authorization.reply) {
      await github.comment(
        issue,
        `dashboard-refusal:${deliveryId}`,
        renderBoxRefusal(paused, authorization.reason),
        { causedBy: actor.login },
        { mayExist: true, killSwitchExempt: true },
      );
    }
    return;
  }
  const change = await recordPause(env.store, env.repository.fullName, {
    paused,
    actor: actor.login,
    source: 'dashboard-issue',
    detail: { issue },
  });
  const waiting = !paused && change.was ? await itemsWithQueuedWork(env) : [];
  env.log.info(
    `${env.repository.fullName} ${paused ? 'paused' : 'resumed'} by ${actor.login} through the dashboard issue`,
  );
  await afterPauseChange(env, change, waiting, { causedBy: actor.login });
}

/** Writes the issue again from the store, so its box shows the switch as it is. */
async function restore(env: RepoEnv, causedBy: string): Promise<void> {
  try {
    await syncDashboardIssue(env, { context: { causedBy }, killSwitchExempt: true });
  } catch (error) {
    env.log.warn(
      `the dashboard issue of ${env.repository.fullName} was not restored: ${describeError(error)}`,
    );
    throw error;
  }
}
