// Entry of the `ai-orchestrator` binary: no logic here, see main.ts.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ai-orchestrator: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
