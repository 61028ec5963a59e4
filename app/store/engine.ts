/**
 * The engine contract: the few operations the store needs from a database, shared by embedded PGlite and
 * a Postgres server, so every query in the store is written once, in one SQL dialect.
 */

/** A result row as the driver returns it; `rows.ts` turns columns into typed values. */
export type Row = Record<string, unknown>;

/** Something that runs SQL: the engine itself, or an open transaction on it. */
export interface Queryable {
  /**
   * Runs one SQL statement with `$1`-style parameters and returns its rows (none for a statement without
   * `RETURNING`). Parameters are strings, numbers, booleans, null or arrays of strings; JSON goes in as a
   * string cast with `::jsonb`, because the two drivers serialise objects and arrays differently.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs `fn` atomically: everything it does through `tx` commits together, or nothing does when it throws
   * (the error is rethrown). Called on a transaction, it opens a savepoint inside it, so a caught failure
   * of the inner part leaves the outer transaction usable. Inside `fn`, use only `tx`: on PGlite the
   * engine is single-connection, and a query on the engine itself would wait for this transaction forever.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** A database connection (PGlite instance or Postgres pool). */
export interface Engine extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** The schema every table lives in, or null for the connection's default search path. */
  readonly schema: string | null;
  /** Releases the database (closes PGlite, ending the pool); the engine can't be used afterwards. */
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name and returns it. Only plain lower-case identifiers are accepted, because the name is
 * spliced into `SET search_path` and `CREATE SCHEMA`, where parameters can't be used.
 */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`invalid schema name ${JSON.stringify(schema)}: expected [a-z_][a-z0-9_]*`);
  }
  return schema;
}

/**
 * Wraps an open transaction's statement runner as a `Queryable` whose own `transaction` opens a savepoint
 * (released on success; rolled back to, with the error rethrown, on failure). Both engines use it, so
 * nesting behaves the same on each.
 */
export function transactionHandle(
  run: (sql: string, params?: readonly unknown[]) => Promise<Row[]>,
): Queryable {
  // Savepoint names only need to be unique within the transaction.
  let savepoints = 0;
  const handle: Queryable = {
    query: run,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const name = `store_savepoint_${++savepoints}`;
      await run(`SAVEPOINT ${name}`);
      let result: T;
      try {
        result = await fn(handle);
      } catch (error) {
        await run(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
      await run(`RELEASE SAVEPOINT ${name}`);
      return result;
    },
  };
  return handle;
}
