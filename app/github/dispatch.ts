/**
 * Starting a stage: `workflow_dispatch` of the orchestrator's workflow on the default branch, asking GitHub
 * for the run's id (`return_run_details`). A dispatch answered with a 5xx may have started a run, so
 * before sending it again the app looks for a run titled with the same run key; where it cannot be found
 * the dispatch is sent again, and the result of whichever run ends first is applied once (the run key
 * completes once).
 */
import { createOnce } from './create-once.js';
import type { GitHubApi } from './api.js';
import { NO_AUTOMATIC_RETRY } from './api.js';
import { findRunByKey } from './runs.js';
import type { WriteContext } from './types.js';
import { WORKFLOW_FILE, workflowInputs } from './workflow.js';
import type { DispatchRequest } from './workflow.js';

/** The run a dispatch started; `id` is null when GitHub did not say (older servers answer 204). */
export interface DispatchedRun {
  id: number | null;
  url: string | null;
}

/** Dispatches the stage on `ref` (the default branch). `mayExist`: an earlier attempt may have started it. */
export async function dispatchStage(
  api: GitHubApi,
  ref: string,
  request: DispatchRequest,
  context: WriteContext,
  mayExist: boolean,
): Promise<DispatchedRun> {
  const { octokit, repo } = api;
  const inputs = workflowInputs(request);
  return api.gate.run(
    {
      action: 'actions.createWorkflowDispatch',
      target: `${repo.fullName}@${ref}`,
      context: { ...context, runKey: request.runKey },
      detail: {
        stage: request.stage,
        issue: request.issue,
        ...(request.story === undefined ? {} : { story: request.story }),
      },
    },
    () =>
      createOnce<DispatchedRun>({
        mayExist,
        attempts: api.attempts,
        find: async () => {
          const run = await findRunByKey(api, request.runKey);
          return run === undefined ? undefined : { id: run.id, url: run.url };
        },
        create: async () => {
          const response = await octokit.request(
            'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
            {
              owner: repo.owner,
              repo: repo.repo,
              workflow_id: WORKFLOW_FILE,
              ref,
              inputs,
              return_run_details: true,
              ...NO_AUTOMATIC_RETRY,
            },
          );
          const data = response.data as { workflow_run_id?: number; html_url?: string } | undefined;
          return typeof data?.workflow_run_id === 'number'
            ? { id: data.workflow_run_id, url: data.html_url ?? null }
            : { id: null, url: null };
        },
      }),
    (run) => (run.id === null ? {} : { run_id: run.id }),
  );
}
