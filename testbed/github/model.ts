/**
 * The records the offline GitHub keeps in memory. They hold facts only; the JSON GitHub sends for them is
 * built by `views/*` from these records, so one record can be shown as a REST response or inside a webhook.
 */

/** A user, an organization, or the bot user of a GitHub App (`slug[bot]`). */
export interface Account {
  id: number;
  nodeId: string;
  login: string;
  type: 'User' | 'Organization' | 'Bot';
  name: string | null;
  email: string | null;
  createdAt: Date;
}

/** Repository permissions of GitHub Apps, as named in the REST API (`issues`, `pull_requests`…). */
export type AppPermissionLevel = 'read' | 'write' | 'admin';
export type AppPermissions = Record<string, AppPermissionLevel>;

/** A GitHub App. Its key pair signs the app's JWTs; the fake checks them with the public key. */
export interface App {
  id: number;
  nodeId: string;
  slug: string;
  clientId: string;
  name: string;
  description: string | null;
  owner: Account;
  /** The bot account that acts for the app (`<slug>[bot]`), the `sender` of what its tokens do. */
  bot: Account;
  permissions: AppPermissions;
  /** Webhook events the app is subscribed to; deliveries of other events are not sent. */
  events: string[];
  privateKeyPem: string;
  publicKeyPem: string;
  /** Where deliveries for this app's installations go; undefined: none are sent. */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  createdAt: Date;
}

/** An installation of an app on an account (user or organization). */
export interface Installation {
  id: number;
  appId: number;
  account: Account;
  repositorySelection: 'all' | 'selected';
  /** The repositories of a `selected` installation. */
  repositoryIds: Set<number>;
  permissions: AppPermissions;
  events: string[];
  createdAt: Date;
}

/** What was asked when an installation token was minted (checklist 19: least privilege is asserted). */
export interface TokenRequest {
  repositories?: string[];
  repository_ids?: number[];
  permissions?: AppPermissions;
}

/** An installation access token (`ghs_…`). */
export interface InstallationToken {
  token: string;
  installationId: number;
  /** The repositories it may reach; undefined: every repository of the installation. */
  repositoryIds: number[] | undefined;
  permissions: AppPermissions;
  request: TokenRequest;
  createdAt: Date;
  expiresAt: Date;
}

/** A user's personal access token (`ghp_…`), for tests and the demo acting as a human. */
export interface UserToken {
  token: string;
  userId: number;
}

/** The files of a commit: path (no leading slash) → content. */
export type FileTree = ReadonlyMap<string, Uint8Array>;

/** Repository roles; custom roles name a base role. */
export type BaseRole = 'read' | 'triage' | 'write' | 'maintain' | 'admin';

/** A collaborator's role on a repository: a base role, or a custom role built on one. */
export interface CollaboratorRole {
  roleName: string;
  base: BaseRole;
}

export interface Label {
  id: number;
  nodeId: string;
  name: string;
  color: string;
  description: string | null;
  isDefault: boolean;
}

/** An issue, or the issue half of a pull request (they share numbers, labels and comments). */
export interface Issue {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  body: string | null;
  user: Account;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;
  /** Lower-case label names, in the order they were added. */
  labels: string[];
  assignees: Account[];
  locked: boolean;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  closedBy: Account | null;
  /** Set for pull requests: the pull request's own id. */
  pullId: number | undefined;
  /** The issue id of the parent, when this issue is a sub-issue. */
  parentIssueId: number | undefined;
  /** Issue ids of sub-issues, in the order they were added. */
  subIssueIds: number[];
  /** The app whose token created it, if any (`performed_via_github_app`). */
  viaAppId: number | undefined;
}

export interface IssueComment {
  id: number;
  nodeId: string;
  issueNumber: number;
  body: string;
  user: Account;
  createdAt: Date;
  updatedAt: Date;
  viaAppId: number | undefined;
}

/** The pull-request half of a pull request; title, body, state and labels live on its {@link Issue}. */
export interface PullRequest {
  id: number;
  nodeId: string;
  number: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: Date | null;
  mergedBy: Account | null;
  mergeCommitSha: string | null;
  /** How it was merged, as asked in the merge request; null until merged. */
  mergeCommit: { method: 'merge' | 'squash' | 'rebase'; title: string; message: string } | null;
  /** Whether GitHub would let it merge; null while "computing". Tests set it to exercise 405. */
  mergeable: boolean | null;
  maintainerCanModify: boolean;
}

export interface CheckSuite {
  id: number;
  nodeId: string;
  appId: number;
  headSha: string;
  headBranch: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CheckRunOutput {
  title: string | null;
  summary: string | null;
  text: string | null;
  annotationsCount: number;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckConclusion =
  'action_required' | 'cancelled' | 'failure' | 'neutral' | 'success' | 'skipped' | 'stale' | 'timed_out';

export interface CheckRun {
  id: number;
  nodeId: string;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: Date;
  completedAt: Date | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: CheckRunOutput;
  appId: number;
  suiteId: number;
}

export interface CommitStatus {
  id: number;
  nodeId: string;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  targetUrl: string | null;
  description: string | null;
  context: string;
  creator: Account;
  createdAt: Date;
  updatedAt: Date;
}

/** A `workflow_dispatch` input a workflow declares. */
export interface WorkflowInputSpec {
  required: boolean;
}

export interface Workflow {
  id: number;
  nodeId: string;
  name: string;
  /** e.g. `.github/workflows/ai-orchestrator.yml`. */
  path: string;
  state: 'active' | 'disabled_manually';
  /** Declared dispatch inputs; undefined: the fake does not check inputs (no workflow file known). */
  inputs: Record<string, WorkflowInputSpec> | undefined;
  /** False when the workflow has no `workflow_dispatch` trigger. */
  dispatchable: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';

export interface WorkflowRun {
  id: number;
  nodeId: string;
  workflowId: number;
  runNumber: number;
  runAttempt: number;
  /** The check suite GitHub Actions creates for the run. */
  checkSuiteId: number;
  event: string;
  status: RunStatus;
  conclusion: CheckConclusion | null;
  headBranch: string;
  headSha: string;
  displayTitle: string;
  /** The inputs of a `workflow_dispatch`, as sent. */
  inputs: Record<string, unknown>;
  actor: Account;
  createdAt: Date;
  updatedAt: Date;
  runStartedAt: Date | null;
}

export interface Artifact {
  id: number;
  nodeId: string;
  runId: number;
  name: string;
  /** The zip archive served by the download endpoint. */
  zip: Uint8Array;
  /** Sum of the uncompressed file sizes, as GitHub reports it. */
  sizeInBytes: number;
  digest: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface Team {
  id: number;
  nodeId: string;
  orgId: number;
  slug: string;
  name: string;
  /** Members by account id. */
  members: Map<number, { role: 'member' | 'maintainer'; state: 'active' | 'pending' }>;
}

/** Merge methods a repository allows, as in its settings. */
export interface MergeSettings {
  allowMergeCommit: boolean;
  allowSquashMerge: boolean;
  allowRebaseMerge: boolean;
}

/** A repository and everything in it. */
export interface Repository {
  id: number;
  nodeId: string;
  owner: Account;
  name: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  /** Branch name → head commit SHA. Ready for a git server to own later. */
  branches: Map<string, string>;
  /** Every commit a branch of this repository ever pointed at, with its files: the commits the API knows. */
  commits: Map<string, FileTree>;
  merge: MergeSettings;
  createdAt: Date;
  updatedAt: Date;
  pushedAt: Date;
  /** Labels by lower-case name. */
  labels: Map<string, Label>;
  collaborators: Map<number, CollaboratorRole>;
  /** The next issue/pull-request number (they share one sequence, as on GitHub). */
  nextNumber: number;
  issues: Map<number, Issue>;
  pulls: Map<number, PullRequest>;
  comments: Map<number, IssueComment>;
  checkSuites: Map<number, CheckSuite>;
  checkRuns: Map<number, CheckRun>;
  statuses: CommitStatus[];
  workflows: Map<number, Workflow>;
  runs: Map<number, WorkflowRun>;
  artifacts: Map<number, Artifact>;
}
