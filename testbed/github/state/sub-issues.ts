/**
 * Sub-issues: the parent/child links between issues that the orchestrator uses for an epic's stories.
 * The REST API names the child by its issue **id**, not its number; the fake holds clients to that.
 */
import { notFound, validationFailed } from '../errors.js';
import type { Issue, Repository } from '../model.js';
import type { IssuesApi } from './issues.js';
import type { Store } from './store.js';

const DOCS = 'https://docs.github.com/rest/issues/sub-issues';

/** Links, unlinks and lists sub-issues. */
export class SubIssuesApi {
  constructor(
    private readonly store: Store,
    private readonly issues: IssuesApi,
  ) {}

  /**
   * Makes the issue with id `subIssueId` a sub-issue of issue `parentNumber` and returns it. The child
   * must belong to a repository of the same owner. Throws a GitHubError: 404 when no issue has that id
   * (what a client sending the issue's number gets), 422 when it is the parent itself, a pull request,
   * already a sub-issue of this parent, or of another parent and `replaceParent` is not set.
   */
  add(repo: Repository, parentNumber: number, subIssueId: number, replaceParent = false): Issue {
    const parent = this.issues.get(repo, parentNumber);
    const found = this.issues.byId(subIssueId);
    if (found === undefined || found.repo.owner.id !== repo.owner.id) {
      throw notFound(
        `${DOCS}#add-sub-issue`,
        `no issue with id ${subIssueId} (the API takes the issue id, not its number)`,
      );
    }
    const child = found.issue;
    const refuse = (message: string) =>
      validationFailed(`${DOCS}#add-sub-issue`, [
        { resource: 'Issue', field: 'sub_issue_id', code: 'custom', message },
      ]);
    if (child.id === parent.id) throw refuse('An issue cannot be a sub-issue of itself');
    if (child.pullId !== undefined) throw refuse('Pull requests cannot be sub-issues');
    if (child.parentIssueId === parent.id) throw refuse('Issue is already a sub-issue of this issue');
    if (child.parentIssueId !== undefined) {
      if (!replaceParent)
        throw refuse('Issue may not contain duplicate sub-issues and can only have one parent');
      const previous = this.issues.byId(child.parentIssueId);
      if (previous !== undefined) {
        previous.issue.subIssueIds = previous.issue.subIssueIds.filter((id) => id !== child.id);
      }
    }
    child.parentIssueId = parent.id;
    parent.subIssueIds.push(child.id);
    parent.updatedAt = this.store.now();
    return child;
  }

  /**
   * Unlinks the sub-issue with id `subIssueId` from parent `parentNumber` and returns it. Throws a 404
   * GitHubError when it is not a sub-issue of that parent.
   */
  remove(repo: Repository, parentNumber: number, subIssueId: number): Issue {
    const parent = this.issues.get(repo, parentNumber);
    const found = this.issues.byId(subIssueId);
    if (found === undefined || found.issue.parentIssueId !== parent.id) {
      throw notFound(
        `${DOCS}#remove-sub-issue`,
        `issue ${subIssueId} is not a sub-issue of #${parentNumber}`,
      );
    }
    found.issue.parentIssueId = undefined;
    parent.subIssueIds = parent.subIssueIds.filter((id) => id !== subIssueId);
    parent.updatedAt = this.store.now();
    return found.issue;
  }

  /** The sub-issues of issue `parentNumber`, in the order they were added, with their repositories. */
  list(repo: Repository, parentNumber: number): { repo: Repository; issue: Issue }[] {
    const parent = this.issues.get(repo, parentNumber);
    return parent.subIssueIds
      .map((id) => this.issues.byId(id))
      .filter((found): found is { repo: Repository; issue: Issue } => found !== undefined);
  }

  /** The parent of an issue, with its repository, or undefined. */
  parentOf(issue: Issue): { repo: Repository; issue: Issue } | undefined {
    return issue.parentIssueId === undefined ? undefined : this.issues.byId(issue.parentIssueId);
  }
}
