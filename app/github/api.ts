/**
 * What every GitHub operation of the app is given: the installation client, the repository, the write
 * gate (kill switch + audit), who the app is, and how many times a failed create may be tried.
 */
import type { RepoRef } from './types.js';
import type { Octokit } from './types.js';
import type { WriteGate } from './write-gate.js';

/** The app itself: its id (check-run ownership) and its bot login (its comments, its issues). */
export interface AppIdentity {
  id: number;
  slug: string;
  /** `<slug>[bot]`, as `sender.login` and `user.login` show it. */
  login: string;
}

export interface GitHubApi {
  octokit: Octokit;
  repo: RepoRef;
  gate: WriteGate;
  app: AppIdentity;
  /** POSTs one idempotent create may send (policy `retries.github_requests` + 1). */
  attempts: number;
}

/** Whether an account is the app's bot (case-insensitive, as GitHub logins are). */
export function isAppAccount(app: AppIdentity, login: string | null | undefined): boolean {
  return typeof login === 'string' && login.toLowerCase() === app.login.toLowerCase();
}

/** `owner/repo#12`, the audit target of an issue or pull request. */
export const issueTarget = (api: GitHubApi, number: number): string => `${api.repo.fullName}#${number}`;

/** Octokit request options that switch plugin-retry off for one request (idempotent creates retry themselves). */
export const NO_AUTOMATIC_RETRY = { request: { retries: 0 } } as const;
