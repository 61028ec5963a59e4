/**
 * The local runner: runs our workflow file and our action.yml files on this host against the offline
 * GitHub, for tests and the demo (never production). See README.md.
 */
export { startRunner } from './runner.js';
export type { DispatchOptions, LocalRunner, RunnerOptions, WorkflowRegistration } from './runner.js';
export { formatRun } from './records.js';
export type { JobRecord, JobResult, RunConclusion, RunRecord } from './records.js';
export type { Outcome, StepRecord } from './steps.js';
export type { Annotation } from './workflow-commands.js';
export { runComposite } from './composite.js';
export { parseCommandFile, parsePathFile } from './command-files.js';
export type { CommandFile } from './command-files.js';
export type { CompositeHarness, CompositeRun } from './composite.js';
export { parseAction, parseActionDocument, parseWorkflow, WorkflowError } from './model.js';
export type { ActionSpec, JobSpec, StepSpec, WorkflowSpec } from './model.js';
export { ExpressionError } from './expressions.js';
export { BUILTIN_ACTIONS } from './builtins/index.js';
