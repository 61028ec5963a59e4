// The plan action's bundle entry (dist/actions/plan.js): no logic here, main.ts reads the inputs and runs the stage.
import { runStageFromEnv } from '../stages/main.js';

await runStageFromEnv('plan');
