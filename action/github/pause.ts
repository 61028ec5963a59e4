/**
 * The kill switch as the actions see it (design §7: "the actions check it before every write").
 *
 * The app keeps `/pause` in its own database, which a workflow job cannot read. So the app mirrors the
 * switch into the repository itself: while the repository is paused, a repository label named
 * {@link PAUSED_LABEL} exists (the app creates it on `/pause` and deletes it on `/resume`). Its existence,
 * not its use on any issue, is the signal: one read (`GET /repos/{owner}/{repo}/labels/ai:paused`), the
 * same for every stage whatever issue or pull request it works on, readable with any token that can read
 * the repository, and failing safe (a person who creates the label by hand pauses the actions too).
 *
 * The label is read again before every write rather than once per run, because a run can last minutes and
 * `/pause` must stop the writes that have not happened yet.
 */
import { PAUSED_LABEL } from '../../core/roles.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './client.js';
import type { RepoRef } from './repository.js';

export { PAUSED_LABEL };

/** A write was about to happen while the repository is paused; nothing was written for it. */
export class RepositoryPausedError extends Error {
  constructor(readonly write: string) {
    super(
      `the repository is paused (the ${PAUSED_LABEL} label exists; /resume removes it): stopped before ${write}; it was not done`,
    );
    this.name = 'RepositoryPausedError';
  }
}

/** Whether the repository is paused now. Rejects for any answer but 200 (paused) and 404 (not paused). */
export async function isPaused(github: GitHubClient, repo: RepoRef): Promise<boolean> {
  try {
    await github.rest.issues.getLabel({ owner: repo.owner, repo: repo.repo, name: PAUSED_LABEL });
    return true;
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

/** What every write of a stage asks first. */
export interface WriteGuard {
  /** Resolves when `write` (e.g. "push ai/12-greet") may happen; rejects with RepositoryPausedError if not. */
  allow(write: string): Promise<void>;
}

/** The guard of one stage run on `repo`: asks GitHub before each write and logs what it allowed. */
export function pauseGuard(github: GitHubClient, repo: RepoRef, log: (line: string) => void): WriteGuard {
  return {
    allow: async (write) => {
      if (await isPaused(github, repo)) throw new RepositoryPausedError(write);
      log(`not paused: ${write}`);
    },
  };
}
