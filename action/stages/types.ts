/**
 * What every stage takes: its inputs (the action's inputs, or the CLI's flags, parsed and checked) and its
 * dependencies (the GitHub client, the model client, time and randomness for retries, the environment its
 * commands start from, a log). The action (main.ts) and the CLI (cli/stage.ts) build both and call the
 * same `run<Stage>Stage`: there is no second code path.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { ReviewerRole } from '../../core/roles.js';
import type { RetryDeps } from '../agent/retry.js';
import type { GitHubClient } from '../github/client.js';
import type { RepoRef } from '../github/repository.js';
import type { StageContext } from './context.js';

/** What identifies a run in its result document; every stage has these. */
export interface RunIdentity {
  repository: RepoRef;
  /** The run key the app dispatched with; the result document repeats it. */
  runKey: string;
  /** The work item's issue (for a story, its sub-issue). */
  issue: number;
  /** The story id within its epic's plan, when the run is about a story. */
  story?: string;
  /** The default branch, when the caller knows it (saves a read); else GitHub is asked. */
  defaultBranch?: string;
}

/** The checkout a stage works in and the prompts its agents get (from the action's own folder). */
export interface Workplace {
  /** The checkout's root folder. */
  workspace: string;
  /** The folder holding `<role>.md` prompts: the action's own, never the branch's. */
  promptsDir: string;
}

export type PlanInputs = RunIdentity & Workplace & { context: StageContext };

/** Where git fetches from and pushes to. */
export interface GitRemote {
  /** The repository's URL, without credentials (e.g. `https://github.com/o/r.git`). */
  remoteUrl: string;
  /** The token git authenticates with (as a header, through the environment). */
  gitToken?: string;
}

export type ImplementInputs = RunIdentity &
  Workplace &
  GitRemote & {
    context: StageContext;
    /** The pull request of an earlier round: the revision pushes to its branch. */
    pr?: number;
  };

export type ReviewInputs = RunIdentity &
  Workplace &
  GitRemote & {
    context: StageContext;
    pr: number;
    role: ReviewerRole;
  };

export type ReleaseGateInputs = RunIdentity & { pr: number };

export type ValidateInputs = RunIdentity & {
  workspace: string;
  /** The merged pull request, when the app names it; it is reported with the result. */
  pr?: number;
};

export interface StageDeps extends RetryDeps {
  github: GitHubClient;
  /** The model client; throws when the key is missing (only stages that run an agent call it). */
  model(): Anthropic;
  /** The environment commands start from; the executor removes every secret from it. */
  env: NodeJS.ProcessEnv;
  /** One line per step, for the job log; never secrets, never file contents. */
  log(line: string): void;
}
