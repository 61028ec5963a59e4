/**
 * How the shared store suite gets a database on each engine: PGlite in memory, or a fresh schema in the
 * Postgres named by TEST_DATABASE_URL (so concurrent test runs on one database never meet).
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../../app/store/engine.js';
import { IN_MEMORY, openPglite } from '../../../app/store/pglite.js';
import { openPostgres } from '../../../app/store/postgres.js';

export interface EngineHarness {
  name: string;
  /** A fresh, empty, not yet migrated database. */
  open(): Promise<Engine>;
  /** Closes the engine and removes whatever `open` created. */
  dispose(engine: Engine): Promise<void>;
}

export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

export const POSTGRES_SKIP_MESSAGE = 'Postgres store tests skipped: TEST_DATABASE_URL is not set';

/** A schema name no other run will pick. */
export function randomSchema(): string {
  return `store_test_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

export const pgliteHarness: EngineHarness = {
  name: 'PGlite (in memory)',
  open: () => openPglite({ dataDir: IN_MEMORY }),
  dispose: (engine) => engine.close(),
};

/** Drops a test schema (and everything in it) through any engine on the same database. */
export async function dropSchema(engine: Engine, schema: string): Promise<void> {
  await engine.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

export function postgresHarness(url: string): EngineHarness {
  return {
    name: 'Postgres',
    open: () => Promise.resolve(openPostgres({ url, schema: randomSchema() })),
    async dispose(engine) {
      try {
        if (engine.schema !== null) await dropSchema(engine, engine.schema);
      } finally {
        await engine.close();
      }
    },
  };
}
