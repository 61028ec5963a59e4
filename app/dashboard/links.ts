/** Addresses of GitHub's web pages, from the REST API base the app is configured with. */

/**
 * The web address of the GitHub an API base belongs to: `https://api.github.com` → `https://github.com`;
 * a GitHub Enterprise Server `https://ghe.example.com/api/v3` → `https://ghe.example.com`.
 */
export function githubWebUrl(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  if (url.hostname.startsWith('api.') && url.pathname.replace(/\/+$/, '') === '') {
    // GitHub Enterprise Cloud with data residency: api.<sub>.ghe.com serves <sub>.ghe.com.
    return `${url.protocol}//${url.host.slice('api.'.length)}`;
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}

/** `owner/name` with each part percent-encoded. */
const path = (repository: string): string => repository.split('/').map(encodeURIComponent).join('/');

export const repositoryUrl = (web: string, repository: string): string => `${web}/${path(repository)}`;

export const issueUrl = (web: string, repository: string, issue: number): string =>
  `${repositoryUrl(web, repository)}/issues/${issue}`;

export const pullUrl = (web: string, repository: string, pr: number): string =>
  `${repositoryUrl(web, repository)}/pull/${pr}`;
