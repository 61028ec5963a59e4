/**
 * The errors of the GitHub edge: the kill switch refusing a write, and how a failed request is classified
 * (Octokit's RequestError carries `status`; a network failure surfaces as a 500 or without a status).
 */

/**
 * A write refused because the repository is paused (`/pause`). Nothing was sent to GitHub; the work that
 * wanted the write stays queued until `/resume`.
 */
export class RepositoryPausedError extends Error {
  override readonly name = 'RepositoryPausedError';
  constructor(
    readonly repository: string,
    readonly action: string,
  ) {
    super(`${repository} is paused (/pause): ${action} was not sent; /resume lets the app write again`);
  }
}

/** The HTTP status of a failed Octokit request, or undefined when there was no answer. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const { status } = error as { status: unknown };
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether a failed request may have been applied by GitHub and is worth retrying: a 5xx answer or no
 * answer at all (reset connection, timeout). 4xx answers are GitHub's decision and are not retried here.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof RepositoryPausedError) return false;
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

/** One line about a failed request, for replies and logs: `502 Bad Gateway` or the error message. */
export function describeError(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  return status === undefined ? firstLine : `${status}: ${firstLine}`;
}
