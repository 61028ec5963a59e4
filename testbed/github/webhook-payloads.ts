/**
 * Turns a state event into the webhook GitHub would send an app for it: the event name, the action, and
 * the payload (the same objects as the REST views, plus `repository`, `sender`, `installation` and, for
 * organization repositories, `organization`).
 */
import type { Installation, Repository } from './model.js';
import type { StateEvent } from './state/events.js';
import { workflowRunView, workflowView } from './views/actions.js';
import { checkRunView, checkSuiteView } from './views/checks.js';
import type { ViewContext } from './views/context.js';
import { commentView, issueView, labelView } from './views/issues.js';
import { pullView } from './views/pulls.js';
import { repositoryView } from './views/repos.js';
import { userView } from './views/users.js';

/** A webhook ready to be signed and sent. */
export interface WebhookMessage {
  event: string;
  action: string;
  payload: Record<string, unknown>;
}

/** The `organization` object of a payload (`organization-simple`). */
function organizationView(ctx: ViewContext, repo: Repository): Record<string, unknown> {
  const org = repo.owner;
  const api = `${ctx.urls.api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: org.nodeId,
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${ctx.urls.web}/avatars/u/${org.id}`,
    description: null,
  };
}

/** The body of the event, without the envelope (`repository`, `sender`…). */
function eventBody(ctx: ViewContext, event: StateEvent): Record<string, unknown> {
  const { repo } = event;
  switch (event.kind) {
    case 'issues':
      return {
        issue: issueView(ctx, repo, event.issue),
        ...(event.label === undefined ? {} : { label: labelView(ctx, repo, event.label) }),
        ...(event.changes === undefined ? {} : { changes: event.changes }),
      };
    case 'issue_comment':
      return {
        issue: issueView(ctx, repo, event.issue),
        comment: commentView(ctx, repo, event.comment),
        ...(event.changes === undefined ? {} : { changes: event.changes }),
      };
    case 'pull_request':
      return {
        number: event.pull.number,
        pull_request: pullView(ctx, repo, event.pull, event.issue),
        ...(event.label === undefined ? {} : { label: labelView(ctx, repo, event.label) }),
        ...(event.action === 'edited' ? { changes: event.changes ?? {} } : {}),
        ...(event.before === undefined ? {} : { before: event.before, after: event.after }),
      };
    case 'check_run': {
      const suite = ctx.state.checks.suite(repo, event.checkRun.suiteId);
      const run = checkRunView(ctx, repo, event.checkRun);
      return {
        check_run: suite === undefined ? run : { ...run, check_suite: checkSuiteView(ctx, repo, suite) },
      };
    }
    case 'workflow_run':
      return {
        workflow: workflowView(ctx, repo, event.workflow),
        workflow_run: workflowRunView(ctx, repo, event.run),
      };
  }
}

/**
 * The webhook an installation receives for `event`: `sender` is the actor (an app's bot for what its
 * tokens did), `installation` the receiving installation.
 */
export function webhookFor(ctx: ViewContext, event: StateEvent, installation: Installation): WebhookMessage {
  const { repo } = event;
  const payload: Record<string, unknown> = {
    action: event.action,
    ...eventBody(ctx, event),
    repository: repositoryView(ctx, repo),
    ...(repo.owner.type === 'Organization' ? { organization: organizationView(ctx, repo) } : {}),
    sender: userView(ctx, event.actor.account),
    installation: {
      id: installation.id,
      node_id: ctx.state.records.nodeId('MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u', installation.id),
    },
  };
  return { event: event.kind, action: event.action, payload };
}
