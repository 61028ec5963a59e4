/**
 * A slash command from a fresh issue or pull-request comment, from authorization to effect.
 *
 * Who may run it is decided by core's `authorizeCommand` with the commenter's permission as GitHub's
 * collaborator-permission API reports it (and team membership when the policy lists teams), never the
 * payload's `author_association`. Refusals of people get one short reply; bots get none. Each comment
 * takes effect once: its id is claimed in the same transaction as the transition it causes (or before the
 * reply that refuses it), so a second delivery of the same comment does nothing (checklist 8).
 */
import { authorizeCommand, isBot, LISTED_ONLY_COMMANDS } from '../../core/commands.js';
import type { Command, ParseResult } from '../../core/commands.js';
import type { CommandName } from '../../core/roles.js';
import type { WorkflowEvent } from '../../core/workflow.js';
import { RepositoryPausedError } from '../github/index.js';
import {
  renderPaused,
  renderRefusal,
  renderRepositoryStatus,
  renderResumed,
  renderStatus,
} from '../render/index.js';
import type { WorkItemRecord } from '../store/index.js';
import { applyEvent } from './apply.js';
import { documentOf } from './document.js';
import type { RepoEnv } from './env.js';
import { checkMergeGate } from './merge-gate.js';
import { drainAll } from './outbox.js';
import { afterPauseChange, itemsWithQueuedWork, recordPause } from './pause.js';
import { itemView } from './views.js';

export interface CommandRequest {
  parsed: Exclude<ParseResult, { kind: 'none' }>;
  commentId: number;
  /** The issue or pull request the comment is on. */
  issue: number;
  isPullRequest: boolean;
  actor: { login: string; type: string };
}

/** The commands the kill switch lets through: the switch itself and the question where things stand. */
const KILL_SWITCH_COMMANDS: readonly CommandName[] = ['pause', 'resume', 'status'];

const nameOf = (parsed: CommandRequest['parsed']): CommandName =>
  parsed.kind === 'command' ? parsed.command.name : parsed.name;

/** Carries out (or refuses) a command; see the module doc. */
export async function runCommand(env: RepoEnv, request: CommandRequest): Promise<void> {
  const name = nameOf(request.parsed);
  const { store, github, policy, repository } = env;
  const record = request.isPullRequest
    ? await store.workItems.getByPr(repository.fullName, request.issue)
    : await store.workItems.getByIssue(repository.fullName, request.issue);
  const bot = isBot(request.actor);
  const permission = bot ? 'none' : await github.permissionOf(request.actor.login);
  const teams =
    !bot && policy.authorization.teams.length > 0 && LISTED_ONLY_COMMANDS.includes(name)
      ? await github.activeTeams(request.actor.login, policy.authorization.teams)
      : [];
  const requester = record === null ? undefined : await requesterOf(env, record);
  const authorization = authorizeCommand(name, { ...request.actor, permission, teams }, policy, {
    appLogin: github.app.login,
    ...(requester === undefined ? {} : { requester }),
  });
  if (!authorization.allowed) {
    if (authorization.reply) await replyOnce(env, request, renderRefusal(name, authorization.reason));
    return;
  }
  if (request.parsed.kind === 'invalid') {
    await replyOnce(env, request, renderRefusal(name, request.parsed.reason));
    return;
  }
  const command = request.parsed.command;
  if (!KILL_SWITCH_COMMANDS.includes(name) && (await store.repositories.isPaused(repository.fullName))) {
    // Claimed, so it does not act long after, when a redelivery arrives once the repository is resumed.
    await store.deliveries.claimEvent(claimOf(request));
    env.log.info(
      `/${name} by ${request.actor.login} on #${request.issue} ignored: ${repository.fullName} is paused`,
    );
    return;
  }
  switch (command.name) {
    case 'pause':
    case 'resume':
      return setPaused(env, request, command.name === 'pause');
    case 'status':
      return status(env, request, record);
    default:
      return workCommand(env, request, command, record, bot);
  }
}

const claimOf = (request: CommandRequest): string => `comment:${request.commentId}`;
const replyKey = (request: CommandRequest): string => `reply:${request.commentId}`;

/** Who labelled the epic the item belongs to (the policy may bar them from approving). */
async function requesterOf(env: RepoEnv, record: WorkItemRecord): Promise<string | undefined> {
  if (record.parentId === null) return documentOf(record).requester;
  const epic = await env.store.workItems.get(record.parentId);
  return epic === null ? undefined : documentOf(epic).requester;
}

/** Replies once per comment (claimed first); a paused repository swallows the reply. */
async function replyOnce(env: RepoEnv, request: CommandRequest, text: string): Promise<void> {
  if ((await env.store.deliveries.claimEvent(claimOf(request))) === 'duplicate') return;
  try {
    await env.github.comment(request.issue, replyKey(request), text, { causedBy: request.actor.login });
  } catch (error) {
    if (!(error instanceof RepositoryPausedError)) throw error;
    env.log.info(`reply to comment ${request.commentId} not posted: ${error.message}`);
  }
}

async function setPaused(env: RepoEnv, request: CommandRequest, paused: boolean): Promise<void> {
  const { store, repository } = env;
  if ((await store.deliveries.claimEvent(claimOf(request))) === 'duplicate') return;
  const change = await recordPause(store, repository.fullName, {
    paused,
    actor: request.actor.login,
    source: 'comment',
    detail: { comment_id: request.commentId },
  });
  const waiting = !paused && change.was ? await itemsWithQueuedWork(env) : [];
  const text = paused ? renderPaused(change.was) : renderResumed(change.was, waiting.length);
  await env.github.comment(
    request.issue,
    replyKey(request),
    text,
    { causedBy: request.actor.login },
    { killSwitchExempt: true },
  );
  await afterPauseChange(env, change, waiting, { causedBy: request.actor.login });
}

async function status(env: RepoEnv, request: CommandRequest, record: WorkItemRecord | null): Promise<void> {
  const { store, repository } = env;
  if ((await store.deliveries.claimEvent(claimOf(request))) === 'duplicate') return;
  const text =
    record === null
      ? renderRepositoryStatus(
          await store.repositories.isPaused(repository.fullName),
          await store.usage.totalsForRepository(repository.fullName),
        )
      : renderStatus(await itemView(store, repository.fullName, record));
  await env.github.comment(
    request.issue,
    replyKey(request),
    text,
    { causedBy: request.actor.login, ...(record === null ? {} : { itemId: record.id }) },
    {
      killSwitchExempt: true,
    },
  );
}

function eventOf(
  command: Exclude<Command, { name: 'pause' | 'resume' | 'status' }>,
  login: string,
  bot: boolean,
): WorkflowEvent {
  switch (command.name) {
    case 'approve':
      return { type: 'approve', actor: { login, human: !bot } };
    case 'reject':
      return { type: 'reject', reason: command.reason };
    case 'clarify':
      return { type: 'clarify', text: command.text };
    case 'retry':
      return { type: 'retry', ...(command.story === undefined ? {} : { story: command.story }) };
    case 'cancel':
      return { type: 'cancel' };
  }
}

async function workCommand(
  env: RepoEnv,
  request: CommandRequest,
  command: Exclude<Command, { name: 'pause' | 'resume' | 'status' }>,
  record: WorkItemRecord | null,
  bot: boolean,
): Promise<void> {
  if (record === null) {
    const where = request.isPullRequest ? 'pull request' : 'issue';
    await replyOnce(
      env,
      request,
      renderRefusal(
        command.name,
        `there is no orchestrator work on this ${where}; add the ${env.policy.trigger.label} label to an issue to start some`,
      ),
    );
    return;
  }
  const login = request.actor.login;
  const item = documentOf(record).item;
  if (command.name === 'approve' && item.kind === 'story') {
    const gate = await checkMergeGate(env.github, item, login);
    if (!gate.ok) {
      const refusal = renderRefusal(command.name, gate.reason);
      if (gate.event !== undefined) {
        const moved = await applyEvent(env, record.id, gate.event, {
          claim: claimOf(request),
          causedBy: login,
          replies: [{ issue: request.issue, text: refusal }],
        });
        if (moved.kind === 'applied') await drainAll(env, record.id);
        if (moved.kind !== 'refused') return;
      }
      await replyOnce(env, request, refusal);
      return;
    }
  }
  const outcome = await applyEvent(env, record.id, eventOf(command, login, bot), {
    claim: claimOf(request),
    causedBy: login,
  });
  if (outcome.kind === 'refused') await replyOnce(env, request, renderRefusal(command.name, outcome.reason));
  // Also after a refusal: work a crash left queued on this item (a merge, which the heartbeat never does)
  // is finished by the next person acting on it.
  if (outcome.kind !== 'duplicate') await drainAll(env, record.id);
}
