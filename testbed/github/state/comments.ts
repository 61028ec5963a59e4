/**
 * Comments on issues and pull requests (the "issue comments" of the REST API).
 */
import { notFound } from '../errors.js';
import type { IssueComment, Repository } from '../model.js';
import type { Actor } from './events.js';
import type { IssuesApi } from './issues.js';
import type { Store } from './store.js';

const COMMENTS_DOCS = 'https://docs.github.com/rest/issues/comments';

/** Creates, edits, deletes and lists issue comments, emitting `issue_comment` events. */
export class CommentsApi {
  constructor(
    private readonly store: Store,
    private readonly issues: IssuesApi,
  ) {}

  /**
   * Comments on issue or pull request `number` as `actor`; emits `issue_comment.created`. Throws a 404
   * GitHubError when there is no such issue.
   */
  create(repo: Repository, number: number, actor: Actor, body: string): IssueComment {
    const issue = this.issues.get(repo, number);
    const now = this.store.now();
    const id = this.store.nextId('comment');
    const comment: IssueComment = {
      id,
      nodeId: this.store.nodeId('IC', id),
      issueNumber: number,
      body,
      user: actor.account,
      createdAt: now,
      updatedAt: now,
      viaAppId: actor.appId,
    };
    repo.comments.set(id, comment);
    issue.updatedAt = now;
    this.store.emit({ kind: 'issue_comment', action: 'created', repo, issue, comment, actor });
    return comment;
  }

  /** The comment with this id. Throws a 404 GitHubError when there is none in the repository. */
  get(repo: Repository, commentId: number): IssueComment {
    const comment = repo.comments.get(commentId);
    if (comment === undefined) throw notFound(COMMENTS_DOCS, `no comment ${commentId}`);
    return comment;
  }

  /**
   * Replaces a comment's body as `actor`; emits `issue_comment.edited` with `changes.body.from`, even
   * when the text is unchanged (GitHub records the edit either way).
   */
  update(repo: Repository, commentId: number, actor: Actor, body: string): IssueComment {
    const comment = this.get(repo, commentId);
    const from = comment.body;
    comment.body = body;
    comment.updatedAt = this.store.now();
    const issue = this.issues.get(repo, comment.issueNumber);
    this.store.emit({
      kind: 'issue_comment',
      action: 'edited',
      repo,
      issue,
      comment,
      changes: { body: { from } },
      actor,
    });
    return comment;
  }

  /** Deletes a comment as `actor`; emits `issue_comment.deleted`. Throws 404 when it does not exist. */
  delete(repo: Repository, commentId: number, actor: Actor): void {
    const comment = this.get(repo, commentId);
    repo.comments.delete(commentId);
    const issue = this.issues.get(repo, comment.issueNumber);
    this.store.emit({ kind: 'issue_comment', action: 'deleted', repo, issue, comment, actor });
  }

  /** The comments of issue `number`, oldest first. Throws a 404 GitHubError when there is no such issue. */
  list(repo: Repository, number: number): IssueComment[] {
    this.issues.get(repo, number);
    return [...repo.comments.values()]
      .filter((comment) => comment.issueNumber === number)
      .sort((a, b) => a.id - b.id);
  }

  /** Every comment of the repository, oldest first. */
  listForRepository(repo: Repository): IssueComment[] {
    return [...repo.comments.values()].sort((a, b) => a.id - b.id);
  }
}
