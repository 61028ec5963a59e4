/**
 * One composite action run on its own, outside any workflow and without an offline GitHub: the action's
 * steps through the runner's own step engine (inputs and their defaults, `if:`, env, the script files,
 * GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH / step summary, workflow commands, outputs), with its `uses:`
 * steps recorded instead of run. The packaging tests run our action.yml files this way against hostile
 * inputs (security checklist 22–23).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExprValue } from './expressions.js';
import { Masker } from './masker.js';
import { parseActionDocument } from './model.js';
import { runnerContext } from './context.js';
import { runActionAsStep } from './steps.js';
import type { JobRuntime, StepRecord } from './steps.js';

export interface CompositeHarness {
  /** GITHUB_ACTION_PATH: the folder holding the action.yml. */
  actionPath: string;
  /** RUNNER_TEMP. */
  runnerTemp: string;
  /** GITHUB_WORKSPACE, where the steps run. */
  workspace: string;
  /** Where the scripts and command files go. */
  scratch: string;
  /** The `github` context the action's expressions read (repository, token, event…). */
  github: Record<string, ExprValue>;
  /** Variables of the machine's environment besides PATH and HOME (e.g. GITHUB_API_URL). */
  env?: Record<string, string>;
}

export interface CompositeRun {
  /** The action as one step: its outcome and outputs; its own steps in `steps`. */
  action: StepRecord;
  /** The action's `run:` steps that ran, in order. */
  ran: StepRecord[];
  /** Ids of the action's `uses:` steps whose `if:` held (recorded, not run). */
  usesReached: string[];
}

/** Runs `action` (parsed action.yml) with the `with:` values `given`. Throws a WorkflowError for a file the runner refuses. */
export async function runComposite(
  action: unknown,
  given: Record<string, string>,
  harness: CompositeHarness,
): Promise<CompositeRun> {
  const spec = parseActionDocument(action, join(harness.actionPath, 'action.yml'));
  for (const folder of [harness.scratch, harness.runnerTemp, harness.workspace])
    mkdirSync(folder, { recursive: true });
  const never = new AbortController().signal;
  const runner = runnerContext(harness.runnerTemp, join(harness.runnerTemp, 'tool-cache'));
  const job: JobRuntime = {
    workspace: harness.workspace,
    temp: harness.runnerTemp,
    scratch: harness.scratch,
    machineEnv: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? harness.workspace,
      ...harness.env,
    },
    workflowEnv: {},
    jobEnv: {},
    runtimeEnv: {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: harness.workspace,
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: harness.runnerTemp,
    },
    contexts: { github: harness.github, runner },
    exportedEnv: {},
    pathPrepend: [],
    status: 'success',
    masker: new Masker(),
    signal: never,
    closeSignal: never,
    resolve: () => ({ kind: 'record' }),
    counter: 0,
  };
  const record = await runActionAsStep(job, { path: harness.actionPath, spec }, given);
  const reached = record.steps.filter((step) => step.outcome !== 'skipped');
  return {
    action: record,
    ran: reached.filter((step) => step.kind === 'run'),
    usesReached: reached.filter((step) => step.kind === 'uses').map((step) => step.id),
  };
}
