/**
 * One workflow run, from in_progress to completed: jobs start when the jobs they need have finished, each
 * after its `if:` (GitHub's implicit `success()` when it names no status function: every needed job
 * succeeded), a matrix job as one job per combination (no fail-fast), all within the runner's job slots.
 * The run concludes failure when a job failed, cancelled when one was cancelled, success otherwise (jobs
 * skipped by their `if:` included), and the offline GitHub completes it, which sends
 * `workflow_run.completed` to the app.
 */
import { evaluateCondition } from './expressions.js';
import type { Condition, ExprValue } from './expressions.js';
import { jobName, runJob } from './job.js';
import type { Matrix, RunContext } from './job.js';
import type { JobSpec } from './model.js';
import type { JobRecord, JobResult, RunConclusion, RunRecord } from './records.js';
import type { JobSlots } from './scheduling.js';

const SUCCESS: Condition = { text: 'success()', node: { kind: 'call', name: 'success', args: [] } };

/** Every combination of a matrix, the first key varying slowest, as GitHub orders them. */
export function expandMatrix(matrix: JobSpec['matrix']): (Matrix | undefined)[] {
  if (matrix === undefined) return [undefined];
  let combinations: Matrix[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    combinations = combinations.flatMap((combination) =>
      values.map((value) => ({ ...combination, [key]: value })),
    );
  }
  return combinations;
}

/** A matrix job's result from its combinations': any failure, else any cancellation, else success. */
function combined(records: JobRecord[]): JobResult {
  if (records.some((record) => record.result === 'failure')) return 'failure';
  if (records.some((record) => record.result === 'cancelled')) return 'cancelled';
  if (records.some((record) => record.result === 'success')) return 'success';
  return 'skipped';
}

export function conclusionOf(results: JobResult[]): RunConclusion {
  if (results.includes('failure')) return 'failure';
  if (results.includes('cancelled')) return 'cancelled';
  return 'success';
}

function notStarted(job: JobSpec, result: JobResult, error: string | undefined): JobRecord {
  return {
    id: job.id,
    name: jobName(job, undefined),
    matrix: undefined,
    result,
    steps: [],
    tokenPermissions: undefined,
    error,
    durationMs: 0,
  };
}

/** Runs every job of the run and records them; returns the run's conclusion. */
export async function runJobs(ctx: RunContext, record: RunRecord, slots: JobSlots): Promise<RunConclusion> {
  const results = new Map<string, JobResult>();
  const pending = [...ctx.spec.jobs];
  const running = new Map<string, Promise<void>>();
  let index = 0;

  const start = (job: JobSpec) => {
    const needs = Object.fromEntries(
      job.needs.map((id): [string, ExprValue] => [id, { result: results.get(id) ?? null, outputs: {} }]),
    );
    let runs: boolean;
    try {
      runs = evaluateCondition(job.condition ?? SUCCESS, {
        contexts: { github: ctx.githubContext, needs, vars: ctx.vars, inputs: ctx.inputs },
        status: {
          success: () => !ctx.closeSignal.aborted && job.needs.every((id) => results.get(id) === 'success'),
          failure: () => job.needs.some((id) => results.get(id) === 'failure'),
          cancelled: () => ctx.closeSignal.aborted,
        },
      });
    } catch (error) {
      record.jobs.push(notStarted(job, 'failure', `jobs.${job.id}.if: ${(error as Error).message}`));
      results.set(job.id, 'failure');
      return;
    }
    if (!runs) {
      record.jobs.push(notStarted(job, 'skipped', undefined));
      results.set(job.id, 'skipped');
      return;
    }
    const combinations = expandMatrix(job.matrix);
    const done = Promise.all(
      combinations.map((matrix) => {
        const position = index++;
        return slots.run(() => runJob(ctx, job, matrix, needs, position));
      }),
    ).then((records) => {
      record.jobs.push(...records);
      results.set(job.id, combined(records));
      running.delete(job.id);
    });
    running.set(job.id, done);
  };

  for (;;) {
    let started = true;
    while (started) {
      started = false;
      for (const job of [...pending]) {
        if (!job.needs.every((id) => results.has(id))) continue;
        pending.splice(pending.indexOf(job), 1);
        start(job);
        started = true;
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return conclusionOf([...results.values()]);
}
