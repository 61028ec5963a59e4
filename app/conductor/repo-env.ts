/**
 * Setting up the work on one repository for an event: the GitHub client of the installation, the
 * repository recorded with its installation (the heartbeat needs it later), and the policy from the
 * default branch. An invalid policy stops the work: the caller says so on the issue, once.
 */
import type { PolicyError } from '../../core/policy.js';
import { defaultPolicy } from '../../core/policy.js';
import { GitHub, repoRef } from '../github/index.js';
import type { Octokit, WriteContext } from '../github/index.js';
import { renderConfigErrors } from '../render/index.js';
import type { RepoEnv } from './env.js';
import type { Runtime } from './runtime.js';
import { createHash } from 'node:crypto';

export interface RepositoryPayload {
  full_name: string;
  default_branch?: string;
}

export type RepoEnvResult = { ok: true; env: RepoEnv } | { ok: false; errors: PolicyError[]; github: GitHub };

/** The environment of `repository` through `octokit` (the installation's client). */
export async function repoEnv(
  runtime: Runtime,
  octokit: Octokit,
  repository: RepositoryPayload,
  installationId: number | undefined,
): Promise<RepoEnvResult> {
  const app = await runtime.identity();
  const ref = repoRef(repository.full_name);
  const { store } = runtime;
  const client = (retries: number) =>
    new GitHub({
      octokit,
      store,
      repository: ref,
      app,
      retries,
      ...(repository.default_branch === undefined ? {} : { defaultBranch: repository.default_branch }),
    });
  const reader = client(defaultPolicy().retries.github_requests);
  if (installationId !== undefined) {
    const known = await store.repositories.get(ref.fullName);
    if (known?.installationId !== installationId)
      await store.repositories.upsert(ref.fullName, installationId);
  }
  const policy = await runtime.policy(ref.fullName, () => reader.readPolicy());
  if (!policy.ok) return { ok: false, errors: policy.errors, github: reader };
  return {
    ok: true,
    env: {
      store,
      github: client(policy.policy.retries.github_requests),
      policy: policy.policy,
      repository: ref,
      now: runtime.now,
      log: runtime.log,
      drains: runtime.drains,
      observer: runtime.observer,
      ...(runtime.dashboardIssues === undefined ? {} : { dashboardIssue: runtime.dashboardIssues }),
    },
  };
}

/**
 * Says on issue `number` that the configuration is invalid, naming every bad field: once per issue and
 * set of errors (the marker carries a digest of them), however many events run into it.
 */
export async function reportConfigErrors(
  github: GitHub,
  number: number,
  errors: readonly PolicyError[],
  context: WriteContext,
): Promise<void> {
  const digest = createHash('sha256').update(JSON.stringify(errors)).digest('hex').slice(0, 16);
  await github.comment(number, `config-error:${number}:${digest}`, renderConfigErrors(errors), context, {
    mayExist: true,
  });
}
