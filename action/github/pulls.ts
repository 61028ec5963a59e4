/**
 * Pull requests of a stage: read one, find the open one of a branch, open or update the one a story's
 * branch delivers, list its files. Opening is idempotent: the open pull request of the branch is looked up
 * before and after a failed create, because a POST answered with an error may still have been stored.
 */
import { AI_GENERATED_LABEL } from '../../core/roles.js';
import type { GitHubClient } from './client.js';
import type { WriteGuard } from './pause.js';
import type { RepoRef } from './repository.js';

export interface PullInfo {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  title: string;
  body: string;
  headRef: string;
  headSha: string;
  /** The head's repository, `owner/name`; another one than the base's is a fork. */
  headRepository: string | undefined;
  baseRef: string;
  baseSha: string;
  labels: string[];
  author: string;
}

type PullData = Awaited<ReturnType<GitHubClient['rest']['pulls']['get']>>['data'];
type PullListItem = Awaited<ReturnType<GitHubClient['rest']['pulls']['list']>>['data'][number];

function pullInfo(data: PullData | PullListItem): PullInfo {
  return {
    number: data.number,
    state: data.state === 'open' ? 'open' : 'closed',
    merged: 'merged' in data ? data.merged : data.merged_at !== null,
    title: data.title,
    body: data.body ?? '',
    headRef: data.head.ref,
    headSha: data.head.sha,
    headRepository: data.head.repo?.full_name,
    baseRef: data.base.ref,
    baseSha: data.base.sha,
    labels: data.labels.map((label) => label.name ?? '').filter(Boolean),
    author: data.user?.login ?? 'ghost',
  };
}

/** Pull request `number`, as GitHub sees it now. */
export async function getPull(github: GitHubClient, repo: RepoRef, number: number): Promise<PullInfo> {
  const { data } = await github.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number });
  return pullInfo(data);
}

/** The open pull request from `branch` of the repository itself into `base`, if there is one. */
export async function findOpenPull(
  github: GitHubClient,
  repo: RepoRef,
  branch: string,
  base: string,
): Promise<PullInfo | undefined> {
  const { data } = await github.rest.pulls.list({
    owner: repo.owner,
    repo: repo.repo,
    state: 'open',
    head: `${repo.owner}:${branch}`,
    base,
    per_page: 10,
  });
  const found = data.find((pull) => pull.head.ref === branch && pull.base.ref === base);
  return found === undefined ? undefined : pullInfo(found);
}

export interface PullContent {
  title: string;
  body: string;
}

/**
 * Opens the pull request from `branch` into `base`, or updates the open one (a revision, or a run repeated
 * after a crash), and labels it `ai-generated`. Each write asks `guard` first.
 */
export async function deliverPull(
  github: GitHubClient,
  repo: RepoRef,
  guard: WriteGuard,
  spec: PullContent & { branch: string; base: string },
): Promise<{ pull: PullInfo; created: boolean }> {
  const existing = await findOpenPull(github, repo, spec.branch, spec.base);
  let pull: PullInfo;
  let created = false;
  if (existing !== undefined) {
    await guard.allow(`update pull request #${existing.number}`);
    const { data } = await github.rest.pulls.update({
      owner: repo.owner,
      repo: repo.repo,
      pull_number: existing.number,
      title: spec.title,
      body: spec.body,
    });
    pull = pullInfo(data);
  } else {
    await guard.allow(`open a pull request from ${spec.branch}`);
    try {
      const { data } = await github.rest.pulls.create({
        owner: repo.owner,
        repo: repo.repo,
        head: spec.branch,
        base: spec.base,
        title: spec.title,
        body: spec.body,
        // Retried by hand below: a retried POST could open a second pull request or fail as a duplicate.
        request: { retries: 0 },
      });
      pull = pullInfo(data);
      created = true;
    } catch (error) {
      const stored = await findOpenPull(github, repo, spec.branch, spec.base);
      if (stored === undefined) throw error;
      pull = stored;
      created = true;
    }
  }
  if (!pull.labels.includes(AI_GENERATED_LABEL)) {
    await guard.allow(`label pull request #${pull.number} ${AI_GENERATED_LABEL}`);
    await github.rest.issues.addLabels({
      owner: repo.owner,
      repo: repo.repo,
      issue_number: pull.number,
      labels: [AI_GENERATED_LABEL],
    });
    pull = { ...pull, labels: [...pull.labels, AI_GENERATED_LABEL] };
  }
  return { pull, created };
}

/** The repository-relative paths a pull request changes (renamed files under their new name), every page. */
export async function listPullFiles(github: GitHubClient, repo: RepoRef, number: number): Promise<string[]> {
  const files = await github.paginate(github.rest.pulls.listFiles, {
    owner: repo.owner,
    repo: repo.repo,
    pull_number: number,
    per_page: 100,
  });
  return files.map((file) => file.filename);
}
