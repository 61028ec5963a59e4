/**
 * The local runner: GitHub Actions for the offline GitHub, for tests and the demo (never production).
 * Workflows registered with {@link LocalRunner.addWorkflow} are added to a repository of the offline
 * GitHub; each dispatch of one — through the REST API, as the app does, or {@link LocalRunner.dispatch} —
 * becomes a run that the runner starts, executes on this host (our action.yml files and our dist/ bundles,
 * the code path GitHub runs) and completes, so the offline GitHub sends `workflow_run.completed`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { GitHubTestbed, Repository, Workflow, WorkflowRun } from '../github/index.js';
import { dispatchEvent, inputsContext, runGithubContext } from './context.js';
import { interpolate } from './expressions.js';
import type { RunContext } from './job.js';
import { parseWorkflow, WorkflowError } from './model.js';
import type { WorkflowSpec } from './model.js';
import type { RunConclusion, RunRecord } from './records.js';
import { ActionResolver } from './resolve.js';
import { runJobs } from './run.js';
import { ConcurrencyGroups, JobSlots } from './scheduling.js';

export interface RunnerOptions {
  /** The offline GitHub whose dispatches the runner executes. */
  github: GitHubTestbed;
  /** This checkout: `OWNER/REPO` actions resolve to it (its action.yml files and dist/ bundles). */
  projectRoot: string;
  /** Repository secrets every run sees (`secrets.X`); each value is masked in the logs. */
  secrets?: Record<string, string>;
  /** Repository variables (`vars.X`). */
  vars?: Record<string, string>;
  /** Variables added to every step's environment, as if set on the runner machine. */
  env?: Record<string, string>;
  /** `owner/repo` → local folder for `uses:`; default `{ 'OWNER/REPO': projectRoot }`. */
  actions?: Record<string, string>;
  /** Jobs running at once across all runs; default 4. */
  maxParallelJobs?: number;
  /**
   * Execute every dispatch of a registered workflow as it happens (default true). False: runs stay
   * queued until {@link LocalRunner.execute} (or {@link LocalRunner.dispatch}) runs one.
   */
  listen?: boolean;
  /** Where the runs' folders go; default a new folder in the system's temporary directory. */
  workDir?: string;
  /** Keep each job's folder (workspace, RUNNER_TEMP…) after it ends, for debugging; default false. */
  keepWorkDirs?: boolean;
  /** Where actions/checkout clones `owner/name` from; default the offline GitHub's git server. */
  gitUrl?: (owner: string, name: string) => string;
}

export interface WorkflowRegistration {
  /** The workflow file on this machine (e.g. examples/workflows/ai-orchestrator.yml). */
  file: string;
  /** Its path in the repository; default `.github/workflows/<file name>`. */
  path?: string;
}

export interface DispatchOptions {
  inputs?: Record<string, string>;
  /** Branch; default the repository's default branch. */
  ref?: string;
  /** Login of who dispatches; default the repository's owner. */
  actor?: string;
}

export interface LocalRunner {
  /** The folder the runs' folders go in. */
  readonly workDir: string;
  /**
   * Parses a workflow file, checks every expression and `uses:` it holds (and those of the actions it
   * uses), and adds it to the repository. Throws a WorkflowError for what the runner can't run.
   */
  addWorkflow(repo: Repository, registration: WorkflowRegistration): Workflow;
  /** Dispatches a registered workflow (id or file name) and resolves with its finished run. */
  dispatch(repo: Repository, workflow: number | string, options?: DispatchOptions): Promise<RunRecord>;
  /** Executes a queued run of a registered workflow now (for `listen: false`) and resolves when done. */
  execute(repo: Repository, runId: number): Promise<RunRecord>;
  /** Every run the runner took, oldest first. */
  runs(): RunRecord[];
  /** The run with this id (the latest, should the offline GitHub have been reset since). */
  run(runId: number): RunRecord | undefined;
  /** Resolves with the run once it has completed. Throws for a run the runner did not take. */
  waitFor(runId: number): Promise<RunRecord>;
  /** Resolves once no run is queued, waiting or in progress. */
  idle(): Promise<void>;
  /** Stops listening, kills running steps (their jobs end cancelled) and removes the work folder. */
  close(): Promise<void>;
}

const DEFAULT_PARALLEL_JOBS = 4;

interface Taken {
  record: RunRecord;
  /** Resolves with the record once the run has completed. */
  done: Promise<RunRecord>;
}

export function startRunner(options: RunnerOptions): LocalRunner {
  const { github } = options;
  const { state } = github;
  const secrets = { ...options.secrets };
  const vars = { ...options.vars };
  const projectRoot = resolve(options.projectRoot);
  const resolver = new ActionResolver(options.actions ?? { 'OWNER/REPO': projectRoot });
  const slots = new JobSlots(options.maxParallelJobs ?? DEFAULT_PARALLEL_JOBS);
  const groups = new ConcurrencyGroups();
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'local-runner-'));
  const gitUrl = options.gitUrl ?? ((owner: string, name: string) => `${github.url}/${owner}/${name}.git`);
  const listen = options.listen ?? true;
  const closing = new AbortController();
  const registered = new WeakMap<Workflow, WorkflowSpec>();
  const all: RunRecord[] = [];
  /** Runs taken, by record (a reset of the offline GitHub makes new records) and by id (the latest). */
  const scheduled = new WeakMap<WorkflowRun, Taken>();
  const byId = new Map<number, Taken>();
  const inFlight = new Set<Promise<RunRecord>>();
  let active = 0;
  let idleWaiters: (() => void)[] = [];

  const settle = () => {
    if (active > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const contextsOf = (repo: Repository, run: WorkflowRun, workflow: Workflow, spec: WorkflowSpec) => {
    const inputs = inputsContext(spec, run.inputs);
    const event = dispatchEvent(github, repo, run, workflow, inputs);
    return { inputs, githubContext: runGithubContext(github, repo, run, workflow, spec, event) };
  };

  async function perform(
    repo: Repository,
    run: WorkflowRun,
    workflow: Workflow,
    spec: WorkflowSpec,
    record: RunRecord,
  ) {
    const started = performance.now();
    const note = (message: string) => {
      record.error = record.error === undefined ? message : `${record.error}; ${message}`;
    };
    const complete = (conclusion: RunConclusion) => {
      record.status = 'completed';
      record.conclusion = conclusion;
      try {
        state.actions.completeRun(repo, run.id, { conclusion });
      } catch (error) {
        note(`the offline GitHub refused to complete the run: ${(error as Error).message}`);
      }
    };
    let group: string | undefined;
    try {
      const { inputs, githubContext } = contextsOf(repo, run, workflow, spec);
      record.inputs = inputs;
      if (spec.concurrency !== undefined) {
        group = interpolate(spec.concurrency.group, { contexts: { github: githubContext, inputs, vars } });
        record.status = 'waiting';
        if (!(await groups.enter(group))) {
          group = undefined;
          complete('cancelled');
          return;
        }
      }
      state.actions.startRun(repo, run.id);
      record.status = 'in_progress';
      const runDir = mkdtempSync(join(workDir, `run-${run.id}-`));
      try {
        const ctx: RunContext = {
          github,
          repo,
          run,
          workflow,
          spec,
          inputs,
          githubContext,
          secrets,
          vars,
          extraEnv: { ...options.env },
          resolver,
          gitUrl,
          runDir,
          keepWorkDirs: options.keepWorkDirs ?? false,
          closeSignal: closing.signal,
        };
        complete(await runJobs(ctx, record, slots));
      } finally {
        if (!(options.keepWorkDirs ?? false)) rmSync(runDir, { recursive: true, force: true });
      }
    } catch (error) {
      note((error as Error).message);
      if (record.status !== 'completed') complete('failure');
    } finally {
      if (group !== undefined) groups.leave(group);
      record.durationMs = performance.now() - started;
    }
  }

  /** Takes a queued run (once: a run already taken is returned as it is). */
  const schedule = (repo: Repository, run: WorkflowRun, workflow: Workflow): Taken => {
    const taken = scheduled.get(run);
    if (taken !== undefined) return taken;
    const spec = registered.get(workflow);
    if (spec === undefined)
      throw new Error(`workflow ${workflow.path} is not registered with the local runner`);
    if (run.status !== 'queued') throw new Error(`run ${run.id} is ${run.status}, not queued`);
    const record: RunRecord = {
      id: run.id,
      repository: `${repo.owner.login}/${repo.name}`,
      workflow: workflow.path,
      title: run.displayTitle,
      inputs: {},
      status: 'queued',
      conclusion: null,
      jobs: [],
      error: undefined,
      durationMs: 0,
    };
    all.push(record);
    active++;
    const done = perform(repo, run, workflow, spec, record).then(() => {
      active--;
      inFlight.delete(done);
      settle();
      return record;
    });
    inFlight.add(done);
    const entry = { record, done };
    scheduled.set(run, entry);
    byId.set(run.id, entry);
    return entry;
  };

  const unsubscribe = state.subscribe((event) => {
    if (!listen || closing.signal.aborted) return;
    if (event.kind !== 'workflow_run' || event.action !== 'requested') return;
    if (!registered.has(event.workflow)) return;
    schedule(event.repo, event.run, event.workflow);
  });

  return {
    workDir,

    addWorkflow(repo, registration) {
      const file = resolve(registration.file);
      const spec = parseWorkflow(readFileSync(file, 'utf8'), file);
      resolver.checkWorkflow(spec);
      const path = registration.path ?? `.github/workflows/${basename(file)}`;
      // A repository has one workflow per path; a second one would shadow the first for dispatches.
      if ([...repo.workflows.values()].some((existing) => existing.path === path)) {
        throw new WorkflowError(`${repo.owner.login}/${repo.name} already has a workflow ${path}`);
      }
      const runName = spec.runName;
      const workflow: Workflow = state.actions.addWorkflow(repo, {
        path,
        name: spec.name,
        inputs: Object.fromEntries(spec.inputs.map((input) => [input.name, { required: input.required }])),
        ...(runName === undefined
          ? {}
          : {
              runName: (run: WorkflowRun) => {
                const { inputs, githubContext } = contextsOf(repo, run, workflow, spec);
                return interpolate(runName, { contexts: { github: githubContext, inputs, vars } });
              },
            }),
      });
      registered.set(workflow, spec);
      return workflow;
    },

    async dispatch(repo, workflowId, dispatchOptions = {}) {
      const workflow = state.actions.workflow(repo, workflowId);
      const run = state.actions.dispatch(
        repo,
        workflow.id,
        state.as(dispatchOptions.actor ?? repo.owner.login),
        dispatchOptions.ref ?? repo.defaultBranch,
        dispatchOptions.inputs ?? {},
      );
      // Listening, the runner took the run while it was dispatched; otherwise it takes it here.
      return schedule(repo, run, workflow).done;
    },

    execute(repo, runId) {
      const run = state.actions.run(repo, runId);
      return schedule(repo, run, state.actions.workflow(repo, run.workflowId)).done;
    },

    runs: () => [...all],

    run: (runId) => byId.get(runId)?.record,

    waitFor(runId) {
      const entry = byId.get(runId);
      if (entry === undefined) return Promise.reject(new Error(`the local runner has no run ${runId}`));
      return entry.done;
    },

    idle() {
      if (active === 0) return Promise.resolve();
      return new Promise((resolveIdle) => idleWaiters.push(resolveIdle));
    },

    async close() {
      unsubscribe();
      closing.abort();
      await Promise.all([...inFlight]);
      if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}
