/**
 * The issues the app opens (one sub-issue per story of an approved plan): created once, found again by
 * their hidden marker, and linked to their epic with the sub-issues API, which takes the child's issue
 * **id**, not its number.
 */
import { createOnce } from './create-once.js';
import type { GitHubApi } from './api.js';
import { isAppAccount, issueTarget, NO_AUTOMATIC_RETRY } from './api.js';
import { statusOf } from './errors.js';
import { hasMarker, withMarker } from './markers.js';
import type { WriteContext } from './types.js';

export interface IssueRef {
  number: number;
  /** The REST id (what the sub-issues API takes). */
  id: number;
  url: string;
}

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

/** The issue the app opened with the marker of `key` (searched among issues with `label`), or undefined. */
export async function findIssue(api: GitHubApi, key: string, label: string): Promise<IssueRef | undefined> {
  const { octokit, repo } = api;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner: repo.owner,
    repo: repo.repo,
    state: 'all',
    labels: label,
    sort: 'created',
    direction: 'desc',
    per_page: 100,
  })) {
    const found = page.data.find(
      (issue) =>
        issue.pull_request === undefined &&
        isAppAccount(api.app, issue.user?.login) &&
        hasMarker(issue.body, key),
    );
    if (found !== undefined) return { number: found.number, id: found.id, url: found.html_url };
  }
  return undefined;
}

/**
 * Opens an issue exactly once (marker `key`; `fields.labels` must be non-empty, the first one is used to
 * find it again).
 */
export async function openIssue(
  api: GitHubApi,
  key: string,
  fields: NewIssue,
  context: WriteContext,
  mayExist: boolean,
): Promise<IssueRef> {
  const { octokit, repo } = api;
  const [searchLabel] = fields.labels;
  if (searchLabel === undefined)
    throw new RangeError('openIssue: an issue the app opens carries a label to find it by');
  return api.gate.run(
    { action: 'issues.create', target: repo.fullName, context, detail: { key, title: fields.title } },
    () =>
      createOnce({
        mayExist,
        attempts: api.attempts,
        find: () => findIssue(api, key, searchLabel),
        create: async () => {
          const { data } = await octokit.rest.issues.create({
            owner: repo.owner,
            repo: repo.repo,
            title: fields.title,
            body: withMarker(fields.body, key),
            labels: fields.labels,
            ...NO_AUTOMATIC_RETRY,
          });
          return { number: data.number, id: data.id, url: data.html_url };
        },
      }),
    (issue) => ({ issue_number: issue.number }),
  );
}

/**
 * Replaces the body of the app's issue `number` (keeping the marker of `key`). `killSwitchExempt` only for
 * showing a change of the kill switch itself (see WriteSpec).
 */
export async function updateIssueBody(
  api: GitHubApi,
  number: number,
  key: string,
  body: string,
  context: WriteContext,
  options: { killSwitchExempt?: boolean } = {},
): Promise<void> {
  const { octokit, repo } = api;
  await api.gate.run(
    {
      action: 'issues.update',
      target: issueTarget(api, number),
      context,
      detail: { key },
      ...(options.killSwitchExempt === true ? { killSwitchExempt: true } : {}),
    },
    () =>
      octokit.rest.issues.update({
        owner: repo.owner,
        repo: repo.repo,
        issue_number: number,
        body: withMarker(body, key),
      }),
  );
}

/**
 * Makes `child` a sub-issue of issue `parent`. Safe to repeat: when GitHub refuses because the link
 * exists already, the child's parent is read back and the call succeeds if it is `parent`.
 */
export async function linkSubIssue(
  api: GitHubApi,
  parent: number,
  child: IssueRef,
  context: WriteContext,
): Promise<void> {
  const { octokit, repo } = api;
  await api.gate.run(
    {
      action: 'issues.addSubIssue',
      target: issueTarget(api, parent),
      context,
      detail: { sub_issue: child.number },
    },
    async () => {
      try {
        await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', {
          owner: repo.owner,
          repo: repo.repo,
          issue_number: parent,
          sub_issue_id: child.id,
        });
      } catch (error) {
        if (statusOf(error) !== 422 || !(await isSubIssueOf(api, child.number, parent))) throw error;
      }
    },
  );
}

async function isSubIssueOf(api: GitHubApi, child: number, parent: number): Promise<boolean> {
  try {
    const { data } = await api.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/parent', {
      owner: api.repo.owner,
      repo: api.repo.repo,
      issue_number: child,
    });
    return data.number === parent;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}
