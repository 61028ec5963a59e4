/**
 * What the runner keeps of each run for tests and debugging: its jobs, their steps and every step's
 * output (masked), and a plain-text rendering of all of it.
 */
import type { Outcome, StepRecord } from './steps.js';

export type JobResult = Outcome;

export interface JobRecord {
  /** The job's id in the workflow. */
  id: string;
  /** As GitHub shows it: the job's name, and a matrix job's values in parentheses. */
  name: string;
  matrix: Record<string, string | number | boolean> | undefined;
  result: JobResult;
  steps: StepRecord[];
  /** The permissions the job's GITHUB_TOKEN was minted with; undefined for a job that did not start. */
  tokenPermissions: Record<string, string> | undefined;
  /** Why the job failed besides its steps (a timeout, an expression refused in its `if:` or `env:`). */
  error: string | undefined;
  durationMs: number;
}

export type RunConclusion = 'success' | 'failure' | 'cancelled';

export interface RunRecord {
  id: number;
  /** `owner/name`. */
  repository: string;
  /** The workflow file's path in the repository. */
  workflow: string;
  /** The run's title (`run-name:`). */
  title: string;
  /** The `inputs` context. */
  inputs: Record<string, string>;
  /** `waiting` while another run of its concurrency group runs. */
  status: 'queued' | 'waiting' | 'in_progress' | 'completed';
  conclusion: RunConclusion | null;
  jobs: JobRecord[];
  /** A failure of the runner itself for this run (e.g. the offline GitHub refused to complete it). */
  error: string | undefined;
  durationMs: number;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .filter((line, index, lines) => line !== '' || index < lines.length - 1)
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function formatStep(step: StepRecord, prefix: string): string[] {
  const lines = [
    `${prefix}${step.name} [${step.id}]: ${step.outcome}${step.exitCode === null ? '' : ` (exit ${step.exitCode})`}`,
  ];
  if (step.stdout !== '') lines.push(indent(step.stdout, `${prefix}  | `));
  if (step.stderr !== '') lines.push(indent(step.stderr, `${prefix}  ! `));
  for (const annotation of step.annotations)
    lines.push(`${prefix}  ${annotation.level}: ${annotation.message}`);
  for (const child of step.steps) lines.push(...formatStep(child, `${prefix}    `));
  return lines;
}

/** The whole run as text: one block per job, each step with its output (stdout `|`, stderr `!`). */
export function formatRun(run: RunRecord): string {
  const lines = [
    `run ${run.id} ${run.repository} ${run.workflow} "${run.title}": ${run.status}${run.conclusion === null ? '' : ` (${run.conclusion})`}`,
  ];
  if (run.error !== undefined) lines.push(`  error: ${run.error}`);
  for (const job of run.jobs) {
    lines.push(`  job ${job.name}: ${job.result}`);
    if (job.error !== undefined) lines.push(`    error: ${job.error}`);
    for (const step of job.steps) lines.push(...formatStep(step, '    '));
  }
  return `${lines.join('\n')}\n`;
}
