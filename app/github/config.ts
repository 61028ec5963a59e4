/**
 * The repository's policy, read from `.github/ai-orchestrator.yml` on the DEFAULT branch only (no `ref`
 * is sent, so GitHub answers from the default branch): a pull request can never loosen its own policy
 * (design §7). No file means the default policy. Probot's `context.config` is not used because it follows
 * `_extends` into other repositories and tolerates repeated keys; core's strict parser does neither.
 */
import { CONFIG_FILE_PATH, parseConfigYaml, PolicySyntaxError, resolvePolicy } from '../../core/policy.js';
import type { PolicyResult } from '../../core/policy.js';
import type { GitHubApi } from './api.js';
import { statusOf } from './errors.js';

/** A configuration file larger than this is refused rather than parsed. */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** The effective policy, or every problem of the file (a syntax error counts as one problem). */
export async function readPolicy(api: GitHubApi): Promise<PolicyResult> {
  let text: string | undefined;
  try {
    const { data } = await api.octokit.rest.repos.getContent({
      owner: api.repo.owner,
      repo: api.repo.repo,
      path: CONFIG_FILE_PATH,
    });
    if (Array.isArray(data) || data.type !== 'file') {
      return problem(`${CONFIG_FILE_PATH} is not a file`);
    }
    if (data.size > MAX_CONFIG_BYTES) {
      return problem(`${CONFIG_FILE_PATH} is ${data.size} bytes; the limit is ${MAX_CONFIG_BYTES}`);
    }
    if (!('content' in data) || typeof data.content !== 'string' || data.encoding !== 'base64') {
      return problem(`${CONFIG_FILE_PATH} could not be read (GitHub sent no base64 content)`);
    }
    text = Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  if (text === undefined) return resolvePolicy(undefined);
  try {
    return resolvePolicy(parseConfigYaml(text, CONFIG_FILE_PATH));
  } catch (error) {
    if (error instanceof PolicySyntaxError) return problem(error.detail);
    throw error;
  }
}

function problem(message: string): PolicyResult {
  return { ok: false, errors: [{ path: '(file)', message }] };
}
