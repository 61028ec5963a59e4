/**
 * Pull requests: opening, listing, changing and merging, with GitHub's refusals (422 for a bad head or
 * a duplicate, 405 when not mergeable, 409 when the head moved since the caller looked). Mergeability
 * and merges are git's: a three-way merge without a worktree, or a rebase in a throwaway one.
 */
import { GitHubError, notFound, validationFailed } from '../errors.js';
import type { Issue, PullRequest, Repository } from '../model.js';
import type { Actor } from './events.js';
import type { IssuesApi } from './issues.js';
import { githubIdentity, identityOf, syncPullsWithGit } from './pull-git.js';
import type { ReposApi } from './repos.js';
import type { Store } from './store.js';

/** Fields of a new pull request. `head` is a branch, or `owner:branch` with the repository's owner. */
export interface NewPullRequest {
  title: string;
  head: string;
  base: string;
  body?: string | null;
  draft?: boolean;
  maintainerCanModify?: boolean;
}

/** Changes to a pull request; absent fields stay as they are. */
export interface PullChanges {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  maintainerCanModify?: boolean;
}

/** A merge request. `sha`, when given, must be the current head (GitHub's optimistic lock). */
export interface MergeRequest {
  sha?: string;
  mergeMethod?: 'merge' | 'squash' | 'rebase';
  commitTitle?: string;
  commitMessage?: string;
}

/** A pull request with its issue half. */
export interface PullWithIssue {
  pull: PullRequest;
  issue: Issue;
}

const DOCS = 'https://docs.github.com/rest/pulls/pulls';

const METHOD_REFUSALS = {
  merge: 'Merge commits are not allowed on this repository.',
  squash: 'Squash merges are not allowed on this repository.',
  rebase: 'Rebase merges are not allowed on this repository.',
} as const;

/** Opens, reads, changes and merges pull requests. */
export class PullsApi {
  constructor(
    private readonly store: Store,
    private readonly issues: IssuesApi,
    private readonly repos: ReposApi,
  ) {}

  /**
   * Opens a pull request as `actor` and emits `pull_request.opened`. Throws a 422 GitHubError when the
   * head or base branch does not exist, the head is another owner's (forks are not modelled), the head
   * has no commits the base lacks, the two share no history, or an open pull request already exists for
   * that head and base.
   */
  create(repo: Repository, actor: Actor, fields: NewPullRequest): PullWithIssue {
    const docs = `${DOCS}#create-a-pull-request`;
    const [headOwner, headRef] = fields.head.includes(':')
      ? fields.head.split(':', 2)
      : [repo.owner.login, fields.head];
    const invalid = (field: string) =>
      validationFailed(docs, [{ resource: 'PullRequest', field, code: 'invalid' }]);
    if (headOwner?.toLowerCase() !== repo.owner.login.toLowerCase() || headRef === undefined)
      throw invalid('head');
    const headSha = this.repos.branchSha(repo, headRef);
    if (headSha === undefined) throw invalid('head');
    const baseSha = this.repos.branchSha(repo, fields.base);
    if (baseSha === undefined) throw invalid('base');
    const custom = (message: string) =>
      validationFailed(docs, [{ resource: 'PullRequest', code: 'custom', message }]);
    const mergeBase = this.repos.git(repo).mergeBase(baseSha, headSha);
    if (mergeBase === undefined)
      throw custom(`The ${headRef} branch has no history in common with ${fields.base}`);
    if (mergeBase === headSha) throw custom(`No commits between ${fields.base} and ${headRef}`);
    for (const { pull, issue } of this.list(repo)) {
      if (issue.state === 'open' && pull.headRef === headRef && pull.baseRef === fields.base) {
        throw custom(`A pull request already exists for ${repo.owner.login}:${headRef}.`);
      }
    }
    const pullId = this.store.nextId('pull');
    const issue = this.issues.insert(repo, actor, { title: fields.title, body: fields.body ?? null }, pullId);
    const pull: PullRequest = {
      id: pullId,
      nodeId: this.store.nodeId('PR', pullId),
      number: issue.number,
      headRef,
      headSha,
      baseRef: fields.base,
      baseSha,
      draft: fields.draft ?? false,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      mergeCommit: null,
      mergeable: false,
      stats: { commits: 0, additions: 0, deletions: 0, changedFiles: 0 },
      maintainerCanModify: fields.maintainerCanModify ?? false,
    };
    syncPullsWithGit(repo, [pull], this.store.now());
    repo.pulls.set(pull.number, pull);
    this.store.emit({ kind: 'pull_request', action: 'opened', repo, issue, pull, actor });
    return { pull, issue };
  }

  /** Pull request `number` with its issue. Throws a 404 GitHubError when there is none. */
  get(repo: Repository, number: number): PullWithIssue {
    const pull = repo.pulls.get(number);
    const issue = repo.issues.get(number);
    if (pull === undefined || issue === undefined)
      throw notFound(`${DOCS}#get-a-pull-request`, `no pull request #${number}`);
    return { pull, issue };
  }

  /** Every pull request of the repository, by number. */
  list(repo: Repository): PullWithIssue[] {
    return [...repo.pulls.keys()].sort((a, b) => a - b).map((number) => this.get(repo, number));
  }

  /**
   * Changes title, body or state as `actor` (events as for issues: `edited`, `closed`, `reopened`, sent as
   * `pull_request`). Throws a 422 GitHubError when reopening a merged pull request.
   */
  update(repo: Repository, number: number, actor: Actor, changes: PullChanges): PullWithIssue {
    const { pull } = this.get(repo, number);
    if (changes.state === 'open' && pull.merged) {
      throw validationFailed(`${DOCS}#update-a-pull-request`, [
        {
          resource: 'PullRequest',
          field: 'state',
          code: 'custom',
          message: 'Cannot reopen a merged pull request',
        },
      ]);
    }
    if (changes.maintainerCanModify !== undefined) pull.maintainerCanModify = changes.maintainerCanModify;
    const { maintainerCanModify: _pullOnly, ...issueChanges } = changes;
    this.issues.update(repo, number, actor, issueChanges);
    return this.get(repo, number);
  }

  /**
   * Merges as `actor` the way GitHub does, in git: `merge` commits the three-way merge with both heads as
   * parents (author: `actor`); `squash` commits the same tree with the base as only parent (author: the
   * pull request's author); `rebase` replays the head's commits onto the base. The committer is GitHub.
   * The base branch moves (compare-and-swap), the pull request is closed as merged, and
   * `pull_request.closed` is emitted. Returns the SHA now at the base's head. Throws a GitHubError: 405
   * when it is closed, a draft, does not merge cleanly (a rebase that does not apply included), or the
   * method is disabled; 409 when `sha` is not the head or the base moved during the merge.
   */
  merge(repo: Repository, number: number, actor: Actor, request: MergeRequest = {}): string {
    const docs = `${DOCS}#merge-a-pull-request`;
    const { pull, issue } = this.get(repo, number);
    const method = request.mergeMethod ?? 'merge';
    const allowed = {
      merge: repo.merge.allowMergeCommit,
      squash: repo.merge.allowSquashMerge,
      rebase: repo.merge.allowRebaseMerge,
    };
    const notMergeable = (detail?: string) =>
      new GitHubError(405, 'Pull Request is not mergeable', docs, detail === undefined ? {} : { detail });
    const git = this.repos.git(repo);
    /** Which files conflict, for the test's eyes (`x-testbed-detail`); GitHub's body does not say. */
    const conflicts = () =>
      `conflicts with ${pull.baseRef}: ${git.mergeTree(pull.baseSha, pull.headSha).conflicts.join(', ') || 'no shared history'}`;
    if (issue.state !== 'open' || pull.merged) throw notMergeable();
    if (!allowed[method]) throw new GitHubError(405, METHOD_REFUSALS[method], docs);
    if (pull.draft) throw new GitHubError(405, 'Pull Request is still a draft', docs);
    if (!pull.mergeable) throw notMergeable(conflicts());
    if (request.sha !== undefined && request.sha !== pull.headSha) {
      throw new GitHubError(409, 'Head branch was modified. Review and try the merge again.', docs);
    }
    const now = this.store.now();
    const base = pull.baseSha;
    const title =
      request.commitTitle ??
      (method === 'squash'
        ? `${issue.title} (#${number})`
        : `Merge pull request #${number} from ${repo.owner.login}/${pull.headRef}`);
    const message =
      request.commitMessage ??
      (method === 'squash'
        ? git
            .messages(base, pull.headSha)
            .map((each) => `* ${each}`)
            .join('\n\n')
        : issue.title);
    let mergeSha: string | undefined;
    if (method === 'rebase') {
      // GitHub takes no title or message for a rebase: the replayed commits keep theirs.
      mergeSha = git.rebase(base, pull.headSha, githubIdentity(now), this.store.git.scratchDir);
    } else {
      const merged = git.mergeTree(base, pull.headSha);
      if (merged.clean) {
        mergeSha = git.commitTree({
          tree: merged.tree,
          parents: method === 'merge' ? [base, pull.headSha] : [base],
          message: message === '' ? `${title}\n` : `${title}\n\n${message}\n`,
          author: identityOf(method === 'merge' ? actor.account : issue.user, now),
          committer: githubIdentity(now),
        });
      }
    }
    if (mergeSha === undefined)
      throw notMergeable(method === 'rebase' ? 'a commit does not apply on the base' : conflicts());
    if (!git.updateRefs([{ ref: `refs/heads/${pull.baseRef}`, to: mergeSha, from: base }])) {
      throw new GitHubError(409, 'Base branch was modified. Review and try the merge again.', docs);
    }
    pull.merged = true;
    pull.mergedAt = now;
    pull.mergedBy = actor.account;
    pull.mergeCommitSha = mergeSha;
    pull.mergeCommit = { method, title, message };
    // Close first, then record the base's move: the merged pull request is no longer open when it moves.
    issue.state = 'closed';
    issue.stateReason = 'completed';
    issue.closedAt = now;
    issue.closedBy = actor.account;
    issue.updatedAt = now;
    this.repos.recordMoves(repo, [{ branch: pull.baseRef, before: base, after: mergeSha }], actor);
    this.issues.emitIssue(repo, issue, actor, 'closed');
    return mergeSha;
  }
}
