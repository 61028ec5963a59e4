/**
 * GitHub Actions as the orchestrator sees it: workflows, `workflow_dispatch`, workflow runs (which the
 * harness starts and completes, standing in for runners) and their artifacts (zip archives).
 */
import { createHash } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { GitHubError, notFound } from '../errors.js';
import type {
  Artifact,
  CheckConclusion,
  Repository,
  Workflow,
  WorkflowInputSpec,
  WorkflowRun,
} from '../model.js';
import type { Actor } from './events.js';
import type { ReposApi } from './repos.js';
import type { Store } from './store.js';

/** A workflow file in a repository. */
export interface NewWorkflow {
  /** e.g. `.github/workflows/ai-orchestrator.yml`. */
  path: string;
  name?: string;
  /**
   * Its `workflow_dispatch` inputs: names (all optional) or names with `required`. Absent: the workflow
   * has a `workflow_dispatch` trigger whose inputs the fake does not check.
   */
  inputs?: string[] | Record<string, WorkflowInputSpec>;
  /** False for a workflow without a `workflow_dispatch` trigger (dispatching it fails with 422). */
  dispatchable?: boolean;
  /**
   * The title of a new run (`display_title`): the workflow's `run-name:` evaluated for it, as GitHub does
   * when the run is created. Default: the workflow's name. It may throw to refuse the dispatch.
   */
  runName?: (run: WorkflowRun) => string;
}

/** Files of an artifact: path inside the zip → text or bytes. */
export type ArtifactFiles = Record<string, string | Uint8Array>;

/** How the harness finishes a run. */
export interface RunCompletion {
  conclusion: CheckConclusion;
  /** Artifacts uploaded by the run, by name. */
  artifacts?: Record<string, ArtifactFiles>;
}

/** Filters of the workflow-run list endpoints. */
export interface RunFilter {
  workflowId?: number;
  branch?: string;
  event?: string;
  /** A status (`queued`, `completed`…) or a conclusion (`success`, `failure`…), as GitHub accepts. */
  status?: string;
  headSha?: string;
  actor?: string;
}

const DOCS = 'https://docs.github.com/rest/actions';
const ARTIFACT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/** Workflows, dispatches, runs and artifacts. */
export class ActionsApi {
  /** The `run-name:` of workflows that have one; keyed by record, so forgetting the state forgets them. */
  private readonly runNames = new WeakMap<Workflow, (run: WorkflowRun) => string>();

  constructor(
    private readonly store: Store,
    private readonly repos: ReposApi,
  ) {}

  /** Adds a workflow file to a repository (there is no git tree: the workflow is declared here). */
  addWorkflow(repo: Repository, fields: NewWorkflow): Workflow {
    const id = this.store.nextId('workflow');
    const now = this.store.now();
    const inputs = Array.isArray(fields.inputs)
      ? Object.fromEntries(fields.inputs.map((name) => [name, { required: false }]))
      : fields.inputs;
    const workflow: Workflow = {
      id,
      nodeId: this.store.nodeId('W', id),
      name: fields.name ?? fields.path.replace(/^.*\//, ''),
      path: fields.path,
      state: 'active',
      inputs,
      dispatchable: fields.dispatchable ?? true,
      createdAt: now,
      updatedAt: now,
    };
    repo.workflows.set(id, workflow);
    if (fields.runName !== undefined) this.runNames.set(workflow, fields.runName);
    return workflow;
  }

  /**
   * The workflow named by id (number or digits) or by file name (`ai-orchestrator.yml`), as the REST API
   * accepts `workflow_id`. Throws a 404 GitHubError when there is none.
   */
  workflow(repo: Repository, idOrFileName: number | string): Workflow {
    for (const workflow of repo.workflows.values()) {
      if (String(workflow.id) === String(idOrFileName)) return workflow;
      if (workflow.path.replace(/^.*\//, '') === idOrFileName) return workflow;
    }
    throw notFound(`${DOCS}/workflows#get-a-workflow`, `no workflow ${idOrFileName}`);
  }

  /**
   * Dispatches a workflow as `actor` on branch `ref`, creating a queued run, and emits
   * `workflow_run.requested`. Throws a 422 GitHubError, worded as GitHub words it, when the workflow has
   * no `workflow_dispatch` trigger, the ref is unknown, an input is undeclared or a required one missing.
   */
  dispatch(
    repo: Repository,
    workflowId: number | string,
    actor: Actor,
    ref: string,
    inputs: Record<string, unknown> = {},
  ): WorkflowRun {
    const docs = `${DOCS}/workflows#create-a-workflow-dispatch-event`;
    const workflow = this.workflow(repo, workflowId);
    if (!workflow.dispatchable) {
      throw new GitHubError(422, "Workflow does not have 'workflow_dispatch' trigger", docs);
    }
    const branch = ref.replace(/^refs\/heads\//, '');
    const headSha = this.repos.branchSha(repo, branch);
    if (headSha === undefined) throw new GitHubError(422, `No ref found for: ${ref}`, docs);
    if (workflow.inputs !== undefined) {
      const declared = workflow.inputs;
      const unexpected = Object.keys(inputs).filter((name) => !(name in declared));
      if (unexpected.length > 0)
        throw new GitHubError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`, docs);
      const missing = Object.entries(declared).find(([name, spec]) => spec.required && !(name in inputs));
      if (missing !== undefined)
        throw new GitHubError(422, `Required input '${missing[0]}' not provided`, docs);
    }
    const id = this.store.nextId('run');
    const now = this.store.now();
    const runNumber = [...repo.runs.values()].filter((run) => run.workflowId === workflow.id).length + 1;
    const run: WorkflowRun = {
      id,
      nodeId: this.store.nodeId('WFR', id),
      workflowId: workflow.id,
      runNumber,
      runAttempt: 1,
      checkSuiteId: this.store.nextId('checkSuite'),
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      headBranch: branch,
      headSha,
      displayTitle: workflow.name,
      inputs: structuredClone(inputs),
      actor: actor.account,
      createdAt: now,
      updatedAt: now,
      runStartedAt: null,
    };
    run.displayTitle = this.runNames.get(workflow)?.(run) ?? workflow.name;
    repo.runs.set(id, run);
    this.store.emit({ kind: 'workflow_run', action: 'requested', repo, workflow, run, actor });
    return run;
  }

  /** The run with this id. Throws a 404 GitHubError when there is none in the repository. */
  run(repo: Repository, runId: number): WorkflowRun {
    const run = repo.runs.get(runId);
    if (run === undefined)
      throw notFound(`${DOCS}/workflow-runs#get-a-workflow-run`, `no workflow run ${runId}`);
    return run;
  }

  /** Runs of the repository, newest first, filtered as the list endpoints filter them. */
  runs(repo: Repository, filter: RunFilter = {}): WorkflowRun[] {
    return [...repo.runs.values()]
      .filter((run) => filter.workflowId === undefined || run.workflowId === filter.workflowId)
      .filter((run) => filter.branch === undefined || run.headBranch === filter.branch)
      .filter((run) => filter.event === undefined || run.event === filter.event)
      .filter((run) => filter.headSha === undefined || run.headSha === filter.headSha)
      .filter(
        (run) => filter.actor === undefined || run.actor.login.toLowerCase() === filter.actor.toLowerCase(),
      )
      .filter(
        (run) =>
          filter.status === undefined || run.status === filter.status || run.conclusion === filter.status,
      )
      .sort((a, b) => b.id - a.id);
  }

  /** Marks a queued run as started (a runner picked it up) and emits `workflow_run.in_progress`. */
  startRun(repo: Repository, runId: number): WorkflowRun {
    const run = this.run(repo, runId);
    if (run.status === 'completed') throw new GitHubError(409, `Workflow run ${runId} is already completed`);
    const now = this.store.now();
    run.status = 'in_progress';
    run.runStartedAt = now;
    run.updatedAt = now;
    this.store.emit(this.runEvent(repo, run, 'in_progress'));
    return run;
  }

  /**
   * Finishes a run with a conclusion and its artifacts (starting it first if it was still queued) and
   * emits `workflow_run.completed` with the run's actor as sender. Throws a 409 GitHubError when the run
   * is already completed.
   */
  completeRun(repo: Repository, runId: number, completion: RunCompletion): WorkflowRun {
    const run = this.run(repo, runId);
    if (run.status === 'completed') throw new GitHubError(409, `Workflow run ${runId} is already completed`);
    if (run.status !== 'in_progress') this.startRun(repo, runId);
    for (const [name, files] of Object.entries(completion.artifacts ?? {}))
      this.addArtifact(repo, runId, name, files);
    run.status = 'completed';
    run.conclusion = completion.conclusion;
    run.updatedAt = this.store.now();
    this.store.emit(this.runEvent(repo, run, 'completed'));
    return run;
  }

  /** Uploads an artifact to a run: the files are zipped as GitHub serves them. */
  addArtifact(repo: Repository, runId: number, name: string, files: ArtifactFiles): Artifact {
    this.run(repo, runId);
    const entries = Object.fromEntries(
      Object.entries(files).map(([path, content]) => [
        path,
        typeof content === 'string' ? strToU8(content) : content,
      ]),
    );
    const zip = zipSync(entries);
    const id = this.store.nextId('artifact');
    const now = this.store.now();
    const artifact: Artifact = {
      id,
      nodeId: this.store.nodeId('MDg6QXJ0aWZhY3', id),
      runId,
      name,
      zip,
      sizeInBytes: Object.values(entries).reduce((sum, bytes) => sum + bytes.byteLength, 0),
      digest: `sha256:${createHash('sha256').update(zip).digest('hex')}`,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ARTIFACT_RETENTION_MS),
    };
    repo.artifacts.set(id, artifact);
    return artifact;
  }

  /** The artifacts of a run, oldest first, optionally only those named `name`. */
  artifacts(repo: Repository, runId: number, name?: string): Artifact[] {
    this.run(repo, runId);
    return [...repo.artifacts.values()]
      .filter((a) => a.runId === runId && (name === undefined || a.name === name))
      .sort((a, b) => a.id - b.id);
  }

  /** The artifact with this id. Throws a 404 GitHubError when there is none in the repository. */
  artifact(repo: Repository, artifactId: number): Artifact {
    const artifact = repo.artifacts.get(artifactId);
    if (artifact === undefined)
      throw notFound(`${DOCS}/artifacts#get-an-artifact`, `no artifact ${artifactId}`);
    return artifact;
  }

  /** True once an artifact's retention has passed (its download then answers 410). */
  isExpired(artifact: Artifact): boolean {
    return this.store.now().getTime() >= artifact.expiresAt.getTime();
  }

  private runEvent(repo: Repository, run: WorkflowRun, action: 'in_progress' | 'completed') {
    const workflow = this.workflow(repo, run.workflowId);
    return {
      kind: 'workflow_run' as const,
      action,
      repo,
      workflow,
      run,
      actor: { account: run.actor, appId: undefined },
    };
  }
}
