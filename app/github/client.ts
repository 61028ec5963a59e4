/**
 * `GitHub`: the app's only way to GitHub for one repository. Reads go straight to the installation client;
 * every write goes through the WriteGate (kill switch, audit log) and the idempotent-create helpers, so no
 * feature can write around them.
 */
import type { PolicyResult } from '../../core/policy.js';
import type { PermissionLevel } from '../../core/roles.js';
import type { StateLabel } from '../../core/workflow.js';
import type { Store } from '../store/index.js';
import type { AppIdentity, GitHubApi } from './api.js';
import { readResultDocument } from './artifacts.js';
import type { ResultDocument } from './artifacts.js';
import { releaseGateOn } from './checks.js';
import type { GateCheck } from './checks.js';
import { editComment, findComment, postComment } from './comments.js';
import type { CommentOptions, CommentRef } from './comments.js';
import { readPolicy } from './config.js';
import { dispatchStage } from './dispatch.js';
import type { DispatchedRun } from './dispatch.js';
import { findIssue, linkSubIssue, openIssue, updateIssueBody } from './issues.js';
import type { IssueRef, NewIssue } from './issues.js';
import { setPausedLabel, setStateLabel } from './labels.js';
import { mergePull } from './merge.js';
import type { MergeOutcome, MergeRequest } from './merge.js';
import { activeTeams, permissionOf } from './people.js';
import { getPull } from './pulls.js';
import type { PullInfo } from './pulls.js';
import { findRunByKey, getRun } from './runs.js';
import type { RunInfo } from './runs.js';
import type { Octokit, RepoRef, WriteContext } from './types.js';
import type { DispatchRequest } from './workflow.js';
import { WriteGate } from './write-gate.js';

export interface GitHubOptions {
  octokit: Octokit;
  store: Pick<Store, 'repositories' | 'audit'>;
  repository: RepoRef;
  app: AppIdentity;
  /** Retries of a failed create (policy `retries.github_requests`); the POST is sent at most this + 1 times. */
  retries: number;
  /** The default branch, when the webhook payload already said it (saves a read). */
  defaultBranch?: string;
}

export class GitHub {
  readonly repository: RepoRef;
  readonly app: AppIdentity;
  private readonly api: GitHubApi;
  private defaultBranchName: string | undefined;

  constructor(options: GitHubOptions) {
    this.repository = options.repository;
    this.app = options.app;
    this.api = {
      octokit: options.octokit,
      repo: options.repository,
      gate: new WriteGate(options.store, options.repository, options.app.login),
      app: options.app,
      attempts: options.retries + 1,
    };
    this.defaultBranchName = options.defaultBranch;
  }

  /** Whether `login` is the app's own bot. */
  isApp(login: string | null | undefined): boolean {
    return typeof login === 'string' && login.toLowerCase() === this.app.login.toLowerCase();
  }

  // --- reads ---------------------------------------------------------------------------------------------

  /** The repository's default branch (read once). */
  async defaultBranch(): Promise<string> {
    if (this.defaultBranchName === undefined) {
      const { data } = await this.api.octokit.rest.repos.get({
        owner: this.repository.owner,
        repo: this.repository.repo,
      });
      this.defaultBranchName = data.default_branch;
    }
    return this.defaultBranchName;
  }

  /** The policy from the default branch's `.github/ai-orchestrator.yml`, merged over the default. */
  readPolicy(): Promise<PolicyResult> {
    return readPolicy(this.api);
  }

  permissionOf(login: string): Promise<PermissionLevel> {
    return permissionOf(this.api, login);
  }

  activeTeams(login: string, teams: readonly string[]): Promise<string[]> {
    return activeTeams(this.api, login, teams);
  }

  pull(number: number): Promise<PullInfo> {
    return getPull(this.api, number);
  }

  releaseGateOn(sha: string): Promise<GateCheck> {
    return releaseGateOn(this.api, sha);
  }

  resultDocument(runId: number): Promise<ResultDocument> {
    return readResultDocument(this.api, runId);
  }

  run(runId: number): Promise<RunInfo | undefined> {
    return getRun(this.api, runId);
  }

  runByKey(runKey: string): Promise<RunInfo | undefined> {
    return findRunByKey(this.api, runKey);
  }

  findComment(number: number, key: string): Promise<CommentRef | undefined> {
    return findComment(this.api, number, key);
  }

  /** The issue the app opened with the marker of `key`, among the issues labelled `label`. */
  findIssue(key: string, label: string): Promise<IssueRef | undefined> {
    return findIssue(this.api, key, label);
  }

  // --- writes --------------------------------------------------------------------------------------------

  comment(
    number: number,
    key: string,
    body: string,
    context: WriteContext,
    options?: CommentOptions,
  ): Promise<CommentRef> {
    return postComment(this.api, number, key, body, context, options);
  }

  editComment(id: number, number: number, key: string, body: string, context: WriteContext): Promise<void> {
    return editComment(this.api, id, number, key, body, context);
  }

  setStateLabel(number: number, label: StateLabel | null, context: WriteContext): Promise<void> {
    return setStateLabel(this.api, number, label, context);
  }

  /** The `ai:paused` repository label, present exactly while the repository is paused. */
  setPausedLabel(paused: boolean, context: WriteContext): Promise<void> {
    return setPausedLabel(this.api, paused, context);
  }

  openIssue(key: string, fields: NewIssue, context: WriteContext, mayExist: boolean): Promise<IssueRef> {
    return openIssue(this.api, key, fields, context, mayExist);
  }

  updateIssueBody(
    number: number,
    key: string,
    body: string,
    context: WriteContext,
    options?: { killSwitchExempt?: boolean },
  ): Promise<void> {
    return updateIssueBody(this.api, number, key, body, context, options);
  }

  linkSubIssue(parent: number, child: IssueRef, context: WriteContext): Promise<void> {
    return linkSubIssue(this.api, parent, child, context);
  }

  async dispatch(request: DispatchRequest, context: WriteContext, mayExist: boolean): Promise<DispatchedRun> {
    return dispatchStage(this.api, await this.defaultBranch(), request, context, mayExist);
  }

  merge(request: MergeRequest, context: WriteContext, mayExist: boolean): Promise<MergeOutcome> {
    return mergePull(this.api, request, context, mayExist);
  }
}
