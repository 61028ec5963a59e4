/**
 * The `ai-orchestrator` command line. Each command lives in its own module and takes its arguments and a
 * CliIO, so tests run the same code the binary runs. The exit code is set, not forced, so output flushes.
 */
import { processIO, EXIT } from './io.js';
import type { CliIO } from './io.js';
import { contextCommand, CONTEXT_USAGE } from './context.js';
import { demoCommand, DEMO_USAGE } from './demo.js';
import { gateCommand, GATE_USAGE } from './gate.js';
import { policyCommand, POLICY_USAGE } from './policy.js';
import { stageCommand, STAGE_USAGE } from './stage.js';

const USAGE = `ai-orchestrator: AI agents plan, implement, test, review and deliver code under human control.

${POLICY_USAGE}

${GATE_USAGE}

${CONTEXT_USAGE}

${DEMO_USAGE}

${STAGE_USAGE}`;

type Command = (args: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  policy: policyCommand,
  gate: gateCommand,
  context: contextCommand,
  demo: demoCommand,
  stage: stageCommand,
};

/** Runs one command line (without the node and script paths) and returns its exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${USAGE}`);
    return EXIT.badInput;
  }
  return command(args, io);
}
