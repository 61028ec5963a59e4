/**
 * The shape of an operation handler: which operation it serves, who may call it, which optional
 * parameters it honours (any other parameter the operation declares gets a loud 501, never silence),
 * and the function that answers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../auth.js';
import type { Downloads } from '../downloads.js';
import type { BaseRole, Repository } from '../model.js';
import type { ValidatedApiRequest } from '../openapi.js';
import type { Actor } from '../state/events.js';
import type { GitHubState } from '../state.js';
import type { ViewContext } from '../views/context.js';

/**
 * What a handler answers. `body` is sent as JSON; `raw` instead sends bytes as they are (raw media
 * types); `headers` are added (e.g. `Link`, `Location`).
 */
export interface HandlerResponse {
  status: number;
  body?: unknown;
  raw?: { contentType: string; data: Buffer };
  headers?: Record<string, string>;
}

/** Everything a handler may use. */
export interface BaseContext {
  state: GitHubState;
  views: ViewContext;
  request: ValidatedApiRequest;
  caller: Caller;
  headers: IncomingHttpHeaders;
  /** The full URL of the request as the client addressed it (for pagination links). */
  url: URL;
  /** Makes unauthenticated, short-lived download addresses for bytes the fake serves. */
  downloads: Downloads;
}

/** The context of a repository operation: the repository is resolved and access already checked. */
export interface RepoContext extends BaseContext {
  repo: Repository;
  /** Who acts (the app's bot for an installation token). Anonymous callers never reach writes. */
  actor: Actor;
}

/**
 * Who may call a repository operation.
 * - Installation tokens need one of `permissions` at `level`, and must reach the repository.
 * - Users need to see the repository and, when `userRole` is set, hold at least that role.
 * - `appsOnly`: users are refused (check runs can only be written by GitHub Apps).
 * - Anonymous callers may only read public repositories.
 */
export interface RepoAccess {
  kind: 'repo';
  permissions: string[];
  level: 'read' | 'write';
  userRole?: BaseRole;
  appsOnly?: boolean;
}

/** App-level operations, authenticated with the app's JWT. */
export interface AppAccess {
  kind: 'app';
}

/** Operations of the installation itself (e.g. listing its repositories), with an installation token. */
export interface InstallationAccess {
  kind: 'installation';
}

/** Organization operations: installations on the organization need `permission` at `level`. */
export interface OrgAccess {
  kind: 'org';
  permission: string;
  level: 'read' | 'write';
}

/** The parameters a handler honours beyond the path: query keys and top-level body keys. */
export interface Supported {
  query?: string[];
  body?: string[];
}

export interface RepoOperation extends Supported {
  operationId: string;
  access: RepoAccess;
  handle(ctx: RepoContext): HandlerResponse;
}

export interface OtherOperation extends Supported {
  operationId: string;
  access: AppAccess | InstallationAccess | OrgAccess;
  handle(ctx: BaseContext): HandlerResponse;
}

export type OperationHandler = RepoOperation | OtherOperation;

/** Declares a repository operation (typed context: `ctx.repo`, `ctx.actor`). */
export function repoOperation(operation: RepoOperation): OperationHandler {
  return operation;
}

/** Declares an app, installation or organization operation. */
export function otherOperation(operation: OtherOperation): OperationHandler {
  return operation;
}

/** The typed path parameter `name` of a request (validated by the OpenAPI layer before handlers run). */
export function param<T extends string | number>(ctx: BaseContext, name: string): T {
  return ctx.request.params[name] as T;
}

/** The typed body of a request (validated against the operation's schema before handlers run). */
export function body<T>(ctx: BaseContext): T {
  return (ctx.request.body ?? {}) as T;
}

/** The typed query parameter `name`, or undefined when absent. */
export function query<T>(ctx: BaseContext, name: string): T | undefined {
  return ctx.request.query[name] as T | undefined;
}
