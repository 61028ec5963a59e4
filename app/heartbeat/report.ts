/** What one heartbeat did, for logs and tests. */
export interface BeatReport {
  /** Run keys dispatched again because their run never started. */
  redispatched: string[];
  /** Run keys failed: never started after the bounded re-dispatches, or stuck. */
  failed: string[];
  /** Run keys whose finished run was found on GitHub although its webhook never came. */
  ingested: string[];
  /** Pull requests reminded of a waiting `/approve`. */
  reminded: number[];
  /** Items whose leftover outbox (a crash, a pause) was carried out. */
  drained: string[];
  /** Repositories skipped, with why: paused, heartbeat disabled, invalid config, unknown installation. */
  skipped: { repository: string; why: string }[];
  /** Failures of single steps (the beat goes on with the others). */
  errors: string[];
}

export const emptyReport = (): BeatReport => ({
  redispatched: [],
  failed: [],
  ingested: [],
  reminded: [],
  drained: [],
  skipped: [],
  errors: [],
});
