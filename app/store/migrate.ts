/**
 * Brings a database's schema up to date at start-up: the pending migrations run in order, in one
 * transaction, each recorded in `schema_migrations`. Safe when several app replicas start at once on one
 * Postgres: a transaction-scoped advisory lock makes them take turns, and the later ones find nothing to do.
 */
import type { Engine } from './engine.js';
import { MIGRATIONS } from './migrations.js';
import type { Migration } from './migrations.js';
import { integer, text } from './rows.js';

/** Refuses a list that is not numbered 1, 2, 3 … (a gap or a reordering would apply migrations wrongly). */
function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration number ${migration.version} at position ${index + 1}: expected ${index + 1}`,
      );
    }
  });
}

/**
 * Applies the migrations not yet recorded in the engine's database (or schema, which it creates if
 * missing) and returns the versions it applied, in order; none when the database is up to date.
 * All-or-nothing: if a statement fails, no migration of this call is recorded or kept, and the error is
 * rethrown. A migration recorded under another name than the one in `migrations` means the database and
 * this code disagree about history, and is refused. Versions beyond the list (a newer release migrated
 * this database) are left alone, so a rollback to this release can still start.
 */
export async function migrate(
  engine: Engine,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  checkNumbering(migrations);
  return engine.transaction(async (tx) => {
    // Keyed by schema, so test runs in separate schemas of one database don't wait for each other.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `ai-orchestrator:migrate:${engine.schema ?? ''}`,
    ]);
    if (engine.schema !== null) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${engine.schema}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const recorded = new Map<number, string>();
    for (const row of await tx.query('SELECT version, name FROM schema_migrations')) {
      recorded.set(integer(row, 'version'), text(row, 'name'));
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      const name = recorded.get(migration.version);
      if (name !== undefined) {
        if (name !== migration.name) {
          throw new Error(
            `migration ${migration.version} is recorded as "${name}" but this release calls it "${migration.name}"`,
          );
        }
        continue;
      }
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
