/**
 * A small app of the tests' own (not the conductor): it handles `issues.labeled` by calling GitHub as the
 * App (GET /app, through Probot's real Octokit and JWT), records each run, and can be told to take time or
 * to fail, or to wait until the test releases it. Closing it (when the app stops) is counted.
 */
import type { Probot } from 'probot';
import type { AppFactory } from '../../../app/start.js';

export interface Run {
  id: string;
  name: string;
  action: unknown;
  /** Where the run was in the order of all runs when it started and when it ended. */
  startedAt: number;
  endedAt: number | undefined;
}

export interface RecordingAppOptions {
  /** Time each run takes before it ends, in ms. */
  delayMs?: number;
  /** A run throws this message (after its GitHub call and delay). */
  failWith?: string;
  /** A run waits for this promise before it ends. */
  gate?: Promise<void>;
  /** Closing the app (when it stops) waits for this promise. */
  closeGate?: Promise<void>;
}

export interface RecordingApp {
  factory: AppFactory;
  runs: Run[];
  /** How many times the app was closed. */
  closes: () => number;
}

/** Builds the recording app; `runs` fills as deliveries are handled. */
export function recordingApp(options: RecordingAppOptions = {}): RecordingApp {
  const runs: Run[] = [];
  let clock = 0;
  let closes = 0;
  const close = async () => {
    closes += 1;
    await options.closeGate;
  };
  const factory: AppFactory = () =>
    Object.assign(
      (app: Probot) => {
        app.on('issues.labeled', async (context) => {
          const run: Run = {
            id: context.id,
            name: context.name,
            action: context.payload.action,
            startedAt: ++clock,
            endedAt: undefined,
          };
          runs.push(run);
          const octokit = await app.auth();
          await octokit.rest.apps.getAuthenticated();
          if (options.delayMs !== undefined) await new Promise((r) => setTimeout(r, options.delayMs));
          if (options.gate !== undefined) await options.gate;
          run.endedAt = ++clock;
          if (options.failWith !== undefined) throw new Error(options.failWith);
        });
      },
      { close },
    );
  return { factory, runs, closes: () => closes };
}
