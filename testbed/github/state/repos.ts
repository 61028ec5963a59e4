/**
 * Repositories: creation, branches and their head SHAs, collaborators and their roles.
 *
 * There is no git server yet: a branch is a name and a head SHA, moved with {@link ReposApi.push}, and a
 * commit is a SHA with a flat map of files (enough for the contents API and Probot's config). A later git
 * server can own `Repository.branches` and `commits` and call `push` when a ref moves, so pull requests
 * get their `synchronize` events either way.
 */
import { notFound, validationFailed } from '../errors.js';
import { strToU8 } from 'fflate';
import type { Account, BaseRole, CollaboratorRole, FileTree, MergeSettings, Repository } from '../model.js';
import type { Actor } from './events.js';
import type { Store } from './store.js';

/** What a new repository looks like. */
export interface RepositoryOptions {
  private?: boolean;
  description?: string;
  /** Default `main`. */
  defaultBranch?: string;
  /** Head SHA of the default branch; default a fresh one. */
  headSha?: string;
  /** Files of the default branch's head commit (e.g. `.github/ai-orchestrator.yml`). */
  files?: Record<string, string | Uint8Array>;
  merge?: Partial<MergeSettings>;
}

/** File changes of a commit: path → new content, or null to delete the file. */
export type FileChanges = Record<string, string | Uint8Array | null>;

/** Applies changes to a tree, returning a new tree. */
function applyChanges(tree: FileTree, changes: FileChanges): FileTree {
  const next = new Map(tree);
  for (const [path, content] of Object.entries(changes)) {
    const key = path.replace(/^\/+/, '');
    if (content === null) next.delete(key);
    else next.set(key, typeof content === 'string' ? strToU8(content) : content);
  }
  return next;
}

const BASE_ROLE_ORDER: BaseRole[] = ['read', 'triage', 'write', 'maintain', 'admin'];

/** True when `role` is at least `needed` (custom roles count as their base role). */
export function roleCovers(role: CollaboratorRole | undefined, needed: BaseRole): boolean {
  return role !== undefined && BASE_ROLE_ORDER.indexOf(role.base) >= BASE_ROLE_ORDER.indexOf(needed);
}

/** Creates and finds repositories, moves branches, manages collaborators. */
export class ReposApi {
  constructor(private readonly store: Store) {}

  /** Creates `owner/name`. Throws a GitHubError: 404 for an unknown owner, 422 when the name is taken. */
  create(ownerLogin: string, name: string, options: RepositoryOptions = {}): Repository {
    const owner = this.store.accountByLogin(ownerLogin);
    if (owner === undefined) throw notFound(undefined, `no account ${ownerLogin}`);
    if (this.store.repositoryByName(ownerLogin, name) !== undefined) {
      throw validationFailed('https://docs.github.com/rest/repos/repos#create-an-organization-repository', [
        {
          resource: 'Repository',
          field: 'name',
          code: 'custom',
          message: 'name already exists on this account',
        },
      ]);
    }
    const id = this.store.nextId('repository');
    const now = this.store.now();
    const defaultBranch = options.defaultBranch ?? 'main';
    const headSha = options.headSha ?? this.store.newSha();
    const repo: Repository = {
      id,
      nodeId: this.store.nodeId('R', id),
      owner,
      name,
      private: options.private ?? false,
      description: options.description ?? null,
      defaultBranch,
      branches: new Map([[defaultBranch, headSha]]),
      commits: new Map([[headSha, applyChanges(new Map(), options.files ?? {})]]),
      merge: { allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: true, ...options.merge },
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      labels: new Map(),
      collaborators: new Map(),
      nextNumber: 1,
      issues: new Map(),
      pulls: new Map(),
      comments: new Map(),
      checkSuites: new Map(),
      checkRuns: new Map(),
      statuses: [],
      workflows: new Map(),
      runs: new Map(),
      artifacts: new Map(),
    };
    this.store.repositories.set(id, repo);
    return repo;
  }

  /** The repository `owner/name` (case-insensitive). Throws a 404 GitHubError when there is none. */
  get(owner: string, name: string): Repository {
    const repo = this.store.repositoryByName(owner, name);
    if (repo === undefined) throw notFound(undefined, `no repository ${owner}/${name}`);
    return repo;
  }

  /** The repository with this id. Throws a 404 GitHubError when there is none. */
  byId(id: number): Repository {
    const repo = this.store.repositories.get(id);
    if (repo === undefined) throw notFound(undefined, `no repository with id ${id}`);
    return repo;
  }

  /** The head SHA of a branch, or undefined when the branch does not exist. */
  branchSha(repo: Repository, branch: string): string | undefined {
    return repo.branches.get(branch);
  }

  /**
   * Moves (or creates) `branch` to `sha` (default: a fresh SHA, as if someone pushed a commit) and returns
   * the new head. A new commit gets `tree`, or else the files of the branch's previous head (for a new
   * branch: of the default branch's head). Open pull requests whose head is that branch follow it and emit
   * `pull_request.synchronize` (actor: who pushed); those based on it get the new base SHA.
   */
  push(
    repo: Repository,
    branch: string,
    actor: Actor,
    sha: string = this.store.newSha(),
    tree?: FileTree,
  ): string {
    const before = repo.branches.get(branch);
    if (!repo.commits.has(sha)) {
      const parent = before ?? repo.branches.get(repo.defaultBranch);
      repo.commits.set(
        sha,
        tree ?? (parent === undefined ? undefined : repo.commits.get(parent)) ?? new Map(),
      );
    }
    repo.branches.set(branch, sha);
    repo.pushedAt = this.store.now();
    if (before === sha) return sha;
    for (const pull of repo.pulls.values()) {
      const issue = repo.issues.get(pull.number);
      if (issue === undefined || issue.state !== 'open') continue;
      if (pull.baseRef === branch) pull.baseSha = sha;
      if (pull.headRef !== branch) continue;
      const previous = pull.headSha;
      pull.headSha = sha;
      issue.updatedAt = this.store.now();
      this.store.emit({
        kind: 'pull_request',
        action: 'synchronize',
        repo,
        issue,
        pull,
        before: previous,
        after: sha,
        actor,
      });
    }
    return sha;
  }

  /**
   * Commits file changes on `branch` (created from the default branch if new) as one new commit and pushes
   * it; returns the new head SHA.
   */
  commitFiles(repo: Repository, branch: string, actor: Actor, changes: FileChanges): string {
    const parent = repo.branches.get(branch) ?? repo.branches.get(repo.defaultBranch);
    const base = (parent === undefined ? undefined : repo.commits.get(parent)) ?? new Map();
    return this.push(repo, branch, actor, this.store.newSha(), applyChanges(base, changes));
  }

  /** The files of the commit `ref` names (SHA, branch), or undefined when it names none. */
  tree(repo: Repository, ref: string): FileTree | undefined {
    const sha = this.resolveRef(repo, ref);
    return sha === undefined ? undefined : repo.commits.get(sha);
  }

  /**
   * Resolves what the REST API accepts as a commit reference: a known SHA, a branch name, or
   * `heads/<branch>` / `refs/heads/<branch>`. Returns undefined when it names nothing.
   */
  resolveRef(repo: Repository, ref: string): string | undefined {
    if (repo.commits.has(ref)) return ref;
    const branch = ref.replace(/^(refs\/)?heads\//, '');
    return repo.branches.get(branch);
  }

  /** Deletes a branch. Throws a 422 GitHubError for the default branch, 404 when it does not exist. */
  deleteBranch(repo: Repository, branch: string): void {
    if (branch === repo.defaultBranch) {
      throw validationFailed('https://docs.github.com/rest/git/refs#delete-a-reference', [
        { resource: 'Reference', code: 'custom', message: 'Cannot delete the default branch' },
      ]);
    }
    if (!repo.branches.delete(branch)) throw notFound(undefined, `no branch ${branch}`);
  }

  /**
   * Gives `login` a role on the repository: a base role (`write`), or a custom role name with the base
   * role it extends. Throws a 404 GitHubError for an unknown login.
   */
  addCollaborator(repo: Repository, login: string, role: BaseRole | CollaboratorRole): void {
    const account = this.store.accountByLogin(login);
    if (account === undefined) throw notFound(undefined, `no account ${login}`);
    repo.collaborators.set(account.id, typeof role === 'string' ? { roleName: role, base: role } : role);
  }

  /** Removes a collaborator; nothing happens if `login` was not one. */
  removeCollaborator(repo: Repository, login: string): void {
    const account = this.store.accountByLogin(login);
    if (account !== undefined) repo.collaborators.delete(account.id);
  }

  /**
   * The role of an account on the repository: admin for the owner of a personal repository, the
   * collaborator role if any, otherwise undefined (no role; `read` on a public repository comes from
   * visibility, not from a role).
   */
  roleOf(repo: Repository, account: Account): CollaboratorRole | undefined {
    if (repo.owner.id === account.id) return { roleName: 'admin', base: 'admin' };
    return repo.collaborators.get(account.id);
  }

  /** True when the account can see the repository: it is public, or the account has a role on it. */
  canSee(repo: Repository, account: Account): boolean {
    return !repo.private || this.roleOf(repo, account) !== undefined;
  }

  /** The collaborators of a repository with their roles, in the order they were added. */
  collaborators(repo: Repository): { account: Account; role: CollaboratorRole }[] {
    const out: { account: Account; role: CollaboratorRole }[] = [];
    if (repo.owner.type === 'User')
      out.push({ account: repo.owner, role: { roleName: 'admin', base: 'admin' } });
    for (const [id, role] of repo.collaborators) {
      const account = this.store.accounts.get(id);
      if (account !== undefined) out.push({ account, role });
    }
    return out;
  }
}
