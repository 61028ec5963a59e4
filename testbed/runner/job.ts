/**
 * One job (one matrix combination) of a run: a fresh folder laid out like a hosted runner's (workspace
 * `work/<repo>/<repo>`, RUNNER_TEMP, a HOME of its own so the developer's git and tool config stay out),
 * the event file, a GITHUB_TOKEN minted with the job's permissions, the job's contexts and environment,
 * its steps, and its `timeout-minutes` enforced by killing the running step.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubTestbed, Repository, Workflow, WorkflowRun } from '../github/index.js';
import { builtinAction } from './builtins/index.js';
import type { RunServices } from './builtins/index.js';
import { runnerContext, runtimeEnvironment } from './context.js';
import type { Context } from './context.js';
import { interpolate } from './expressions.js';
import type { ExprValue } from './expressions.js';
import { Masker } from './masker.js';
import type { JobSpec, WorkflowSpec } from './model.js';
import type { JobRecord } from './records.js';
import type { ActionResolver } from './resolve.js';
import { runJobSteps, StepFailure } from './steps.js';
import type { JobRuntime, ResolvedAction } from './steps.js';
import { DEFAULT_TOKEN_PERMISSIONS, mintJobToken } from './token.js';

/** Everything a run's jobs share. */
export interface RunContext {
  github: GitHubTestbed;
  repo: Repository;
  run: WorkflowRun;
  workflow: Workflow;
  spec: WorkflowSpec;
  inputs: Record<string, string>;
  /** The run-level `github` context (its `event` included). */
  githubContext: Context;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  /** Variables added to every step's machine environment (the runner's `env` option). */
  extraEnv: Record<string, string>;
  resolver: ActionResolver;
  gitUrl(owner: string, name: string): string;
  /** The run's folder; each job gets one inside. */
  runDir: string;
  keepWorkDirs: boolean;
  /** Aborted when the runner closes. */
  closeSignal: AbortSignal;
}

export type Matrix = Record<string, string | number | boolean>;

/** `review (security)`: the job's name and its matrix values, as GitHub names matrix jobs. */
export function jobName(job: JobSpec, matrix: Matrix | undefined): string {
  const base = job.name ?? job.id;
  return matrix === undefined ? base : `${base} (${Object.values(matrix).map(String).join(', ')})`;
}

function folderName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'job';
}

function resolver(ctx: RunContext): (uses: string, where: string) => ResolvedAction {
  const services: RunServices = { github: ctx.github, repo: ctx.repo, runId: ctx.run.id, gitUrl: ctx.gitUrl };
  return (uses, where) => {
    const target = ctx.resolver.lookup(uses, where);
    if (target.kind === 'composite') return target;
    const builtin = builtinAction(target.name);
    if (builtin === undefined) throw new StepFailure(`${where}: no equivalent of ${target.name}`);
    return { kind: 'builtin', name: target.name, run: (call) => builtin(call, services) };
  };
}

/** Runs one job; `needs` is its `needs` context. Never throws: a failure is the record's result. */
export async function runJob(
  ctx: RunContext,
  job: JobSpec,
  matrix: Matrix | undefined,
  needs: Context,
  index: number,
): Promise<JobRecord> {
  const name = jobName(job, matrix);
  const record: JobRecord = {
    id: job.id,
    name,
    matrix,
    result: 'failure',
    steps: [],
    tokenPermissions: undefined,
    error: undefined,
    durationMs: 0,
  };
  const started = performance.now();
  const dir = join(ctx.runDir, `${index}-${folderName(name)}`);
  const timeout = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const workspace = join(dir, 'work', ctx.repo.name, ctx.repo.name);
    const temp = join(dir, 'temp');
    const home = join(dir, 'home');
    const toolCache = join(dir, 'tool-cache');
    const scratch = join(dir, 'scratch');
    for (const folder of [workspace, temp, home, toolCache, scratch]) mkdirSync(folder, { recursive: true });
    const eventPath = join(dir, 'event.json');
    writeFileSync(eventPath, `${JSON.stringify(ctx.githubContext.event, null, 2)}\n`);

    const permissions = job.permissions ?? ctx.spec.permissions ?? DEFAULT_TOKEN_PERMISSIONS;
    const token = mintJobToken(ctx.github.state, ctx.repo, permissions);
    record.tokenPermissions = { ...token.permissions };
    const masker = new Masker();
    for (const value of Object.values(ctx.secrets)) masker.addSecret(value);
    masker.addSecret(token.token);

    const github: Context = {
      ...ctx.githubContext,
      job: job.id,
      token: token.token,
      workspace,
      event_path: eventPath,
    };
    const runner = runnerContext(temp, toolCache);
    const contexts: JobRuntime['contexts'] = {
      github,
      inputs: ctx.inputs,
      vars: ctx.vars,
      secrets: { ...ctx.secrets, GITHUB_TOKEN: token.token },
      runner,
      needs,
      ...(matrix === undefined ? {} : { matrix: matrix as { [key: string]: ExprValue } }),
    };
    const evaluateEnv = (values: Record<string, string>, names: (keyof typeof contexts)[]) => {
      const scoped = Object.fromEntries(names.map((key) => [key, contexts[key] ?? null]));
      return Object.fromEntries(
        Object.entries(values).map(([key, value]) => [key, interpolate(value, { contexts: scoped })]),
      );
    };
    const runtime: JobRuntime = {
      workspace,
      temp,
      scratch,
      machineEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...ctx.extraEnv },
      workflowEnv: evaluateEnv(ctx.spec.env, ['github', 'secrets', 'inputs', 'vars']),
      jobEnv: evaluateEnv(job.env, ['github', 'needs', 'matrix', 'vars', 'secrets', 'inputs']),
      runtimeEnv: runtimeEnvironment(github, runner),
      contexts,
      exportedEnv: {},
      pathPrepend: [],
      status: 'success',
      masker,
      signal: AbortSignal.any([timeout.signal, ctx.closeSignal]),
      closeSignal: ctx.closeSignal,
      resolve: resolver(ctx),
      counter: 0,
    };
    let timedOut = false;
    timer = setTimeout(() => {
      timedOut = true;
      runtime.status = 'cancelled';
      timeout.abort();
      // The step that was running is killed; `always()` steps after it still run, as on GitHub,
      // stopped only if the runner closes.
      runtime.signal = ctx.closeSignal;
    }, job.timeoutMinutes * 60_000);
    record.steps = await runJobSteps(runtime, ctx.inputs, job.steps);
    if (ctx.closeSignal.aborted) {
      record.result = 'cancelled';
      record.error = 'The runner closed while the job was running.';
    } else if (timedOut) {
      record.result = 'failure';
      record.error = `The job running on runner local-runner has exceeded the maximum execution time of ${job.timeoutMinutes} minutes.`;
    } else {
      record.result = runtime.status === 'success' ? 'success' : 'failure';
    }
  } catch (error) {
    // The job could not even start its steps (an expression refused in `env:`, a folder it can't make).
    if (!(error instanceof Error)) throw error;
    record.result = 'failure';
    record.error = error.message;
  } finally {
    clearTimeout(timer);
    record.durationMs = performance.now() - started;
    if (!ctx.keepWorkDirs) rmSync(dir, { recursive: true, force: true });
  }
  return record;
}
