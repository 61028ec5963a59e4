/**
 * Reading the runs of the orchestrator's workflow: one run by id, or the run a dispatch started, found by
 * the run key in its title when GitHub did not return the run id.
 */
import type { GitHubApi } from './api.js';
import { isAppAccount } from './api.js';
import { statusOf } from './errors.js';
import { runKeyFromTitle, WORKFLOW_FILE } from './workflow.js';

/** What the app needs of a workflow run. */
export interface RunInfo {
  id: number;
  url: string;
  status: string | null;
  conclusion: string | null;
  title: string | null;
  path: string | null;
  /** Who started it: the app's bot for the runs it dispatched. */
  actor: string | null;
  createdAt: string;
}

/** The run with this id, or undefined when GitHub has none. */
export async function getRun(api: GitHubApi, runId: number): Promise<RunInfo | undefined> {
  try {
    const { data } = await api.octokit.rest.actions.getWorkflowRun({
      owner: api.repo.owner,
      repo: api.repo.repo,
      run_id: runId,
    });
    return {
      id: data.id,
      url: data.html_url,
      status: data.status ?? null,
      conclusion: data.conclusion ?? null,
      title: data.display_title ?? null,
      path: data.path ?? null,
      actor: data.actor?.login ?? null,
      createdAt: data.created_at,
    };
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The newest run of the orchestrator's workflow that the app itself dispatched and whose title names
 * `runKey` (see WORKFLOW_PATH's `run-name`), among the 100 newest dispatched runs; undefined when none
 * does. Titles are public, so a run someone else dispatched with a copied key never counts.
 */
export async function findRunByKey(api: GitHubApi, runKey: string): Promise<RunInfo | undefined> {
  const { data } = await api.octokit.rest.actions.listWorkflowRuns({
    owner: api.repo.owner,
    repo: api.repo.repo,
    workflow_id: WORKFLOW_FILE,
    event: 'workflow_dispatch',
    per_page: 100,
  });
  const run = data.workflow_runs.find(
    (candidate) =>
      runKeyFromTitle(candidate.display_title) === runKey && isAppAccount(api.app, candidate.actor?.login),
  );
  return run === undefined
    ? undefined
    : {
        id: run.id,
        url: run.html_url,
        status: run.status ?? null,
        conclusion: run.conclusion ?? null,
        title: run.display_title ?? null,
        path: run.path ?? null,
        actor: run.actor?.login ?? null,
        createdAt: run.created_at,
      };
}
