/**
 * Every operation the testbed implements, by operationId. An operation of GitHub's description that is
 * not here answers 501, naming the operation.
 */
import { actionHandlers } from './actions.js';
import { appHandlers } from './apps.js';
import { checkHandlers } from './checks.js';
import { commentHandlers } from './comments.js';
import { contentHandlers } from './contents.js';
import { issueHandlers } from './issues.js';
import { pullFileHandlers } from './pull-files.js';
import { pullHandlers } from './pulls.js';
import { repoHandlers } from './repos.js';
import { subIssueHandlers } from './sub-issues.js';
import type { OperationHandler } from './types.js';

/** Builds the registry; throws if two handlers claim the same operation (a wiring mistake). */
function registry(): ReadonlyMap<string, OperationHandler> {
  const all = [
    ...appHandlers,
    ...repoHandlers,
    ...contentHandlers,
    ...issueHandlers,
    ...commentHandlers,
    ...subIssueHandlers,
    ...pullHandlers,
    ...pullFileHandlers,
    ...checkHandlers,
    ...actionHandlers,
  ];
  const byId = new Map<string, OperationHandler>();
  for (const handler of all) {
    if (byId.has(handler.operationId)) throw new Error(`two handlers for ${handler.operationId}`);
    byId.set(handler.operationId, handler);
  }
  return byId;
}

/** The implemented operations, by operationId (e.g. `issues/create`). */
export const HANDLERS: ReadonlyMap<string, OperationHandler> = registry();
