/**
 * The conductor as the app's handlers: built on the open store, its heartbeat switched by `HEARTBEAT`, and
 * closed on stop by stopping the heartbeat and waiting for the outbox drains in flight.
 */
import { conductor } from './conductor/index.js';
import type { AppFactory } from './start.js';

export const conductorApp: AppFactory = ({ store, config }) => {
  const loaded = conductor({ store, heartbeat: { enabled: config.heartbeat } });
  return Object.assign(loaded, {
    close: async () => {
      loaded.stop();
      await loaded.idle();
    },
  });
};
