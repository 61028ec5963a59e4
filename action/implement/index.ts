// The implement action's bundle entry (dist/actions/implement.js): no logic here, main.ts reads the inputs and runs the stage.
import { runStageFromEnv } from '../stages/main.js';

await runStageFromEnv('implement');
