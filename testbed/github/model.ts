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
  /**
   * While open, the test merge commit git made of head into base (`refs/pull/<n>/merge`), null when they
   * conflict; once merged, the commit the merge put on the base branch (for a rebase: the last one).
   */
  mergeCommitSha: string | null;
  /** How it was merged, as asked in the merge request; null until merged. */
  mergeCommit: { method: 'merge' | 'squash' | 'rebase'; title: string; message: string } | null;
  /** Whether head merges into base without conflicts, as git's three-way merge found when either moved. */
  mergeable: boolean;
  /** The change as git counts it (commits in base..head, lines and files of the three-dot diff). */
  stats: { commits: number; additions: number; deletions: number; changedFiles: number };
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
  /** The bare git repository that holds its commits and refs (the truth for branches and files). */
  gitDir: string;
  /**
   * Branch name → head SHA as of the last ref change the fake processed (its own commits and merges, or
   * a push over HTTP once git reported it). Written only from what git holds, after git holds it; read
   * by the API so a read does not start a process. Only a push still in flight is ahead of it.
   */
  branches: Map<string, string>;
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
