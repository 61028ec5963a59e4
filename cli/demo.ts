/**
 * `ai-orchestrator demo`: the whole lifecycle of one issue on this machine (testbed/demo/run-demo.ts),
 * with no set-up and no network: an offline GitHub, the app, the local runner and recorded model replies,
 * or the live Anthropic API when ANTHROPIC_API_KEY is set.
 */
import { parseArgs } from 'node:util';
import { runDemo } from '../testbed/demo/run-demo.js';
import type { World } from '../testbed/demo/world.js';
import { EXIT, processIO } from './io.js';
import type { CliIO } from './io.js';

export const DEMO_USAGE = `Usage: ai-orchestrator demo [--offline] [--step-timeout <seconds>]

Runs one issue through the whole lifecycle on this machine: an offline GitHub with a sample repository,
the App with an embedded database, the workflow and actions run by a local runner. A maintainer labels the
issue; the demo approves the plan and the merge as that maintainer when the App asks for it. Prints a live
status table, then the pull request, the release gate's decision, the audit log and the cost ledger.

The model: with ANTHROPIC_API_KEY set, the live Anthropic API (it costs tokens); without it, or with
--offline, recorded transcripts replayed on a loopback fake. The output always says which.

  --offline               use the recorded transcripts even when ANTHROPIC_API_KEY is set
  --step-timeout <s>      longest wait for any step of the lifecycle (default 90)

Exit status: 0 the issue was merged and validated, 1 a step failed or timed out, 2 bad arguments.`;

/** Calls `out` once per complete line of the text written to it. */
function lineWriter(out: (line: string) => void): (text: string) => void {
  let pending = '';
  return (text) => {
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) out(line);
  };
}

export async function demoCommand(args: string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        offline: { type: 'boolean', default: false },
        'step-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${DEMO_USAGE}`);
    return EXIT.badInput;
  }
  if (values.help) {
    io.out(DEMO_USAGE);
    return EXIT.ok;
  }
  const timeout = values['step-timeout'] === undefined ? 90 : Number(values['step-timeout']);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    io.err(`--step-timeout expects a number of seconds, got ${JSON.stringify(values['step-timeout'])}`);
    return EXIT.badInput;
  }

  // Redrawing in place needs the real terminal; any other output (a pipe, CI, a test) gets plain lines.
  const real = io === processIO;
  const tty = real && process.stdout.isTTY === true;
  const write = tty ? (text: string) => void process.stdout.write(text) : lineWriter((line) => io.out(line));
  let world: World | undefined;
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.err(
      '\nInterrupted: stopping the servers and removing the temporary folders (Ctrl-C again to quit now).',
    );
    void world?.close().finally(() => process.exit(130));
  };
  if (real) process.on('SIGINT', onSignal);
  try {
    const apiKey = values.offline ? undefined : process.env.ANTHROPIC_API_KEY;
    const outcome = await runDemo({
      write,
      tty,
      width: tty ? Math.max(60, process.stdout.columns ?? 120) : 120,
      ...(apiKey === undefined || apiKey === '' ? {} : { apiKey }),
      stepTimeoutMs: timeout * 1000,
      onWorld: (started) => {
        world = started;
      },
    });
    return outcome.ok ? EXIT.ok : EXIT.failed;
  } finally {
    if (real) process.off('SIGINT', onSignal);
  }
}
