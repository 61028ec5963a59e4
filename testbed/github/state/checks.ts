/**
 * Check runs (owned by the app whose token created them, so a gate can trust only its own) and commit
 * statuses (owned by nobody in particular: anyone with access may set any context).
 */
import { GitHubError, notFound, validationFailed } from '../errors.js';
import type {
  App,
  CheckConclusion,
  CheckRun,
  CheckRunOutput,
  CheckStatus,
  CheckSuite,
  CommitStatus,
  Repository,
} from '../model.js';
import type { Actor } from './events.js';
import type { ReposApi } from './repos.js';
import type { Store } from './store.js';

/** Fields of a new or updated check run; absent fields keep their value (or GitHub's default). */
export interface CheckRunFields {
  name?: string;
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  startedAt?: Date;
  completedAt?: Date;
  detailsUrl?: string;
  externalId?: string;
  output?: { title?: string; summary?: string; text?: string; annotationsCount?: number };
}

/** Filters of the "list check runs for a Git reference" endpoint. */
export interface CheckRunFilter {
  checkName?: string;
  status?: CheckStatus;
  /** `latest` (default): only the newest run of each name; `all`: every run. */
  filter?: 'latest' | 'all';
  appId?: number;
}

/** Fields of a new commit status. */
export interface NewCommitStatus {
  state: CommitStatus['state'];
  targetUrl?: string | null;
  description?: string | null;
  context?: string;
}

const RUNS_DOCS = 'https://docs.github.com/rest/checks/runs';
const STATUS_DOCS = 'https://docs.github.com/rest/commits/statuses';

/** Creates, updates and lists check runs and commit statuses. */
export class ChecksApi {
  constructor(
    private readonly store: Store,
    private readonly repos: ReposApi,
  ) {}

  /**
   * Creates a check run owned by `app` on commit `headSha`, in the app's check suite for that commit.
   * A conclusion completes it. Emits `check_run.created`, and `check_run.completed` when it is created
   * completed. Throws a 422 GitHubError for an unknown commit or a completed run without conclusion.
   */
  createRun(
    repo: Repository,
    app: App,
    actor: Actor,
    headSha: string,
    fields: CheckRunFields & { name: string },
  ): CheckRun {
    if (!this.repos.hasCommit(repo, headSha)) {
      throw validationFailed(`${RUNS_DOCS}#create-a-check-run`, [
        {
          resource: 'CheckRun',
          field: 'head_sha',
          code: 'invalid',
          message: `No commit found for SHA: ${headSha}`,
        },
      ]);
    }
    const id = this.store.nextId('checkRun');
    const run: CheckRun = {
      id,
      nodeId: this.store.nodeId('CR', id),
      name: fields.name,
      headSha,
      status: 'queued',
      conclusion: null,
      startedAt: fields.startedAt ?? this.store.now(),
      completedAt: null,
      detailsUrl: null,
      externalId: null,
      output: { title: null, summary: null, text: null, annotationsCount: 0 },
      appId: app.id,
      suiteId: this.suiteFor(repo, app, headSha).id,
    };
    this.apply(run, fields, `${RUNS_DOCS}#create-a-check-run`);
    repo.checkRuns.set(id, run);
    this.store.emit({ kind: 'check_run', action: 'created', repo, checkRun: run, actor });
    if (run.status === 'completed')
      this.store.emit({ kind: 'check_run', action: 'completed', repo, checkRun: run, actor });
    return run;
  }

  /**
   * Updates a check run as `app`; emits `check_run.completed` when this update completes it. Throws a
   * GitHubError: 404 for an unknown run, 403 when `app` did not create it (only the owner may change a
   * check run), 422 for a completed status without conclusion.
   */
  updateRun(repo: Repository, app: App, actor: Actor, checkRunId: number, fields: CheckRunFields): CheckRun {
    const run = this.getRun(repo, checkRunId);
    if (run.appId !== app.id) {
      throw new GitHubError(
        403,
        `Invalid app_id \`${app.id}\` - check run can only be modified by the GitHub App that created it.`,
        `${RUNS_DOCS}#update-a-check-run`,
      );
    }
    const wasCompleted = run.status === 'completed';
    this.apply(run, fields, `${RUNS_DOCS}#update-a-check-run`);
    if (!wasCompleted && run.status === 'completed') {
      this.store.emit({ kind: 'check_run', action: 'completed', repo, checkRun: run, actor });
    }
    return run;
  }

  /** The check run with this id. Throws a 404 GitHubError when there is none in the repository. */
  getRun(repo: Repository, checkRunId: number): CheckRun {
    const run = repo.checkRuns.get(checkRunId);
    if (run === undefined) throw notFound(`${RUNS_DOCS}#get-a-check-run`, `no check run ${checkRunId}`);
    return run;
  }

  /** The check suite with this id, or undefined. */
  suite(repo: Repository, suiteId: number): CheckSuite | undefined {
    return repo.checkSuites.get(suiteId);
  }

  /**
   * The check runs on the commit `ref` names (SHA, branch, `heads/<branch>`), newest first, filtered as
   * the REST endpoint filters them. Throws a 422 GitHubError when the ref names no commit.
   */
  listForRef(repo: Repository, ref: string, filter: CheckRunFilter = {}): CheckRun[] {
    const sha = this.repos.resolveRef(repo, ref);
    if (sha === undefined) {
      throw validationFailed(`${RUNS_DOCS}#list-check-runs-for-a-git-reference`, [
        { resource: 'Commit', field: 'ref', code: 'invalid', message: `No commit found for SHA: ${ref}` },
      ]);
    }
    const newestFirst = [...repo.checkRuns.values()]
      .filter((run) => run.headSha === sha)
      .sort((a, b) => b.id - a.id);
    const seen = new Set<string>();
    return newestFirst.filter((run) => {
      if (filter.checkName !== undefined && run.name !== filter.checkName) return false;
      if (filter.status !== undefined && run.status !== filter.status) return false;
      if (filter.appId !== undefined && run.appId !== filter.appId) return false;
      if ((filter.filter ?? 'latest') === 'latest') {
        const key = `${run.appId}\u0000${run.name}`;
        if (seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    });
  }

  /**
   * Sets a commit status as `actor`. Throws a 422 GitHubError for an unknown commit. The context
   * defaults to `default`, as on GitHub.
   */
  createStatus(repo: Repository, sha: string, actor: Actor, fields: NewCommitStatus): CommitStatus {
    if (!this.repos.hasCommit(repo, sha)) {
      throw validationFailed(`${STATUS_DOCS}#create-a-commit-status`, [
        { resource: 'Status', field: 'sha', code: 'invalid', message: `No commit found for SHA: ${sha}` },
      ]);
    }
    const id = this.store.nextId('status');
    const now = this.store.now();
    const status: CommitStatus = {
      id,
      nodeId: this.store.nodeId('SC', id),
      sha,
      state: fields.state,
      targetUrl: fields.targetUrl ?? null,
      description: fields.description ?? null,
      context: fields.context ?? 'default',
      creator: actor.account,
      createdAt: now,
      updatedAt: now,
    };
    repo.statuses.push(status);
    return status;
  }

  /** Every status on the commit `ref` names, newest first. Throws 422 when it names no commit. */
  statusesForRef(repo: Repository, ref: string): { sha: string; statuses: CommitStatus[] } {
    const sha = this.repos.resolveRef(repo, ref);
    if (sha === undefined) {
      throw validationFailed(`${STATUS_DOCS}#list-commit-statuses-for-a-reference`, [
        { resource: 'Commit', field: 'ref', code: 'invalid', message: `No commit found for SHA: ${ref}` },
      ]);
    }
    return {
      sha,
      statuses: repo.statuses.filter((status) => status.sha === sha).sort((a, b) => b.id - a.id),
    };
  }

  /**
   * The combined status of the commit `ref` names: the newest status of each context, and a state that
   * is `failure` if any is error/failure, `pending` if any is pending or there are none, else `success`.
   */
  combinedStatus(
    repo: Repository,
    ref: string,
  ): { sha: string; state: CommitStatus['state']; statuses: CommitStatus[] } {
    const { sha, statuses } = this.statusesForRef(repo, ref);
    const latest = new Map<string, CommitStatus>();
    for (const status of statuses) if (!latest.has(status.context)) latest.set(status.context, status);
    const current = [...latest.values()];
    const states = current.map((status) => status.state);
    const state =
      states.includes('error') || states.includes('failure')
        ? 'failure'
        : states.length === 0 || states.includes('pending')
          ? 'pending'
          : 'success';
    return { sha, state, statuses: current };
  }

  private suiteFor(repo: Repository, app: App, headSha: string): CheckSuite {
    for (const suite of repo.checkSuites.values())
      if (suite.appId === app.id && suite.headSha === headSha) return suite;
    const id = this.store.nextId('checkSuite');
    const now = this.store.now();
    const headBranch = [...repo.branches].find(([, sha]) => sha === headSha)?.[0] ?? null;
    const suite: CheckSuite = {
      id,
      nodeId: this.store.nodeId('CS', id),
      appId: app.id,
      headSha,
      headBranch,
      createdAt: now,
      updatedAt: now,
    };
    repo.checkSuites.set(id, suite);
    return suite;
  }

  /** Applies fields to a run, completing it when a conclusion is given, as GitHub does. */
  private apply(run: CheckRun, fields: CheckRunFields, docs: string): void {
    if (fields.name !== undefined) run.name = fields.name;
    if (fields.detailsUrl !== undefined) run.detailsUrl = fields.detailsUrl;
    if (fields.externalId !== undefined) run.externalId = fields.externalId;
    if (fields.startedAt !== undefined) run.startedAt = fields.startedAt;
    if (fields.output !== undefined) {
      const output: CheckRunOutput = run.output;
      if (fields.output.title !== undefined) output.title = fields.output.title;
      if (fields.output.summary !== undefined) output.summary = fields.output.summary;
      if (fields.output.text !== undefined) output.text = fields.output.text;
      if (fields.output.annotationsCount !== undefined)
        output.annotationsCount += fields.output.annotationsCount;
    }
    if (fields.conclusion !== undefined) {
      run.conclusion = fields.conclusion;
      run.status = 'completed';
    } else if (fields.status !== undefined) {
      if (fields.status === 'completed' && run.conclusion === null) {
        throw validationFailed(docs, [
          {
            resource: 'CheckRun',
            field: 'conclusion',
            code: 'missing_field',
            message: 'conclusion is required when status is completed',
          },
        ]);
      }
      run.status = fields.status;
    }
    if (run.status === 'completed' && run.completedAt === null)
      run.completedAt = fields.completedAt ?? this.store.now();
  }
}
