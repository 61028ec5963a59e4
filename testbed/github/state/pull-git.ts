/**
 * What git says about a pull request, kept on its record whenever its head or base moves: whether it
 * merges cleanly, the test merge commit GitHub keeps at `refs/pull/<n>/merge` (its `merge_commit_sha`
 * while open), `refs/pull/<n>/head`, and the size of the change. Also the identities the fake commits as.
 */
import { BareRepository } from '../git/repository.js';
import type { GitIdentity, RefUpdate } from '../git/repository.js';
import type { Account, PullRequest, Repository } from '../model.js';

/** GitHub commits what it makes itself (merges, test merges, rebased commits) as this committer. */
export function githubIdentity(at: Date): GitIdentity {
  return { name: 'GitHub', email: 'noreply@github.com', at };
}

/** An account as the author of a commit: its name (or login) and GitHub's private noreply address. */
export function identityOf(account: Account, at: Date): GitIdentity {
  return {
    name: account.name ?? account.login,
    email: `${account.id}+${account.login}@users.noreply.github.com`,
    at,
  };
}

/** The bare repository of a repository record. */
export function gitOf(repo: Repository): BareRepository {
  return new BareRepository(repo.gitDir);
}

/**
 * Recomputes the git facts of pull requests from their current `headSha` and `baseSha`, and moves their
 * `refs/pull/*` refs in one transaction: a clean three-way merge gives `mergeable: true` and a fresh
 * test merge commit; a conflict gives `mergeable: false`, no merge ref and no `merge_commit_sha`, as on
 * GitHub.
 */
export function syncPullsWithGit(repo: Repository, pulls: readonly PullRequest[], at: Date): void {
  if (pulls.length === 0) return;
  const git = gitOf(repo);
  // Nothing else writes refs/pull/* (pushes to them are refused), so a failed update is a testbed bug.
  if (!git.updateRefs(pulls.flatMap((pull) => pullFacts(git, pull, at))))
    throw new Error(`could not move refs/pull/* of ${repo.name}`);
}

/** Sets one pull request's git facts; returns the updates of its refs. */
function pullFacts(git: BareRepository, pull: PullRequest, at: Date): RefUpdate[] {
  const merge = git.mergeTree(pull.baseSha, pull.headSha);
  pull.mergeable = merge.clean;
  const refs = `refs/pull/${pull.number}`;
  if (merge.clean) {
    pull.mergeCommitSha = git.commitTree({
      tree: merge.tree,
      parents: [pull.baseSha, pull.headSha],
      message: `Merge ${pull.headSha} into ${pull.baseSha}\n`,
      author: githubIdentity(at),
      committer: githubIdentity(at),
    });
  } else {
    pull.mergeCommitSha = null;
  }
  // Unrelated histories have no merge base, so nothing to count against.
  const related = merge.clean || merge.tree !== '';
  pull.stats = related
    ? { commits: git.countCommits(pull.baseSha, pull.headSha), ...git.diffStat(pull.baseSha, pull.headSha) }
    : { commits: 0, additions: 0, deletions: 0, changedFiles: 0 };
  return [
    { ref: `${refs}/head`, to: pull.headSha },
    { ref: `${refs}/merge`, to: pull.mergeCommitSha },
  ];
}
