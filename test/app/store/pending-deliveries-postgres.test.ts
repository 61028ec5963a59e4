/**
 * The durable delivery inbox on a real Postgres (TEST_DATABASE_URL), in a schema of its own. Without
 * TEST_DATABASE_URL the tests are skipped, with a message saying so.
 */
import { describe } from '@jest/globals';
import { POSTGRES_SKIP_MESSAGE, POSTGRES_URL, postgresHarness } from './harness.js';
import { pendingDeliveriesSuite } from './pending-deliveries-suite.js';

if (POSTGRES_URL === undefined || POSTGRES_URL === '') {
  console.warn(POSTGRES_SKIP_MESSAGE);
  describe.skip(POSTGRES_SKIP_MESSAGE, () => {
    pendingDeliveriesSuite(postgresHarness(''));
  });
} else {
  pendingDeliveriesSuite(postgresHarness(POSTGRES_URL));
}
