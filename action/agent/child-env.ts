/**
 * The environment of a command an agent runs (checklist C 29): the runner's environment without anything
 * that could be a secret or steer later workflow steps. The commands run code from the branch under work,
 * which the model may have written, so whatever they can read, the model can exfiltrate.
 */
import { redactSecrets } from '../../core/sanitize.js';

/**
 * Names dropped whatever their value: anything naming a token, secret, key, password, credential or
 * auth, and whole families that carry credentials or workflow plumbing (`GITHUB_ENV`, `GITHUB_OUTPUT` and
 * `GITHUB_PATH` would let a command set variables for the steps after it).
 */
const SECRET_NAME =
  /TOKEN|SECRET|KEY|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|(?:^|_)PAT(?:_|$)/i;
const SECRET_FAMILY =
  /^(?:ANTHROPIC_|CLAUDE_|OPENAI_|ACTIONS_|GITHUB_|GH_|INPUT_|AWS_|AZURE_|ARM_|GOOGLE_|GCP_|GCLOUD_|CLOUDSDK_|VAULT_|DOCKER_|NPM_CONFIG_|YARN_NPM_|NODE_AUTH_|PGPASS|DATABASE_URL$)/i;

export interface ChildEnvironment {
  env: Record<string, string>;
  /** The names that were dropped, sorted, for the log (never their values). */
  removed: string[];
}

/**
 * Filters `parent` for a child process: drops variables whose name looks secret (see SECRET_NAME,
 * SECRET_FAMILY) and any whose value holds a token-shaped secret (GitHub, Anthropic, AWS, … see
 * core/sanitize redactSecrets). Keeps everything else, e.g. PATH, HOME, LANG, TMPDIR, CI.
 */
export function childEnvironment(parent: NodeJS.ProcessEnv): ChildEnvironment {
  const env: Record<string, string> = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name) || SECRET_FAMILY.test(name) || redactSecrets(value).count > 0)
      removed.push(name);
    else env[name] = value;
  }
  return { env, removed: removed.sort() };
}
