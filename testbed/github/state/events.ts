/**
 * What happened in the offline GitHub, as the state reports it to its subscribers (the webhook sender
 * turns these into deliveries). Each event carries the records as they are at the moment of the change;
 * subscribers run synchronously, so they see exactly that moment.
 */
import type {
  Account,
  CheckRun,
  Issue,
  IssueComment,
  Label,
  PullRequest,
  Repository,
  Workflow,
  WorkflowRun,
} from '../model.js';

/** Who did something: an account, and the app whose installation token it used, if any. */
export interface Actor {
  account: Account;
  appId: number | undefined;
}

export interface IssuesEvent {
  kind: 'issues';
  action: 'opened' | 'edited' | 'closed' | 'reopened' | 'labeled' | 'unlabeled';
  repo: Repository;
  issue: Issue;
  label?: Label;
  changes?: { title?: { from: string }; body?: { from: string | null } };
  actor: Actor;
}

export interface IssueCommentEvent {
  kind: 'issue_comment';
  action: 'created' | 'edited' | 'deleted';
  repo: Repository;
  issue: Issue;
  comment: IssueComment;
  changes?: { body: { from: string } };
  actor: Actor;
}

export interface PullRequestEvent {
  kind: 'pull_request';
  action: 'opened' | 'edited' | 'closed' | 'reopened' | 'synchronize' | 'labeled' | 'unlabeled';
  repo: Repository;
  issue: Issue;
  pull: PullRequest;
  label?: Label;
  changes?: IssuesEvent['changes'];
  /** For `synchronize`: the head SHA before and after the push. */
  before?: string;
  after?: string;
  actor: Actor;
}

export interface CheckRunEvent {
  kind: 'check_run';
  action: 'created' | 'completed';
  repo: Repository;
  checkRun: CheckRun;
  actor: Actor;
}

export interface WorkflowRunEvent {
  kind: 'workflow_run';
  action: 'requested' | 'in_progress' | 'completed';
  repo: Repository;
  workflow: Workflow;
  run: WorkflowRun;
  actor: Actor;
}

export type StateEvent =
  IssuesEvent | IssueCommentEvent | PullRequestEvent | CheckRunEvent | WorkflowRunEvent;

export type StateListener = (event: StateEvent) => void;
