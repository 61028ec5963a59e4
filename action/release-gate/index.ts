// The release-gate action's bundle entry (dist/actions/release-gate.js): no logic here, main.ts reads the inputs and runs the stage.
import { runStageFromEnv } from '../stages/main.js';

await runStageFromEnv('release-gate');
