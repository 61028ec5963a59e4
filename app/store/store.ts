/**
 * The store: the app's whole persistent state behind one typed API, on either engine. `openStore` picks the
 * engine (Postgres when a database URL is given, else embedded PGlite in a data folder) and migrates it.
 */
import { AuditLog } from './audit.js';
import { Deliveries } from './deliveries.js';
import { Dispatches } from './dispatches.js';
import type { Engine, Queryable } from './engine.js';
import { Lessons } from './lessons.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { PendingDeliveries } from './pending-deliveries.js';
import { openPostgres } from './postgres.js';
import { Repositories } from './repositories.js';
import { applyTransition } from './transition.js';
import type { Transition, TransitionResult } from './transition.js';
import { UsageLedger } from './usage.js';
import { WorkItems } from './work-items.js';

/** The store's operations, grouped by table; the same on the store and inside a transaction. */
export interface StoreTables {
  readonly repositories: Repositories;
  readonly workItems: WorkItems;
  readonly deliveries: Deliveries;
  /** Payloads of acknowledged deliveries until they are handled (the durable webhook inbox). */
  readonly pendingDeliveries: PendingDeliveries;
  readonly dispatches: Dispatches;
  readonly audit: AuditLog;
  readonly usage: UsageLedger;
  readonly lessons: Lessons;
  /** See `applyTransition` in transition.ts: the item's update and its bookkeeping, atomically. */
  applyTransition(transition: Transition): Promise<TransitionResult>;
}

export interface Store extends StoreTables {
  /** Which engine it runs on. */
  readonly engine: Engine['kind'];
  /**
   * Runs `fn` in one transaction: everything done through `tx` commits together, or nothing does if `fn`
   * throws (the error is rethrown). Use `tx`, not the store, inside `fn` (see `Queryable.transaction`).
   */
  transaction<T>(fn: (tx: StoreTables) => Promise<T>): Promise<T>;
  /** Closes the engine; the store can't be used afterwards. */
  close(): Promise<void>;
}

function bindTables(db: Queryable): StoreTables {
  return {
    repositories: new Repositories(db),
    workItems: new WorkItems(db),
    deliveries: new Deliveries(db),
    pendingDeliveries: new PendingDeliveries(db),
    dispatches: new Dispatches(db),
    audit: new AuditLog(db),
    usage: new UsageLedger(db),
    lessons: new Lessons(db),
    applyTransition: (transition) => applyTransition(db, transition),
  };
}

/** A store over an engine whose schema is already migrated (see `migrate`); `openStore` does both. */
export function createStore(engine: Engine): Store {
  return {
    ...bindTables(engine),
    engine: engine.kind,
    transaction: (fn) => engine.transaction((tx) => fn(bindTables(tx))),
    close: () => engine.close(),
  };
}

export interface StoreOptions {
  /** A Postgres connection string; when set (non-empty), the store runs on that server. */
  databaseUrl?: string;
  /** PGlite's data folder when there is no `databaseUrl` (default `./.data`; `memory://` keeps it in memory). */
  dataDir?: string;
  /** A schema for every table, on either engine (tests use a fresh one per run). */
  schema?: string;
}

/** The data folder used when neither `dataDir` nor `DATA_DIR` says otherwise. */
export const DEFAULT_DATA_DIR = './.data';

/** Reads the store's options from the environment: `DATABASE_URL` and `DATA_DIR` (empty counts as unset). */
export function storeOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): StoreOptions {
  const options: StoreOptions = {};
  if (env.DATABASE_URL) options.databaseUrl = env.DATABASE_URL;
  if (env.DATA_DIR) options.dataDir = env.DATA_DIR;
  return options;
}

/**
 * Opens the store: Postgres when `databaseUrl` is set, else PGlite under `dataDir` (default `./.data`),
 * then applies pending migrations. If migrating fails, the engine is closed and the error rethrown.
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const schema = options.schema === undefined ? {} : { schema: options.schema };
  const engine = options.databaseUrl
    ? openPostgres({ url: options.databaseUrl, ...schema })
    : await openPglite({ dataDir: options.dataDir ?? DEFAULT_DATA_DIR, ...schema });
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return createStore(engine);
}
