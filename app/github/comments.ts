/**
 * Comments the app writes: created once (found again by their hidden marker), and edited in place.
 * Only comments written by the app itself count as found, so a human pasting a marker into their own
 * comment cannot make the app believe it already said something.
 */
import { createOnce } from './create-once.js';
import type { GitHubApi } from './api.js';
import { isAppAccount, issueTarget, NO_AUTOMATIC_RETRY } from './api.js';
import { hasMarker, withMarker } from './markers.js';
import type { WriteContext } from './types.js';

export interface CommentRef {
  id: number;
  url: string;
}

export interface CommentOptions {
  /** An earlier attempt may have posted it already (a repeated step): look for it first. */
  mayExist?: boolean;
  /** Only for the replies to `/pause`, `/resume` and `/status` (see WriteGate). */
  killSwitchExempt?: boolean;
}

/** The app's comment on issue `number` that carries the marker of `key`, or undefined. */
export async function findComment(
  api: GitHubApi,
  number: number,
  key: string,
): Promise<CommentRef | undefined> {
  const { octokit, repo } = api;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: repo.owner,
    repo: repo.repo,
    issue_number: number,
    per_page: 100,
  })) {
    const found = page.data.find(
      (comment) => isAppAccount(api.app, comment.user?.login) && hasMarker(comment.body, key),
    );
    if (found !== undefined) return { id: found.id, url: found.html_url };
  }
  return undefined;
}

/** Posts `body` (with the marker of `key`) on issue or pull request `number`, exactly once. */
export async function postComment(
  api: GitHubApi,
  number: number,
  key: string,
  body: string,
  context: WriteContext,
  options: CommentOptions = {},
): Promise<CommentRef> {
  const { octokit, repo } = api;
  return api.gate.run(
    {
      action: 'issues.createComment',
      target: issueTarget(api, number),
      context,
      detail: { key },
      ...(options.killSwitchExempt === true ? { killSwitchExempt: true } : {}),
    },
    () =>
      createOnce({
        mayExist: options.mayExist ?? false,
        attempts: api.attempts,
        find: () => findComment(api, number, key),
        create: async () => {
          const { data } = await octokit.rest.issues.createComment({
            owner: repo.owner,
            repo: repo.repo,
            issue_number: number,
            body: withMarker(body, key),
            ...NO_AUTOMATIC_RETRY,
          });
          return { id: data.id, url: data.html_url };
        },
      }),
    (comment) => ({ comment_id: comment.id }),
  );
}

/** Replaces the text of the app's comment `id` (keeping the marker of `key`). */
export async function editComment(
  api: GitHubApi,
  id: number,
  number: number,
  key: string,
  body: string,
  context: WriteContext,
): Promise<void> {
  const { octokit, repo } = api;
  await api.gate.run(
    {
      action: 'issues.updateComment',
      target: issueTarget(api, number),
      context,
      detail: { key, comment_id: id },
    },
    () =>
      octokit.rest.issues.updateComment({
        owner: repo.owner,
        repo: repo.repo,
        comment_id: id,
        body: withMarker(body, key),
      }),
  );
}
