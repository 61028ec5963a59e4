/**
 * What every view needs: where the fake is reachable (API and web addresses) and the state, for the
 * facts a record does not hold itself (a user's role for `author_association`, an app for a check run).
 */
import type { GitHubState } from '../state.js';

/** The addresses objects link to: the REST API base and the web base (html_url). */
export class Urls {
  /**
   * @param api base of the REST API as the client used it, e.g. `http://127.0.0.1:4100` or
   *   `http://127.0.0.1:4100/api/v3` (GitHub Enterprise style), without a trailing slash.
   * @param web base of the web pages, e.g. `http://127.0.0.1:4100`.
   */
  constructor(
    readonly api: string,
    readonly web: string,
  ) {}

  /** `{api}/users/{login}` (the login percent-encoded: bots are `name[bot]`). */
  user(login: string): string {
    return `${this.api}/users/${encodeURIComponent(login)}`;
  }

  /** `{api}/repos/{owner}/{name}`. */
  repo(owner: string, name: string): string {
    return `${this.api}/repos/${owner}/${name}`;
  }

  /** `{web}/{owner}/{name}`. */
  repoHtml(owner: string, name: string): string {
    return `${this.web}/${owner}/${name}`;
  }
}

/** The context views render in. */
export interface ViewContext {
  urls: Urls;
  state: GitHubState;
}

/** GitHub's timestamp format: ISO 8601 in UTC, whole seconds (`2026-01-02T03:04:05Z`). */
export function timestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** {@link timestamp}, or null for a missing date. */
export function timestampOrNull(at: Date | null | undefined): string | null {
  return at === null || at === undefined ? null : timestamp(at);
}
