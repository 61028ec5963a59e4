/**
 * One entry for every stage: the inputs of any stage (the union of the action's inputs, parsed), checked
 * for what the named stage needs, handed to its `run<Stage>Stage`. The action (main.ts) and the CLI
 * (cli/stage.ts) both call {@link runStage}, so a stage run locally is the stage the workflow runs.
 */
import type { StageResult } from '../../core/results.js';
import type { ReviewerRole, Stage } from '../../core/roles.js';
import { runImplementStage } from './implement.js';
import { runPlanStage } from './plan.js';
import { runReleaseGateStage } from './release-gate.js';
import { StageRun } from './result.js';
import { runReviewStage } from './review.js';
import type { StageContext } from './context.js';
import type { GitRemote, RunIdentity, StageDeps, Workplace } from './types.js';
import { runValidateStage } from './validate.js';

/** Everything any stage may be given; {@link runStage} passes each stage what it takes. */
export interface StageInputs extends RunIdentity, Workplace, GitRemote {
  context: StageContext;
  pr?: number;
  /** The reviewer role (review only). */
  role?: ReviewerRole;
}

/**
 * Runs `stage`. A missing stage-specific input (review without `pr` or `role`, release-gate without `pr`)
 * is a failed result naming it, like every other failure.
 */
export async function runStage(stage: Stage, inputs: StageInputs, deps: StageDeps): Promise<StageResult> {
  const missing = (what: string) =>
    new StageRun(stage, inputs).failed(`the ${stage} stage needs the ${what} input`);
  switch (stage) {
    case 'plan':
      return runPlanStage(inputs, deps);
    case 'implement':
      return runImplementStage(inputs, deps);
    case 'review':
      if (inputs.pr === undefined) return missing('pr');
      if (inputs.role === undefined) return missing('role');
      return runReviewStage({ ...inputs, pr: inputs.pr, role: inputs.role }, deps);
    case 'release-gate':
      if (inputs.pr === undefined) return missing('pr');
      return runReleaseGateStage({ ...inputs, pr: inputs.pr }, deps);
    case 'validate':
      return runValidateStage(inputs, deps);
  }
}
