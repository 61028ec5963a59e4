/**
 * The types the GitHub edge shares: the installation client Probot hands out, and the repository a client
 * works on.
 */
import type { ProbotOctokit } from 'probot';

/** An installation client: Probot's Octokit, with its retry and throttling plugins. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/** A repository, as the REST API's path parameters name it and as the store keys it (`owner/name`). */
export interface RepoRef {
  owner: string;
  repo: string;
  /** `owner/name`. */
  fullName: string;
}

/**
 * The repository `owner/name` as a RepoRef. Throws a RangeError for anything that is not exactly two
 * non-empty parts, since a malformed name would address another repository's endpoints.
 */
export function repoRef(fullName: string): RepoRef {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName);
  if (match === null)
    throw new RangeError(`not a repository full name (owner/name): ${JSON.stringify(fullName)}`);
  return { owner: match[1]!, repo: match[2]!, fullName };
}

/** What an audit entry says about why a write was made: the item, the run and the person behind it. */
export interface WriteContext {
  itemId?: string | null;
  runKey?: string | null;
  runId?: number | null;
  /** The GitHub login whose action led to the write (a commenter, the labeller); absent for the app's own. */
  causedBy?: string;
}
