/** The durable delivery inbox on embedded PGlite (in memory). */
import { pgliteHarness } from './harness.js';
import { pendingDeliveriesSuite } from './pending-deliveries-suite.js';

pendingDeliveriesSuite(pgliteHarness);
