/**
 * Merging a pull request on `/approve`: only the head the release gate approved (`sha`), with the policy's
 * method. GitHub refuses with 409 when the head moved and 405 when it cannot merge; both come back as a
 * refusal with GitHub's words. A merge answered with a 5xx is checked by reading the pull request before
 * it is tried again.
 */
import type { GitHubApi } from './api.js';
import { issueTarget } from './api.js';
import { isTransient, statusOf } from './errors.js';
import type { WriteContext } from './types.js';

export type MergeOutcome =
  { kind: 'merged'; sha: string | null } | { kind: 'refused'; status: number; message: string };

export interface MergeRequest {
  pr: number;
  sha: string;
  method: 'merge' | 'squash' | 'rebase';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Merges, or reports why GitHub would not. `mayExist`: an earlier attempt (before a crash) may have merged
 * already, so the pull request is read first; it is also read before every retry.
 */
export async function mergePull(
  api: GitHubApi,
  request: MergeRequest,
  context: WriteContext,
  mayExist: boolean,
): Promise<MergeOutcome> {
  const { octokit, repo } = api;
  return api.gate.run(
    {
      action: 'pulls.merge',
      target: issueTarget(api, request.pr),
      context,
      detail: { sha: request.sha, merge_method: request.method },
    },
    async (): Promise<MergeOutcome> => {
      for (let attempt = 1; ; attempt += 1) {
        if (attempt > 1 || mayExist) {
          const merged = await mergedAt(api, request);
          if (merged !== undefined) return merged;
        }
        try {
          const { data } = await octokit.rest.pulls.merge({
            owner: repo.owner,
            repo: repo.repo,
            pull_number: request.pr,
            sha: request.sha,
            merge_method: request.method,
            request: { retries: 0 },
          });
          return { kind: 'merged', sha: data.sha };
        } catch (error) {
          const status = statusOf(error);
          if (status === 405 || status === 409 || status === 422) {
            const message =
              error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
            return { kind: 'refused', status, message };
          }
          if (!isTransient(error) || attempt >= api.attempts) throw error;
          await sleep(200 * attempt);
        }
      }
    },
    (outcome) =>
      outcome.kind === 'merged'
        ? { merge_sha: outcome.sha }
        : { refused: outcome.status, reason: outcome.message },
  );
}

/** The pull request's merge, if it is already merged at `request.sha` (an earlier attempt got through). */
async function mergedAt(api: GitHubApi, request: MergeRequest): Promise<MergeOutcome | undefined> {
  const { data } = await api.octokit.rest.pulls.get({
    owner: api.repo.owner,
    repo: api.repo.repo,
    pull_number: request.pr,
  });
  if (!data.merged) return undefined;
  return data.head.sha === request.sha
    ? { kind: 'merged', sha: data.merge_commit_sha ?? null }
    : {
        kind: 'refused',
        status: 409,
        message: `the pull request was merged at ${data.head.sha.slice(0, 7)}, not the approved head`,
      };
}
