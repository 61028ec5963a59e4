/**
 * The policy of a stage run, read from the repository's DEFAULT branch through the API (design §7): a
 * pull request can change `.github/ai-orchestrator.yml` on its own branch, and must not loosen its own
 * rules by doing so. The checkout the stage works in is never consulted for it.
 */
import { CONFIG_FILE_PATH, parseConfigYaml, resolvePolicy } from '../../core/policy.js';
import type { Policy } from '../../core/policy.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './client.js';
import type { RepoRef } from './repository.js';
import { fullName } from './repository.js';

/** The default branch: the one given (the action's input), else the repository's as GitHub reports it. */
export async function resolveDefaultBranch(
  github: GitHubClient,
  repo: RepoRef,
  given: string | undefined,
): Promise<string> {
  if (given !== undefined && given.trim() !== '') return given.trim();
  const { data } = await github.rest.repos.get({ owner: repo.owner, repo: repo.repo });
  return data.default_branch;
}

/**
 * The effective policy: `.github/ai-orchestrator.yml` at `defaultBranch` merged over the default policy,
 * or the default policy when the file does not exist there. Throws an Error naming
 * `owner/repo:.github/ai-orchestrator.yml@branch` and every problem when the file is not a valid policy.
 */
export async function readDefaultBranchPolicy(
  github: GitHubClient,
  repo: RepoRef,
  defaultBranch: string,
): Promise<Policy> {
  const source = `${fullName(repo)}:${CONFIG_FILE_PATH}@${defaultBranch}`;
  let text: string | undefined;
  try {
    const { data } = await github.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path: CONFIG_FILE_PATH,
      ref: defaultBranch,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data) || data.encoding !== 'base64') {
      throw new Error(
        `${source}: expected a file with its content, got a ${Array.isArray(data) ? 'folder' : data.type}`,
      );
    }
    text = Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
  }
  const result = resolvePolicy(text === undefined ? undefined : parseConfigYaml(text, source));
  if (!result.ok) {
    throw new Error(
      `${source} is not a valid policy: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  return result.policy;
}
