/**
 * The embedded engine: PGlite (Postgres compiled to WebAssembly) in this process, with its data in a folder.
 * Zero set-up for a single app instance; several replicas need the Postgres engine instead, because a
 * PGlite data folder must be opened by one process at a time.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { checkSchemaName, transactionHandle } from './engine.js';
import type { Engine, Queryable, Row } from './engine.js';

/** The `dataDir` value that keeps the database in memory only (PGlite's own convention). */
export const IN_MEMORY = 'memory://';

export interface PgliteOptions {
  /** A folder for the data (created if missing), or `memory://` for a database that lives in memory only. */
  dataDir: string;
  /** A schema to put every table in (see `checkSchemaName`); absent: PGlite's default `public`. */
  schema?: string;
}

/**
 * Opens (creating it on first use) a PGlite database and returns it as an engine. A data folder opened
 * again later holds everything written before its engine was closed.
 */
export async function openPglite(options: PgliteOptions): Promise<Engine> {
  const schema = options.schema === undefined ? null : checkSchemaName(options.schema);
  let dataDir: string | undefined;
  if (options.dataDir !== IN_MEMORY) {
    dataDir = resolve(options.dataDir);
    // PGlite creates the data folder itself but not its parents (e.g. `DATA_DIR=./var/db`).
    await mkdir(dataDir, { recursive: true });
  }
  const db = await PGlite.create(dataDir);
  if (schema !== null) {
    // PGlite is a single session, so the search path set once holds for every later query. The schema
    // itself is created by the migrations, under their lock.
    await db.query(`SET search_path TO ${schema}`);
  }
  const run = async (sql: string, params?: readonly unknown[]): Promise<Row[]> =>
    (await db.query<Row>(sql, params === undefined ? undefined : [...params])).rows;
  return {
    kind: 'pglite',
    schema,
    query: run,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) =>
        fn(
          transactionHandle(
            async (sql, params) =>
              (await tx.query<Row>(sql, params === undefined ? undefined : [...params])).rows,
          ),
        ),
      );
    },
    close: () => db.close(),
  };
}
