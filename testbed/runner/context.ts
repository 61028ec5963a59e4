/**
 * The `github` context of a dispatched run, its `workflow_dispatch` event payload, its `inputs` context,
 * and the GITHUB_* / RUNNER_* variables a job's steps get — the names and values GitHub gives them, with
 * the offline GitHub's address as the API and server URL.
 */
import type { GitHubTestbed, Repository, Workflow, WorkflowRun } from '../github/index.js';
import { userView } from '../github/views/users.js';
import { repositoryView } from '../github/views/repos.js';
import { Urls } from '../github/views/context.js';
import type { ExprValue } from './expressions.js';
import type { WorkflowSpec } from './model.js';

export type Context = { [key: string]: ExprValue };

/**
 * The `inputs` context of a dispatch: every declared input, as sent or else its default or empty. Values
 * are strings (the runner supports string inputs only). Throws an Error for a value that is not a scalar.
 */
export function inputsContext(spec: WorkflowSpec, sent: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    spec.inputs.map((input) => {
      const value = sent[input.name];
      if (value === undefined) return [input.name, input.default ?? ''];
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new Error(`the input ${input.name} is not a string`);
      }
      return [input.name, String(value)];
    }),
  );
}

/** The `workflow_dispatch` payload GITHUB_EVENT_PATH holds and `github.event` reads. */
export function dispatchEvent(
  github: GitHubTestbed,
  repo: Repository,
  run: WorkflowRun,
  workflow: Workflow,
  inputs: Record<string, string>,
): Context {
  const views = { urls: new Urls(github.url, github.url), state: github.state };
  const payload: Record<string, unknown> = {
    inputs,
    ref: `refs/heads/${run.headBranch}`,
    repository: repositoryView(views, repo),
    sender: userView(views, run.actor),
    workflow: workflow.path,
  };
  // Views are JSON-shaped: a round trip gives the context plain data, as reading the event file would.
  return JSON.parse(JSON.stringify(payload)) as Context;
}

/** The run-level `github` context (the job adds `job`, `token`, `workspace`, `event_path`). */
export function runGithubContext(
  github: GitHubTestbed,
  repo: Repository,
  run: WorkflowRun,
  workflow: Workflow,
  spec: WorkflowSpec,
  event: Context,
): Context {
  const owner = repo.owner.login;
  const ref = `refs/heads/${run.headBranch}`;
  return {
    actor: run.actor.login,
    actor_id: String(run.actor.id),
    triggering_actor: run.actor.login,
    api_url: github.url,
    graphql_url: `${github.url}/graphql`,
    server_url: github.url,
    base_ref: '',
    head_ref: '',
    event_name: 'workflow_dispatch',
    event,
    ref,
    ref_name: run.headBranch,
    ref_type: 'branch',
    repository: `${owner}/${repo.name}`,
    repository_id: String(repo.id),
    repository_owner: owner,
    repository_owner_id: String(repo.owner.id),
    retention_days: '90',
    run_id: String(run.id),
    run_number: String(run.runNumber),
    run_attempt: String(run.runAttempt),
    sha: run.headSha,
    workflow: spec.name,
    workflow_ref: `${owner}/${repo.name}/${workflow.path}@${ref}`,
    workflow_sha: run.headSha,
  };
}

/** The GITHUB_* / RUNNER_* / CI variables of a job, from its `github` and `runner` contexts. */
export function runtimeEnvironment(github: Context, runner: Context): Record<string, string> {
  const text = (value: ExprValue | undefined) => (typeof value === 'string' ? value : '');
  const fromGithub: [string, string][] = [
    ['GITHUB_ACTOR', 'actor'],
    ['GITHUB_ACTOR_ID', 'actor_id'],
    ['GITHUB_API_URL', 'api_url'],
    ['GITHUB_BASE_REF', 'base_ref'],
    ['GITHUB_EVENT_NAME', 'event_name'],
    ['GITHUB_EVENT_PATH', 'event_path'],
    ['GITHUB_GRAPHQL_URL', 'graphql_url'],
    ['GITHUB_HEAD_REF', 'head_ref'],
    ['GITHUB_JOB', 'job'],
    ['GITHUB_REF', 'ref'],
    ['GITHUB_REF_NAME', 'ref_name'],
    ['GITHUB_REF_TYPE', 'ref_type'],
    ['GITHUB_REPOSITORY', 'repository'],
    ['GITHUB_REPOSITORY_ID', 'repository_id'],
    ['GITHUB_REPOSITORY_OWNER', 'repository_owner'],
    ['GITHUB_REPOSITORY_OWNER_ID', 'repository_owner_id'],
    ['GITHUB_RETENTION_DAYS', 'retention_days'],
    ['GITHUB_RUN_ATTEMPT', 'run_attempt'],
    ['GITHUB_RUN_ID', 'run_id'],
    ['GITHUB_RUN_NUMBER', 'run_number'],
    ['GITHUB_SERVER_URL', 'server_url'],
    ['GITHUB_SHA', 'sha'],
    ['GITHUB_TRIGGERING_ACTOR', 'triggering_actor'],
    ['GITHUB_WORKFLOW', 'workflow'],
    ['GITHUB_WORKFLOW_REF', 'workflow_ref'],
    ['GITHUB_WORKFLOW_SHA', 'workflow_sha'],
    ['GITHUB_WORKSPACE', 'workspace'],
  ];
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    ...Object.fromEntries(fromGithub.map(([name, key]) => [name, text(github[key])])),
    RUNNER_ARCH: text(runner.arch),
    RUNNER_ENVIRONMENT: text(runner.environment),
    RUNNER_NAME: text(runner.name),
    RUNNER_OS: text(runner.os),
    RUNNER_TEMP: text(runner.temp),
    RUNNER_TOOL_CACHE: text(runner.tool_cache),
  };
}

/** The `runner` context of a job on this host. */
export function runnerContext(temp: string, toolCache: string): Context {
  return {
    name: 'local-runner',
    os: 'Linux',
    arch: 'X64',
    environment: 'self-hosted',
    temp,
    tool_cache: toolCache,
  };
}
