/**
 * The release gate as GitHub shows it on a commit: the `ai-orchestrator/release-gate` check run created by
 * THIS app. A check run of the same name from another app, or a commit status with that context, is not
 * the gate (checklist 21): anyone with write access can create those.
 */
import { RELEASE_GATE_CHECK } from '../../core/roles.js';
import type { GitHubApi } from './api.js';

export type GateCheck =
  | { state: 'green'; conclusion: 'success' | 'neutral'; url: string | null }
  | { state: 'not_green'; status: string; conclusion: string | null; url: string | null }
  | { state: 'missing'; others: number };

/** The newest release-gate check run of this app on commit `sha`, read now. */
export async function releaseGateOn(api: GitHubApi, sha: string): Promise<GateCheck> {
  const { octokit, repo } = api;
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: repo.owner,
    repo: repo.repo,
    ref: sha,
    check_name: RELEASE_GATE_CHECK,
    filter: 'all',
    per_page: 100,
  });
  const named = runs.filter((run) => run.name === RELEASE_GATE_CHECK && run.head_sha === sha);
  const ours = named.filter((run) => run.app?.id === api.app.id).sort((a, b) => b.id - a.id);
  const latest = ours[0];
  if (latest === undefined) return { state: 'missing', others: named.length };
  const url = latest.html_url ?? null;
  if (latest.status === 'completed' && (latest.conclusion === 'success' || latest.conclusion === 'neutral')) {
    return { state: 'green', conclusion: latest.conclusion, url };
  }
  return { state: 'not_green', status: latest.status, conclusion: latest.conclusion ?? null, url };
}
