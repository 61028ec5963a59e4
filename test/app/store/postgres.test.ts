/**
 * The store on a real Postgres (TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test): the shared
 * suite in a schema of its own, a second app instance on the same database, and replicas migrating at once.
 * Without TEST_DATABASE_URL the tests are skipped, with a message saying so.
 */
import { describe, expect, it } from '@jest/globals';
import { openStore } from '../../../app/store/index.js';
import { MIGRATIONS } from '../../../app/store/migrations.js';
import { openPostgres } from '../../../app/store/postgres.js';
import { dropSchema, POSTGRES_SKIP_MESSAGE, POSTGRES_URL, postgresHarness, randomSchema } from './harness.js';
import { storeSuite } from './suite.js';

if (POSTGRES_URL === undefined || POSTGRES_URL === '') {
  console.warn(POSTGRES_SKIP_MESSAGE);
  describe.skip(POSTGRES_SKIP_MESSAGE, () => {
    storeSuite(postgresHarness(''));
  });
} else {
  const url = POSTGRES_URL;
  storeSuite(postgresHarness(url));

  describe('store on Postgres, several app instances', () => {
    it('lets replicas that start at once migrate once between them, then share the data', async () => {
      const schema = randomSchema();
      const admin = openPostgres({ url });
      try {
        const replicas = await Promise.all(
          Array.from({ length: 4 }, () => openStore({ databaseUrl: url, schema })),
        );
        try {
          expect(replicas.every((store) => store.engine === 'postgres')).toBe(true);
          const recorded = await admin.query(
            `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
          );
          expect(recorded.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));

          const [first, second] = replicas;
          if (first === undefined || second === undefined) throw new Error('replicas missing');
          const { item } = await first.workItems.create({
            repository: 'octo/replicas',
            issueNumber: 1,
            kind: 'issue',
            state: 'planning',
            data: {},
          });
          expect(await second.workItems.get(item.id)).toEqual(item);
          const claims = await Promise.all(
            replicas.map((store) => store.deliveries.record('same-delivery', 'issues', 'labeled')),
          );
          expect(claims.filter((claim) => claim === 'new')).toHaveLength(1);
        } finally {
          await Promise.all(replicas.map((store) => store.close()));
        }
        // Opening again later (a restart) finds the schema up to date and the data in place.
        const restarted = await openStore({ databaseUrl: url, schema });
        try {
          expect(await restarted.workItems.getByIssue('octo/replicas', 1)).toMatchObject({
            state: 'planning',
          });
        } finally {
          await restarted.close();
        }
      } finally {
        await dropSchema(admin, schema);
        await admin.close();
      }
    }, 60_000);
  });
}

describe('store on Postgres, unreachable', () => {
  // Needs no server: opening must fail at once with the cause, not at the first handler that queries.
  it('fails to open on an unreachable server, with the connection error', async () => {
    await expect(
      openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', schema: randomSchema() }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
