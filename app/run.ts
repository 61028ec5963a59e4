/**
 * What `npm start` does, given the app's handlers: read the configuration (or say exactly what is missing),
 * start the app, say where it listens, and stop it cleanly on SIGTERM or SIGINT.
 */
import { ConfigError, INSTALL_HELP, loadConfig } from './config.js';
import { startApp } from './start.js';
import type { AppFactory, RunningApp } from './start.js';
import { WEBHOOK_PATH } from './server/server.js';

/** The process around the app; `processIO` is the real one, tests pass their own. */
export interface ProcessIO {
  env: Readonly<Record<string, string | undefined>>;
  /** Writes a line for the operator (before a logger exists). */
  error(line: string): void;
  /** Calls `handler` when the process receives `signal`. */
  onSignal(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  /** Ends the process with `code`. */
  exit(code: number): void;
}

export const processIO: ProcessIO = {
  env: process.env,
  error: (line) => process.stderr.write(`${line}\n`),
  onSignal: (signal, handler) => process.on(signal, handler),
  exit: (code) => process.exit(code),
};

/**
 * Runs the app with `app`'s handlers. Resolves with the running app once it listens, or with undefined
 * after reporting why it could not start (then `io.exit(1)` has been called). The first SIGTERM or SIGINT
 * stops it (see `RunningApp.stop`) and exits 0; a second one exits 1 at once.
 */
export async function run(app: AppFactory, io: ProcessIO = processIO): Promise<RunningApp | undefined> {
  let config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.error('ai-orchestrator cannot start; fix these environment variables:');
    for (const problem of error.problems) io.error(`  - ${problem}`);
    io.error(`How to register the App and get these values: ${INSTALL_HELP}.`);
    io.exit(1);
    return undefined;
  }
  let running: RunningApp;
  try {
    running = await startApp({ config, app, env: io.env });
  } catch (error) {
    io.error(`ai-orchestrator could not start: ${error instanceof Error ? error.message : String(error)}`);
    io.exit(1);
    return undefined;
  }
  const { log } = running.probot;
  log.info(
    { url: running.url.href, store: running.store.engine },
    `listening on ${running.url.origin}; GitHub webhooks go to ${new URL(WEBHOOK_PATH, running.url).href}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting`);
      io.exit(1);
      return;
    }
    stopping = true;
    log.info(`${signal}: stopping (finishing the deliveries in progress)`);
    running.stop().then(
      () => {
        log.info('stopped');
        io.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'stopping failed');
        io.exit(1);
      },
    );
  };
  io.onSignal('SIGTERM', () => stop('SIGTERM'));
  io.onSignal('SIGINT', () => stop('SIGINT'));
  return running;
}
