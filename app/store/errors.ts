/**
 * The store's own errors: the outcomes a caller is expected to handle, each a distinct class so a handler
 * can tell "someone else moved this item first" from a broken database.
 */

/**
 * A work item was not at the version the caller read it at: another writer transitioned it first.
 * Nothing of the refused change was written; re-read the item and decide again.
 */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly itemId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`work item ${itemId} is at version ${actualVersion}, not ${expectedVersion}: it changed meanwhile`);
  }
}

/** A record the operation needs does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly what: string,
    readonly key: string,
  ) {
    super(`${what} ${key} not found`);
  }
}

/**
 * A dispatch to be completed is unknown or already completed: its run's result was already applied, so
 * applying it again would move the item twice.
 */
export class DispatchNotPendingError extends Error {
  override readonly name = 'DispatchNotPendingError';
  constructor(readonly runKey: string) {
    super(`dispatch ${runKey} is unknown or already completed`);
  }
}
