/** Reading a pull request as it is now (its head, state and author), never as an old payload said. */
import type { GitHubApi } from './api.js';

export interface PullInfo {
  number: number;
  state: string;
  merged: boolean;
  headSha: string;
  headRef: string;
  author: string | null;
  url: string;
}

export async function getPull(api: GitHubApi, number: number): Promise<PullInfo> {
  const { data } = await api.octokit.rest.pulls.get({
    owner: api.repo.owner,
    repo: api.repo.repo,
    pull_number: number,
  });
  return {
    number: data.number,
    state: data.state,
    merged: data.merged,
    headSha: data.head.sha,
    headRef: data.head.ref,
    author: data.user?.login ?? null,
    url: data.html_url,
  };
}
