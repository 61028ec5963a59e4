/**
 * Reading issues and their discussion. What comes back is untrusted text for a model: the stages sanitise
 * and fence it (action/agent), these functions only choose what may be shown at all.
 */
import type { GitHubClient } from './client.js';
import type { RepoRef } from './repository.js';

export interface IssueText {
  number: number;
  title: string;
  /** The body, '' when empty. */
  body: string;
  labels: string[];
  author: string;
}

/** Issue `number` (a pull request's issue half too). */
export async function readIssue(github: GitHubClient, repo: RepoRef, number: number): Promise<IssueText> {
  const { data } = await github.rest.issues.get({ owner: repo.owner, repo: repo.repo, issue_number: number });
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? '',
    labels: data.labels
      .map((label) => (typeof label === 'string' ? label : (label.name ?? '')))
      .filter(Boolean),
    author: data.user?.login ?? 'ghost',
  };
}

export interface HumanComment {
  author: string;
  createdAt: string;
  body: string;
}

/** The first line of a comment is a slash command (`/approve`, `/clarify …`): it is for the app, not the model. */
const COMMAND = /^\s*\/[a-z]+\b/i;

/**
 * The comments people wrote on issue `number`, oldest first, that may be shown to a model:
 * - only `User` accounts: bots (the app's own included) speak for themselves elsewhere;
 * - never a comment edited after it was written (design §7: an edit can change what a command was given
 *   on, so the text at run time is not the text people saw);
 * - never a slash command, whose content (a `/clarify` answer, a `/reject` reason) the app passes in the
 *   stage's context instead, checked against who may give it.
 */
export async function readHumanComments(
  github: GitHubClient,
  repo: RepoRef,
  number: number,
): Promise<HumanComment[]> {
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner: repo.owner,
    repo: repo.repo,
    issue_number: number,
    per_page: 100,
  });
  return comments
    .filter((comment) => comment.user?.type === 'User')
    .filter((comment) => comment.updated_at === comment.created_at)
    .filter((comment) => !COMMAND.test(comment.body ?? ''))
    .map((comment) => ({
      author: comment.user?.login ?? 'ghost',
      createdAt: comment.created_at,
      body: comment.body ?? '',
    }))
    .filter((comment) => comment.body.trim() !== '');
}
