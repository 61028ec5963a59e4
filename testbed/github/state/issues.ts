/**
 * Issues and their labels. Pull requests are issues too (same numbers, labels and comments); changes to
 * a pull request's issue half are reported as `pull_request` events, as GitHub does.
 */
import { GitHubError, notFound, validationFailed } from '../errors.js';
import type { Account, Issue, Label, Repository } from '../model.js';
import type { Actor, IssuesEvent } from './events.js';
import type { Store } from './store.js';

/** Fields of a new issue. */
export interface NewIssue {
  title: string;
  body?: string | null;
  labels?: string[];
  assignees?: string[];
}

/** Fields of an issue update; absent fields stay as they are. */
export interface IssueChanges {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  stateReason?: Issue['stateReason'];
  labels?: string[];
  assignees?: string[];
}

/** Fields of a new repository label. */
export interface NewLabel {
  name: string;
  color?: string;
  description?: string | null;
}

const ISSUES_DOCS = 'https://docs.github.com/rest/issues/issues';
const LABELS_DOCS = 'https://docs.github.com/rest/issues/labels';
const DEFAULT_LABEL_COLOR = 'ededed';

/** Creates, changes and reads issues and labels, emitting the events GitHub would send. */
export class IssuesApi {
  constructor(private readonly store: Store) {}

  /**
   * Opens an issue as `actor`. Emits `issues.opened`, then `issues.labeled` for each label (GitHub sends
   * both when an issue is created with labels). Labels that do not exist yet are created. Throws a 422
   * GitHubError for an unknown assignee.
   */
  create(repo: Repository, actor: Actor, fields: NewIssue): Issue {
    const issue = this.insert(repo, actor, fields, undefined);
    this.store.emit({ kind: 'issues', action: 'opened', repo, issue, actor });
    this.addLabels(repo, issue.number, actor, fields.labels ?? []);
    return issue;
  }

  /**
   * Stores a new issue record without emitting anything: the shared first step of opening an issue and
   * opening a pull request (`pullId` set), whose events differ.
   */
  insert(
    repo: Repository,
    actor: Actor,
    fields: Omit<NewIssue, 'labels'>,
    pullId: number | undefined,
  ): Issue {
    const now = this.store.now();
    const id = this.store.nextId('issue');
    const issue: Issue = {
      id,
      nodeId: this.store.nodeId('I', id),
      number: repo.nextNumber,
      title: fields.title,
      body: fields.body ?? null,
      user: actor.account,
      state: 'open',
      stateReason: null,
      labels: [],
      assignees: this.assignees(fields.assignees ?? []),
      locked: false,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      closedBy: null,
      pullId,
      parentIssueId: undefined,
      subIssueIds: [],
      viaAppId: actor.appId,
    };
    repo.nextNumber += 1;
    repo.issues.set(issue.number, issue);
    return issue;
  }

  /** The issue (or pull request's issue) numbered `number`. Throws a 404 GitHubError when there is none. */
  get(repo: Repository, number: number): Issue {
    const issue = repo.issues.get(number);
    if (issue === undefined)
      throw notFound(ISSUES_DOCS, `no issue #${number} in ${repo.owner.login}/${repo.name}`);
    return issue;
  }

  /** The issue with this id in any repository, with its repository, or undefined. */
  byId(issueId: number): { repo: Repository; issue: Issue } | undefined {
    for (const repo of this.store.repositories.values()) {
      for (const issue of repo.issues.values()) if (issue.id === issueId) return { repo, issue };
    }
    return undefined;
  }

  /**
   * Changes an issue as `actor` and emits what changed, in GitHub's order: `edited` (title/body, with
   * `changes`), `closed`/`reopened`, then `labeled`/`unlabeled` for a replaced label set.
   */
  update(repo: Repository, number: number, actor: Actor, changes: IssueChanges): Issue {
    const issue = this.get(repo, number);
    const now = this.store.now();
    const edited: NonNullable<IssuesEvent['changes']> = {};
    if (changes.title !== undefined && changes.title !== issue.title) {
      edited.title = { from: issue.title };
      issue.title = changes.title;
    }
    if (changes.body !== undefined && changes.body !== issue.body) {
      edited.body = { from: issue.body };
      issue.body = changes.body;
    }
    if (changes.assignees !== undefined) issue.assignees = this.assignees(changes.assignees);
    issue.updatedAt = now;
    if (Object.keys(edited).length > 0) this.emitIssue(repo, issue, actor, 'edited', { changes: edited });

    if (changes.state !== undefined && changes.state !== issue.state) {
      issue.state = changes.state;
      if (changes.state === 'closed') {
        issue.closedAt = now;
        issue.closedBy = actor.account;
        issue.stateReason = changes.stateReason ?? 'completed';
        this.emitIssue(repo, issue, actor, 'closed');
      } else {
        issue.closedAt = null;
        issue.closedBy = null;
        issue.stateReason = 'reopened';
        this.emitIssue(repo, issue, actor, 'reopened');
      }
    } else if (changes.stateReason !== undefined) {
      issue.stateReason = changes.stateReason;
    }
    if (changes.labels !== undefined) this.setLabels(repo, number, actor, changes.labels);
    return issue;
  }

  /** The labels of an issue, in the order they were added. */
  labelsOf(repo: Repository, issue: Issue): Label[] {
    return issue.labels
      .map((key) => repo.labels.get(key))
      .filter((label): label is Label => label !== undefined);
  }

  /**
   * Adds labels (creating unknown ones in the repository); emits `labeled` once per label that was not
   * there yet. Returns every label of the issue afterwards.
   */
  addLabels(repo: Repository, number: number, actor: Actor, names: string[]): Label[] {
    const issue = this.get(repo, number);
    for (const name of names) {
      const label = repo.labels.get(name.toLowerCase()) ?? this.createLabel(repo, { name });
      const key = label.name.toLowerCase();
      if (issue.labels.includes(key)) continue;
      issue.labels.push(key);
      issue.updatedAt = this.store.now();
      this.emitIssue(repo, issue, actor, 'labeled', { label });
    }
    return this.labelsOf(repo, issue);
  }

  /**
   * Removes one label and emits `unlabeled`. Returns the remaining labels. Throws a 404 GitHubError
   * ("Label does not exist") when the issue does not carry it, as GitHub does.
   */
  removeLabel(repo: Repository, number: number, actor: Actor, name: string): Label[] {
    const issue = this.get(repo, number);
    const key = name.toLowerCase();
    const label = repo.labels.get(key);
    if (label === undefined || !issue.labels.includes(key)) {
      throw new GitHubError(404, 'Label does not exist', `${LABELS_DOCS}#remove-a-label-from-an-issue`);
    }
    issue.labels = issue.labels.filter((held) => held !== key);
    issue.updatedAt = this.store.now();
    this.emitIssue(repo, issue, actor, 'unlabeled', { label });
    return this.labelsOf(repo, issue);
  }

  /** Replaces the labels of an issue, emitting `unlabeled`/`labeled` for the difference. */
  setLabels(repo: Repository, number: number, actor: Actor, names: string[]): Label[] {
    const issue = this.get(repo, number);
    const wanted = new Set(names.map((name) => name.toLowerCase()));
    for (const key of [...issue.labels]) {
      if (!wanted.has(key)) this.removeLabel(repo, number, actor, key);
    }
    return this.addLabels(repo, number, actor, names);
  }

  /**
   * Creates a repository label. Throws a 422 GitHubError when the name exists (any case) or the color
   * is not six hex digits.
   */
  createLabel(repo: Repository, fields: NewLabel): Label {
    const docs = `${LABELS_DOCS}#create-a-label`;
    const key = fields.name.toLowerCase();
    if (repo.labels.has(key))
      throw validationFailed(docs, [{ resource: 'Label', field: 'name', code: 'already_exists' }]);
    const color = (fields.color ?? DEFAULT_LABEL_COLOR).replace(/^#/, '');
    if (!/^[0-9a-fA-F]{6}$/.test(color))
      throw validationFailed(docs, [{ resource: 'Label', field: 'color', code: 'invalid' }]);
    const id = this.store.nextId('label');
    const label: Label = {
      id,
      nodeId: this.store.nodeId('LA', id),
      name: fields.name,
      color: color.toLowerCase(),
      description: fields.description ?? null,
      isDefault: false,
    };
    repo.labels.set(key, label);
    return label;
  }

  /**
   * Deletes a repository label and takes it off every issue that carries it (GitHub sends no `unlabeled`
   * events for that). Throws a 404 GitHubError when there is none.
   */
  deleteLabel(repo: Repository, name: string): void {
    const key = this.label(repo, name).name.toLowerCase();
    repo.labels.delete(key);
    for (const issue of repo.issues.values()) issue.labels = issue.labels.filter((held) => held !== key);
  }

  /** The repository label `name` (any case). Throws a 404 GitHubError when there is none. */
  label(repo: Repository, name: string): Label {
    const label = repo.labels.get(name.toLowerCase());
    if (label === undefined) throw notFound(`${LABELS_DOCS}#get-a-label`, `no label ${name}`);
    return label;
  }

  /** The issues of a repository (pull requests included, as GitHub lists them), by number. */
  list(repo: Repository): Issue[] {
    return [...repo.issues.values()].sort((a, b) => a.number - b.number);
  }

  /** Emits an issues event, or the pull_request event when the issue is a pull request's. */
  emitIssue(
    repo: Repository,
    issue: Issue,
    actor: Actor,
    action: IssuesEvent['action'],
    extra: Pick<IssuesEvent, 'label' | 'changes'> = {},
  ): void {
    const pull = issue.pullId === undefined ? undefined : repo.pulls.get(issue.number);
    if (pull !== undefined) {
      this.store.emit({ kind: 'pull_request', action, repo, issue, pull, actor, ...extra });
    } else {
      this.store.emit({ kind: 'issues', action, repo, issue, actor, ...extra });
    }
  }

  private assignees(logins: string[]): Account[] {
    return logins.map((login) => {
      const account = this.store.accountByLogin(login);
      if (account === undefined) {
        throw validationFailed(`${ISSUES_DOCS}#create-an-issue`, [
          { resource: 'Issue', field: 'assignees', code: 'invalid', value: login },
        ]);
      }
      return account;
    });
  }
}
