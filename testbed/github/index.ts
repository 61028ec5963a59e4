/**
 * The offline GitHub: start one with {@link startGitHub}; set it up and act in it through its `state`.
 */
export { startGitHub } from './server.js';
export type { GitHubTestbed, GitHubTestbedOptions } from './server.js';
export { GitHubState } from './state.js';
export type { Actor, StateEvent } from './state.js';
export type { BranchMove, FileChanges, PathContents, RepositoryOptions } from './state/repos.js';
export type { TreeEntry } from './git/repository.js';
export { primaryRateLimit, secondaryRateLimit, serverErrorAfterWrite } from './faults.js';
export type { ArmedFault, FaultSpec } from './faults.js';
export type { RecordedRequest, RequestMatcher } from './recorder.js';
export type { Delivery, ManualDelivery } from './webhooks.js';
export { GitHubError } from './errors.js';
export { GitHubOpenApi } from './openapi.js';
export { DEFAULT_APP_PERMISSIONS, TESTBED_EVENTS } from './state/apps.js';
export type * from './model.js';
