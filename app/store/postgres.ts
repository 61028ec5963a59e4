/**
 * The server engine: a pg connection pool on a Postgres database, for deployments with `DATABASE_URL`
 * (several app replicas can share one database).
 */
import { Pool } from 'pg';
import { checkSchemaName, transactionHandle } from './engine.js';
import type { Engine, Queryable, Row } from './engine.js';

export interface PostgresOptions {
  /** A `postgres://` connection string. */
  url: string;
  /**
   * A schema to put every table in (see `checkSchemaName`), set as each connection's `search_path`; tests
   * use a fresh one per run so runs sharing a database never see each other. Absent: the server's default.
   */
  schema?: string;
  /** The most connections the pool opens at once; pg's default (10) when absent. */
  maxConnections?: number;
}

/**
 * Creates a pool on the database and returns it as an engine. No connection is made until the first query,
 * so a wrong URL surfaces on first use (the migrations, when opened through `openStore`).
 */
export function openPostgres(options: PostgresOptions): Engine {
  const schema = options.schema === undefined ? null : checkSchemaName(options.schema);
  const pool = new Pool({
    connectionString: options.url,
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  // pg drops an idle connection that fails and opens a new one for the next query; without a listener
  // the pool's 'error' event would crash the process. A real outage still surfaces as a query error.
  pool.on('error', () => undefined);
  const run = async (sql: string, params?: readonly unknown[]): Promise<Row[]> =>
    (await pool.query<Row>(sql, params === undefined ? undefined : [...params])).rows;
  return {
    kind: 'postgres',
    schema,
    query: run,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(
          transactionHandle(
            async (sql, params) =>
              (await client.query<Row>(sql, params === undefined ? undefined : [...params])).rows,
          ),
        );
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // A connection that can't even roll back must not go back to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
