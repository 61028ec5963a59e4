/**
 * Runs steps the way GitHub's runner does, for a job or inside a composite action: `if:` conditions
 * (with the implicit `success() &&`), `run:` scripts written to a file and run by bash in their own
 * process group, `uses:` steps (composite actions recursively, or this runner's equivalents of
 * third-party actions), the command files read after each step, workflow commands read from its output,
 * and the `steps` context the following steps see.
 *
 * Environment of a `run:` step, lowest first (as GitHub layers it): the machine's, the workflow's `env:`,
 * the job's `env:`, what earlier steps wrote to GITHUB_ENV, the `env:` of the composite action's caller,
 * the step's own `env:`, then the runner's GITHUB_* / RUNNER_* / CI variables, which nothing overrides;
 * GITHUB_PATH entries are prepended to PATH, the latest first.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandFile, parsePathFile } from './command-files.js';
import { evaluateCondition, ExpressionError, interpolate, lenient } from './expressions.js';
import type { ContextName, ExprValue, Scope } from './expressions.js';
import type { Masker } from './masker.js';
import { WorkflowError } from './model.js';
import type { ActionSpec, StepSpec } from './model.js';
import { CommandReader } from './workflow-commands.js';
import type { Annotation } from './workflow-commands.js';

export type Outcome = 'success' | 'failure' | 'cancelled' | 'skipped';

/** What one step did, kept for assertions and debugging. Text is masked. */
export interface StepRecord {
  id: string;
  name: string;
  kind: 'run' | 'uses';
  uses: string | undefined;
  outcome: Outcome;
  conclusion: Outcome;
  /** The script's exit status; null for a `uses:` step, a skipped step, or a killed process. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The names the step wrote to GITHUB_OUTPUT, in order, repeats included. */
  outputKeys: string[];
  /** What the step wrote to its command files, verbatim (masked). */
  files: { output: string; env: string; path: string; summary: string };
  annotations: Annotation[];
  /** Why the runner failed the step, when it was not the script's exit status. */
  error: string | undefined;
  /** A composite action's own steps. */
  steps: StepRecord[];
  durationMs: number;
}

/** A `uses:` target, resolved. */
export type ResolvedAction =
  | { kind: 'composite'; path: string; spec: ActionSpec }
  | { kind: 'builtin'; name: string; run: (call: BuiltinCall) => Promise<Record<string, string>> }
  /** Recorded, not run (the composite harness of the packaging tests). */
  | { kind: 'record' };

/** What an equivalent of a third-party action gets. */
export interface BuiltinCall {
  /** The `with:` values given (the builtin applies its own defaults and refuses unknown inputs). */
  inputs: Record<string, string>;
  job: JobRuntime;
  /** Appends a line to the step's log (masked on the way in). */
  log(line: string): void;
}

/** A builtin's refusal or failure: the step fails with this message. */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** The state of one job while its steps run. */
export interface JobRuntime {
  workspace: string;
  /** RUNNER_TEMP. */
  temp: string;
  /** Where scripts and command files go (outside RUNNER_TEMP, which belongs to the steps). */
  scratch: string;
  /** The machine's environment (PATH, HOME, and the runner's extra variables). */
  machineEnv: Record<string, string>;
  /** Workflow and job `env:`, evaluated when the job started. */
  workflowEnv: Record<string, string>;
  jobEnv: Record<string, string>;
  /** GITHUB_* / RUNNER_* / CI of this job (the per-step ones are added per step). */
  runtimeEnv: Record<string, string>;
  /** Contexts every step sees (github, inputs, vars, secrets, runner, matrix, needs); steps is per frame. */
  contexts: Partial<Record<ContextName, ExprValue>>;
  /** What steps wrote to GITHUB_ENV and GITHUB_PATH. */
  exportedEnv: Record<string, string>;
  pathPrepend: string[];
  status: 'success' | 'failure' | 'cancelled';
  masker: Masker;
  /** Aborted when the job times out or the runner closes: the running process is killed. */
  signal: AbortSignal;
  /** Aborted only when the runner closes: after a timeout, `always()` steps still run, as on GitHub. */
  closeSignal: AbortSignal;
  resolve(uses: string, where: string): ResolvedAction;
  /** Numbers the scratch files. */
  counter: number;
}

/** One level of steps: the job's, or a composite action's. */
interface Frame {
  kind: 'job' | 'composite';
  inputs: ExprValue;
  /** Step id → its context entry (null until it has run). */
  steps: { [id: string]: ExprValue };
  actionPath: string | undefined;
  /** A composite action's own status, which its steps' `success()` reads (`action_status`). */
  actionStatus: 'success' | 'failure';
  /** The calling `uses:` step's `env:`, seen by every step of the composite action. */
  inheritedEnv: Record<string, string>;
}

/** How long a killed step's process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2000;

function emptyRecord(spec: StepSpec): StepRecord {
  return {
    id: spec.id,
    name:
      spec.name ?? (spec.uses === undefined ? `Run ${(spec.run ?? '').split('\n')[0]}` : `Run ${spec.uses}`),
    kind: spec.uses === undefined ? 'run' : 'uses',
    uses: spec.uses,
    outcome: 'skipped',
    conclusion: 'skipped',
    exitCode: null,
    stdout: '',
    stderr: '',
    outputs: {},
    outputKeys: [],
    files: { output: '', env: '', path: '', summary: '' },
    annotations: [],
    error: undefined,
    steps: [],
    durationMs: 0,
  };
}

function scopeOf(job: JobRuntime, frame: Frame, step: StepSpec): Scope {
  const github = job.contexts.github as { [key: string]: ExprValue };
  const perStep = {
    ...github,
    action: step.id,
    ...(frame.actionPath === undefined ? {} : { action_path: frame.actionPath }),
  };
  const contexts: Scope['contexts'] =
    frame.kind === 'job'
      ? { ...job.contexts, github: perStep, inputs: frame.inputs, steps: frame.steps }
      : { github: perStep, runner: job.contexts.runner ?? null, inputs: frame.inputs, steps: frame.steps };
  const status =
    frame.kind === 'job'
      ? {
          success: () => job.status === 'success',
          failure: () => job.status === 'failure',
          cancelled: () => job.status === 'cancelled',
        }
      : {
          success: () => frame.actionStatus === 'success' && job.status !== 'cancelled',
          failure: () => frame.actionStatus === 'failure',
          cancelled: () => job.status === 'cancelled',
        };
  return { contexts, status };
}

function fail(record: StepRecord, message: string): void {
  record.outcome = 'failure';
  record.conclusion = 'failure';
  record.error = record.error === undefined ? message : `${record.error}\n${message}`;
  record.annotations.push({ level: 'error', message, properties: {} });
}

/** Splits a stream into lines, handing each complete one (and the rest at the end) to `onLine`. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        onLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    },
    end() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}

/** Kills a process group we started: SIGTERM, then SIGKILL if it is still there after the grace period. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, KILL_GRACE_MS).unref();
}

interface ProcessResult {
  exitCode: number | null;
  killed: boolean;
}

/** Runs `command` in its own process group, feeding each output line to `onLine`, until it exits. */
function runProcess(
  command: string[],
  options: { cwd: string; env: Record<string, string>; signal: AbortSignal },
  onLine: (stream: 'stdout' | 'stderr', line: string) => void,
): Promise<ProcessResult> {
  const [file, ...args] = command;
  if (file === undefined) throw new Error('an empty command');
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      resolve({ exitCode: null, killed: true });
      return;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let killed = false;
    const onAbort = () => {
      killed = true;
      if (child.pid !== undefined) killGroup(child.pid);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const out = lineSplitter((line) => onLine('stdout', line));
    const err = lineSplitter((line) => onLine('stderr', line));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
    child.on('error', (error) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      options.signal.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      resolve({ exitCode: code, killed });
    });
  });
}

/** The environment of a `run:` step. */
function stepEnvironment(
  job: JobRuntime,
  frame: Frame,
  stepEnv: Record<string, string>,
  perStep: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {
    ...job.machineEnv,
    ...job.workflowEnv,
    ...job.jobEnv,
    ...job.exportedEnv,
    ...frame.inheritedEnv,
    ...stepEnv,
    ...job.runtimeEnv,
    ...perStep,
  };
  if (job.pathPrepend.length > 0) {
    const base = env.PATH ?? '';
    env.PATH = [...job.pathPrepend].reverse().join(':') + (base === '' ? '' : `:${base}`);
  }
  return env;
}

function evaluateEnv(values: Record<string, string>, scope: Scope): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, interpolate(value, scope)]));
}

/** Applies a finished step's GITHUB_ENV and GITHUB_PATH to the job, as the runner does after each step. */
function applyEnvFile(job: JobRuntime, record: StepRecord, text: string): void {
  const parsed = parseCommandFile(text);
  for (const name of parsed.keys) {
    // The runner refuses NODE_OPTIONS from GITHUB_ENV (it would reach every later node process) with an
    // error annotation, and keeps the step's result.
    if (name.toUpperCase() === 'NODE_OPTIONS') {
      record.annotations.push({
        level: 'error',
        message: "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
        properties: {},
      });
      continue;
    }
    job.exportedEnv[name] = parsed.values[name] ?? '';
  }
}

async function runScript(job: JobRuntime, frame: Frame, spec: StepSpec, record: StepRecord): Promise<void> {
  const scope = scopeOf(job, frame, spec);
  const stepEnv = evaluateEnv(spec.env, scope);
  // Expressions in the script are substituted into its text before bash reads it, as on GitHub.
  const script = interpolate(spec.run ?? '', scope);
  job.counter++;
  const base = join(job.scratch, `${job.counter}-${spec.id}`);
  const files = {
    script: `${base}.sh`,
    output: `${base}.output`,
    env: `${base}.env`,
    path: `${base}.path`,
    summary: `${base}.summary.md`,
  };
  writeFileSync(files.script, script);
  for (const file of [files.output, files.env, files.path, files.summary]) writeFileSync(file, '');
  const env = stepEnvironment(job, frame, stepEnv, {
    GITHUB_ACTION: spec.id,
    ...(frame.actionPath === undefined ? {} : { GITHUB_ACTION_PATH: frame.actionPath }),
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
  });
  const reader = new CommandReader((value) => job.masker.add(value));
  const output = { stdout: [] as string[], stderr: [] as string[] };
  const result = await runProcess(
    (spec.shell ?? []).map((part) => (part === '{0}' ? files.script : part)),
    { cwd: job.workspace, env, signal: job.signal },
    (stream, line) => {
      reader.read(line);
      output[stream].push(job.masker.mask(line));
    },
  );
  record.stdout = output.stdout.map((line) => `${line}\n`).join('');
  record.stderr = output.stderr.map((line) => `${line}\n`).join('');
  record.exitCode = result.exitCode;
  record.annotations.push(...reader.effects.annotations);
  const read = (file: string) => readFileSync(file, 'utf8');
  record.files = {
    output: job.masker.mask(read(files.output)),
    env: job.masker.mask(read(files.env)),
    path: job.masker.mask(read(files.path)),
    summary: job.masker.mask(read(files.summary)),
  };
  record.outcome = result.exitCode === 0 && !result.killed ? 'success' : 'failure';
  if (result.killed) {
    record.error = 'The operation was canceled.';
  } else if (result.exitCode !== 0) {
    record.error = `Process completed with exit code ${result.exitCode ?? 'unknown'}.`;
  }
  for (const failure of reader.effects.failures) fail(record, failure);
  Object.assign(record.outputs, reader.effects.outputs);
  for (const [name, fileText, apply] of [
    [
      'output',
      read(files.output),
      (text: string) => {
        const parsed = parseCommandFile(text);
        record.outputKeys.push(...parsed.keys);
        Object.assign(record.outputs, parsed.values);
      },
    ],
    ['env', read(files.env), (text: string) => applyEnvFile(job, record, text)],
    ['path', read(files.path), (text: string) => job.pathPrepend.push(...parsePathFile(text))],
  ] as const) {
    try {
      apply(fileText);
    } catch (error) {
      fail(record, `Unable to process file command '${name}' successfully. ${(error as Error).message}`);
    }
  }
  record.conclusion = record.outcome;
}

async function runUses(job: JobRuntime, frame: Frame, spec: StepSpec, record: StepRecord): Promise<void> {
  const scope = scopeOf(job, frame, spec);
  const action = job.resolve(spec.uses ?? '', spec.where);
  const inputs = Object.fromEntries(
    Object.entries(spec.with).map(([key, value]) => [key, interpolate(value, scope)]),
  );
  if (action.kind === 'record') {
    record.outcome = 'success';
  } else if (action.kind === 'builtin') {
    const lines: string[] = [];
    try {
      Object.assign(
        record.outputs,
        await action.run({ inputs, job, log: (line) => lines.push(job.masker.mask(line)) }),
      );
      record.outcome = 'success';
    } catch (error) {
      if (!(error instanceof StepFailure || error instanceof ExpressionError)) throw error;
      fail(record, error.message);
    }
    record.stdout = lines.map((line) => `${line}\n`).join('');
  } else {
    await runComposite(job, frame, spec, record, action.path, action.spec, inputs, scope);
  }
  if (record.outcome === 'success') record.outputKeys = Object.keys(record.outputs);
  record.conclusion = record.outcome;
}

async function runComposite(
  job: JobRuntime,
  caller: Frame,
  spec: StepSpec,
  record: StepRecord,
  path: string,
  action: ActionSpec,
  given: Record<string, string>,
  callerScope: Scope,
): Promise<void> {
  const declared = new Set(action.inputs.map((input) => input.name.toLowerCase()));
  const unexpected = Object.keys(given).filter((name) => !declared.has(name.toLowerCase()));
  if (unexpected.length > 0) {
    fail(
      record,
      `Unexpected input(s) ${unexpected.map((name) => `'${name}'`).join(', ')} for ${action.file}`,
    );
    return;
  }
  const defaultsScope: Scope = {
    contexts: { github: callerScope.contexts.github ?? null, runner: job.contexts.runner ?? null },
  };
  const inputs: { [key: string]: ExprValue } = {};
  for (const input of action.inputs) {
    const key = Object.keys(given).find((name) => name.toLowerCase() === input.name.toLowerCase());
    inputs[input.name] =
      key !== undefined
        ? (given[key] ?? '')
        : input.default === undefined
          ? ''
          : interpolate(input.default, defaultsScope);
  }
  const frame: Frame = {
    kind: 'composite',
    inputs,
    steps: declaredSteps(action.steps),
    actionPath: path,
    actionStatus: 'success',
    inheritedEnv: { ...caller.inheritedEnv, ...evaluateEnv(spec.env, callerScope) },
  };
  record.steps = await runFrame(job, frame, action.steps);
  record.outcome = frame.actionStatus === 'success' ? 'success' : 'failure';
  const outputScope: Scope = {
    contexts: {
      github: { ...(job.contexts.github as { [key: string]: ExprValue }), action_path: path },
      runner: job.contexts.runner ?? null,
      inputs,
      steps: frame.steps,
    },
  };
  for (const output of action.outputs) {
    try {
      record.outputs[output.name] = interpolate(output.value, outputScope);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      fail(record, `outputs.${output.name}: ${error.message}`);
    }
  }
}

/** The `steps` context before any step ran: every explicit id, null. */
function declaredSteps(steps: StepSpec[]): { [id: string]: ExprValue } {
  return Object.fromEntries(steps.filter((step) => step.explicitId).map((step) => [step.id, null]));
}

async function runStep(job: JobRuntime, frame: Frame, spec: StepSpec): Promise<StepRecord> {
  const record = emptyRecord(spec);
  const started = performance.now();
  try {
    if (job.closeSignal.aborted) return record;
    const condition = spec.condition ?? {
      text: 'success()',
      node: { kind: 'call' as const, name: 'success', args: [] },
    };
    if (!evaluateCondition(condition, scopeOf(job, frame, spec))) return record;
    if (spec.uses === undefined) await runScript(job, frame, spec, record);
    else await runUses(job, frame, spec, record);
  } catch (error) {
    // An expression or action the runner refuses, or a file it can't write, fails the step loudly with
    // the reason; anything else is a bug of the runner and propagates.
    const refused =
      error instanceof ExpressionError ||
      error instanceof StepFailure ||
      error instanceof WorkflowError ||
      isSystemError(error);
    if (!refused) throw error;
    fail(record, (error as Error).message);
  } finally {
    record.durationMs = performance.now() - started;
  }
  return record;
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** Runs a frame's steps in order; the frame's and the job's status follow their outcomes. */
async function runFrame(job: JobRuntime, frame: Frame, specs: StepSpec[]): Promise<StepRecord[]> {
  const records: StepRecord[] = [];
  for (const spec of specs) {
    const record = await runStep(job, frame, spec);
    records.push(record);
    if (spec.explicitId) {
      frame.steps[spec.id] = {
        outputs: lenient({ ...record.outputs }),
        outcome: record.outcome,
        conclusion: record.conclusion,
      };
    }
    if (record.outcome === 'failure') {
      if (frame.kind === 'composite') frame.actionStatus = 'failure';
      else if (job.status === 'success') job.status = 'failure';
    }
  }
  return records;
}

/** Runs a job's steps. `inputs` is the workflow's inputs context. */
export function runJobSteps(job: JobRuntime, inputs: ExprValue, steps: StepSpec[]): Promise<StepRecord[]> {
  const frame: Frame = {
    kind: 'job',
    inputs,
    steps: declaredSteps(steps),
    actionPath: undefined,
    actionStatus: 'success',
    inheritedEnv: {},
  };
  return runFrame(job, frame, steps);
}

/**
 * Runs a composite action as the only step of a job: what `uses:` does, for an action given directly.
 * Returns the step's record (its `steps` are the action's).
 */
export async function runActionAsStep(
  job: JobRuntime,
  action: { path: string; spec: ActionSpec },
  inputs: Record<string, string>,
): Promise<StepRecord> {
  const spec: StepSpec = {
    where: action.spec.file,
    id: 'action',
    explicitId: true,
    name: action.spec.name,
    condition: undefined,
    uses: action.spec.file,
    with: {},
    env: {},
    run: undefined,
    shell: undefined,
  };
  const record = emptyRecord(spec);
  const frame: Frame = {
    kind: 'job',
    inputs: {},
    steps: {},
    actionPath: undefined,
    actionStatus: 'success',
    inheritedEnv: {},
  };
  await runComposite(job, frame, spec, record, action.path, action.spec, inputs, scopeOf(job, frame, spec));
  record.conclusion = record.outcome;
  return record;
}
