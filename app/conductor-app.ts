/**
 * The conductor as the app's handlers: built on the open store, reporting to the app's metrics, its
 * heartbeat switched by `HEARTBEAT` and the dashboard issues by `DASHBOARD_ISSUE`; it gives the web
 * dashboard the heartbeat's last beat and the kill switch; it is closed on stop by stopping the heartbeat
 * and waiting for the outbox drains in flight.
 */
import { defaultPolicy } from '../core/policy.js';
import { conductor } from './conductor/index.js';
import type { AppFactory } from './start.js';

export const conductorApp: AppFactory = ({ store, config, metrics }) => {
  const loaded = conductor({
    store,
    heartbeat: { enabled: config.heartbeat },
    observer: metrics.conductorObserver(),
    dashboardIssue: config.dashboardIssue,
  });
  return Object.assign(loaded, {
    close: async () => {
      loaded.stop();
      await loaded.idle();
    },
    operations: {
      heartbeat: () => ({
        enabled: config.heartbeat,
        intervalMinutes: defaultPolicy().heartbeat.interval_minutes,
        last: loaded.lastBeat() ?? null,
      }),
      setPaused: (repository: string, paused: boolean, actor: string) =>
        loaded.setPaused(repository, paused, actor),
    },
  });
};
