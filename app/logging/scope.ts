/**
 * The log scope: what a log line is about (the delivery being handled, the work item, the run), carried
 * along the asynchronous calls of one piece of work, so every line logged while handling a delivery names
 * it without each function passing a logger down. A nested scope adds to the one around it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogScope {
  /** The `X-GitHub-Delivery` id of the delivery being handled. */
  delivery?: string;
  /** Its event and action, e.g. `issues.labeled`. */
  event?: string;
  /** `owner/name`. */
  repository?: string;
  /** The work item's id. */
  item?: string;
  /** The dispatch's run key and the workflow run's id. */
  run_key?: string;
  run_id?: number;
  /** One heartbeat (its start time), for the lines the reconciler logs. */
  heartbeat?: string;
}

const storage = new AsyncLocalStorage<Readonly<LogScope>>();

/** The scope of the code running now (empty outside any). */
export function logScope(): Readonly<LogScope> {
  return storage.getStore() ?? {};
}

/** The scope of handling one webhook delivery (as Probot hands it to a handler). */
export function deliveryScope(context: { id: string; name: string; payload: unknown }): LogScope {
  const payload = context.payload as { action?: unknown; repository?: { full_name?: unknown } } | null;
  const action = payload?.action;
  const repository = payload?.repository?.full_name;
  return {
    delivery: context.id,
    event: typeof action === 'string' ? `${context.name}.${action}` : context.name,
    ...(typeof repository === 'string' ? { repository } : {}),
  };
}

/** Runs `fn` with `fields` added to the current scope (fields given as undefined are left out). */
export function withLogScope<T>(fields: LogScope, fn: () => T): T {
  const added = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return storage.run({ ...logScope(), ...added }, fn);
}
