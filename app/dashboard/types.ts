/**
 * What the web dashboard needs from the running app beyond the store: the heartbeat's last beat (kept in
 * the process that ran it) and the kill switch (the conductor's pause path).
 */
import type { BeatReport } from '../heartbeat/report.js';

export interface HeartbeatStatus {
  /** Whether this process beats on a timer (`HEARTBEAT=on`). */
  enabled: boolean;
  intervalMinutes: number;
  /** The last beat this process ran, or null before the first. */
  last: { startedAt: string; finishedAt: string; report: BeatReport } | null;
}

export interface AppOperations {
  heartbeat(): HeartbeatStatus;
  /**
   * Pauses or resumes a repository through the conductor's pause path (stored and audited with `actor`,
   * the dashboard issue updated, held-back work resumed); resolves whether it was paused before.
   */
  setPaused(repository: string, paused: boolean, actor: string): Promise<{ was: boolean }>;
}
