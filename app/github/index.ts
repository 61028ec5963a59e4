/** The GitHub edge of the app: every read and write the conductor and the heartbeat make. */
export { GitHub } from './client.js';
export type { GitHubOptions } from './client.js';
export type { AppIdentity } from './api.js';
export type { CommentRef } from './comments.js';
export type { IssueRef } from './issues.js';
export type { MergeOutcome } from './merge.js';
export type { GateCheck } from './checks.js';
export type { RunInfo } from './runs.js';
export type { PullInfo } from './pulls.js';
export type { DispatchedRun } from './dispatch.js';
export { RepositoryPausedError, describeError, isTransient, statusOf } from './errors.js';
export { boundedRateLimitHandlers } from './throttle.js';
export type { RateLimitBounds, RateLimitDecision } from './throttle.js';
export { repoRef } from './types.js';
export type { Octokit, RepoRef, WriteContext } from './types.js';
export { hasMarker, marker, withMarker } from './markers.js';
export {
  RESULT_ARTIFACT,
  RESULT_FILE,
  WORKFLOW_FILE,
  WORKFLOW_PATH,
  runKeyFromTitle,
  workflowInputs,
} from './workflow.js';
export type { DispatchRequest } from './workflow.js';
export { MAX_ARTIFACT_BYTES, MAX_RESULT_BYTES, parseResultZip } from './artifacts.js';
