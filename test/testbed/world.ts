/**
 * A small world for the GitHub testbed tests: organization `acme` with repository `widgets`, people with
 * different roles, and the orchestrator app installed on the organization.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import type { App, GitHubTestbed, Installation, Repository } from '../../testbed/github/index.js';

/** Octokit's request log prints every refused request; the tests assert on them instead. */
export const quietLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** An Octokit for the testbed at `baseUrl` with `auth` (a token), without retries or logging. */
export function client(baseUrl: string, auth: string): Octokit {
  return new Octokit({ baseUrl, auth, log: quietLog, request: { retries: 0 } });
}

/** One RSA key per test file: generating one per test would cost ~100 ms each. */
export const APP_PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

export interface World {
  repo: Repository;
  app: App;
  installation: Installation;
  /** An Octokit with an installation token of the app for acme. */
  bot: Octokit;
  /** Octokits acting as people: alice (write), mallory (read), ops (admin). */
  alice: Octokit;
  mallory: Octokit;
}

/** Resets the testbed and builds the world; `webhookUrl` points the app's deliveries somewhere. */
export function buildWorld(github: GitHubTestbed, webhook?: { url: string; secret: string }): World {
  github.reset();
  const { state } = github;
  state.accounts.createOrganization('acme');
  state.accounts.createUser('alice');
  state.accounts.createUser('mallory');
  state.accounts.createUser('ops');
  const repo = state.repos.create('acme', 'widgets');
  state.repos.addCollaborator(repo, 'alice', 'write');
  state.repos.addCollaborator(repo, 'mallory', 'read');
  state.repos.addCollaborator(repo, 'ops', 'admin');
  const app = state.apps.createApp({
    slug: 'ai-orchestrator',
    privateKeyPem: APP_PRIVATE_KEY,
    ...(webhook === undefined ? {} : { webhookUrl: webhook.url, webhookSecret: webhook.secret }),
  });
  const installation = state.apps.install(app, 'acme');
  const token = state.apps.createInstallationToken(installation.id);
  const octokit = (auth: string) => client(github.url, auth);
  return {
    repo,
    app,
    installation,
    bot: octokit(token.token),
    alice: octokit(state.accounts.createUserToken('alice')),
    mallory: octokit(state.accounts.createUserToken('mallory')),
  };
}

/** The `owner`/`repo` parameters of acme/widgets. */
export const WIDGETS = { owner: 'acme', repo: 'widgets' } as const;

/** Runs `fn`, expecting Octokit to reject; returns the error's status and response body. */
export async function rejection(
  fn: () => Promise<unknown>,
): Promise<{ status: number; data: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await fn();
  } catch (error) {
    const failure = error as {
      status?: number;
      response?: { data: unknown; headers: Record<string, string> };
    };
    if (failure.status === undefined) throw error;
    return {
      status: failure.status,
      data: (failure.response?.data ?? {}) as Record<string, unknown>,
      headers: failure.response?.headers ?? {},
    };
  }
  throw new Error('expected the request to be rejected');
}
