/** The repository a stage works on, as the REST API's path parameters name it. */

export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * `owner/name` as a RepoRef. Throws a RangeError for anything else (empty parts, spaces, more slashes),
 * since a malformed name would address another repository's endpoints.
 */
export function parseRepository(fullName: string): RepoRef {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(fullName.trim());
  if (match === null) {
    throw new RangeError(`not a repository as owner/name: ${JSON.stringify(fullName)}`);
  }
  return { owner: match[1]!, repo: match[2]! };
}

/** `owner/name`. */
export const fullName = (repo: RepoRef): string => `${repo.owner}/${repo.repo}`;
