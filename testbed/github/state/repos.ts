/**
 * Repositories: creation, branches and their head SHAs, files, collaborators and their roles.
 *
 * Each repository is a bare git repository on disk (see `git/storage.ts`): branch heads and files are
 * git's. Commits made through this API are real commits; a push over HTTP lands in git first and is then
 * reported here ({@link ReposApi.reconcile}). Either way {@link ReposApi.recordMoves} follows the moved
 * branches: the branch map, the pull requests on them, and their `synchronize` events.
 */
import { posix } from 'node:path';
import { GitHubError, notFound, validationFailed } from '../errors.js';
import type { BareRepository, FileChanges, TreeEntry } from '../git/repository.js';
import type {
  Account,
  BaseRole,
  CollaboratorRole,
  Issue,
  MergeSettings,
  PullRequest,
  Repository,
} from '../model.js';
import type { Actor } from './events.js';
import { gitOf, identityOf, syncPullsWithGit } from './pull-git.js';
import type { Store } from './store.js';

export type { FileChanges } from '../git/repository.js';

/** What a new repository looks like. */
export interface RepositoryOptions {
  private?: boolean;
  description?: string;
  /** Default `main`. */
  defaultBranch?: string;
  /**
   * Files of the initial commit on the default branch (e.g. `.github/ai-orchestrator.yml`); without
   * any, the initial commit has an empty tree, as if created with `auto_init` and no README.
   */
  files?: Record<string, string | Uint8Array>;
  merge?: Partial<MergeSettings>;
}

/** One branch that moved: from `before` (undefined: created) to `after` (null: deleted). */
export interface BranchMove {
  branch: string;
  before: string | undefined;
  after: string | null;
}

/**
 * What a path names in a commit: a file with its bytes; a symlink with its target and, when the target is
 * a file of the repository, that file; a submodule with the URL `.gitmodules` gives it; or a directory
 * with its entries.
 */
export type PathContents =
  | { kind: 'file'; entry: TreeEntry; content: Buffer }
  | { kind: 'symlink'; entry: TreeEntry; target: string; file?: { entry: TreeEntry; content: Buffer } }
  | { kind: 'submodule'; entry: TreeEntry; url: string | undefined }
  | { kind: 'dir'; entry: TreeEntry; entries: TreeEntry[] };

const BASE_ROLE_ORDER: BaseRole[] = ['read', 'triage', 'write', 'maintain', 'admin'];

/** Names git accepts as tag or branch names in a `ref` parameter (no revision syntax such as `~`, `@{`). */
const PLAIN_REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/;

/** Changes keyed by paths without a leading slash (`/docs/a.md` and `docs/a.md` are the same file). */
function relative(changes: FileChanges): FileChanges {
  return Object.fromEntries(
    Object.entries(changes).map(([path, content]) => [path.replace(/^\/+/, ''), content]),
  );
}

/** True when `role` is at least `needed` (custom roles count as their base role). */
export function roleCovers(role: CollaboratorRole | undefined, needed: BaseRole): boolean {
  return role !== undefined && BASE_ROLE_ORDER.indexOf(role.base) >= BASE_ROLE_ORDER.indexOf(needed);
}

/** Creates and finds repositories, commits and moves branches, reads files, manages collaborators. */
export class ReposApi {
  constructor(private readonly store: Store) {}

  /**
   * Creates `owner/name` with its bare git repository and an initial commit (by the owner) on the
   * default branch. Throws a GitHubError: 404 for an unknown owner, 422 when the name is taken.
   */
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
    const git = this.store.git.create(id, defaultBranch);
    const author = identityOf(owner, now);
    const headSha = git.writeCommit({
      parents: [],
      changes: relative(options.files ?? {}),
      message: 'Initial commit\n',
      author,
      committer: author,
      createRef: `refs/heads/${defaultBranch}`,
    });
    const repo: Repository = {
      id,
      nodeId: this.store.nodeId('R', id),
      owner,
      name,
      private: options.private ?? false,
      description: options.description ?? null,
      defaultBranch,
      gitDir: git.gitDir,
      branches: new Map([[defaultBranch, headSha]]),
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

  /**
   * The path of the bare git repository of `owner/name`, for local clones and fetches (`git clone
   * <path>`). Pushes to it are refused: push over HTTP, where the fake authenticates the pusher and sends
   * the pull-request events. Throws a 404 GitHubError for an unknown repository.
   */
  gitDir(owner: string, name: string): string {
    return this.get(owner, name).gitDir;
  }

  /** The git plumbing of a repository, for the state's own modules. */
  git(repo: Repository): BareRepository {
    return gitOf(repo);
  }

  /** The head SHA of a branch, or undefined when the branch does not exist. */
  branchSha(repo: Repository, branch: string): string | undefined {
    return repo.branches.get(branch);
  }

  /**
   * Moves (or creates) `branch` to the existing commit `sha`, or, without `sha`, pushes a new empty
   * commit (by `actor`) on top of the branch (a new branch starts from the default branch's head).
   * Returns the new head. Open pull requests follow as for any push (see {@link recordMoves}). Throws a
   * 422 GitHubError when `sha` is not a commit of the repository, 409 when the branch moved meanwhile.
   */
  push(repo: Repository, branch: string, actor: Actor, sha?: string): string {
    const before = repo.branches.get(branch);
    let after: string;
    if (sha === undefined) {
      const parent = before ?? this.defaultHead(repo);
      after = this.commit(repo, [parent], {}, `Update ${branch}\n`, actor);
    } else {
      const found = this.git(repo).resolveCommit(sha);
      if (found === undefined || found !== sha.toLowerCase())
        throw validationFailed('https://docs.github.com/rest/git/refs', [
          { resource: 'Reference', field: 'sha', code: 'custom', message: 'Object does not exist' },
        ]);
      after = found;
    }
    this.publish(repo, branch, before, after, actor);
    return after;
  }

  /**
   * Commits file changes (path → content, null deletes) on `branch` as one new commit by `actor` with
   * `message` (default: `Update <paths>`), creating the branch from the default branch's head when new.
   * Returns the new head SHA. Throws a RangeError for a path no commit can hold, a 409 GitHubError when
   * the branch moved meanwhile.
   */
  commitFiles(
    repo: Repository,
    branch: string,
    actor: Actor,
    changes: FileChanges,
    message = `Update ${Object.keys(changes).join(', ')}\n`,
  ): string {
    const before = repo.branches.get(branch);
    const after = this.commit(repo, [before ?? this.defaultHead(repo)], relative(changes), message, actor);
    this.publish(repo, branch, before, after, actor);
    return after;
  }

  /** What `path` ('' for the root) names in commit `sha`, or undefined when nothing. */
  contents(repo: Repository, sha: string, path: string): PathContents | undefined {
    const git = this.git(repo);
    const entry = git.entry(sha, path);
    switch (entry?.kind) {
      case undefined:
        return undefined;
      case 'dir':
        return { kind: 'dir', entry, entries: git.list(sha, path) };
      case 'submodule':
        return { kind: 'submodule', entry, url: git.submoduleUrl(sha, path) };
      case 'file':
        return { kind: 'file', entry, content: git.blob(entry.sha) };
      case 'symlink': {
        const target = git.blob(entry.sha).toString('utf8');
        // Followed only to a file inside the repository, as GitHub does; one level, no chains.
        const resolved = posix.normalize(posix.join(posix.dirname(path), target));
        const inside = !posix.isAbsolute(target) && resolved !== '..' && !resolved.startsWith('../');
        const pointed = inside ? git.entry(sha, resolved) : undefined;
        return pointed?.kind === 'file'
          ? { kind: 'symlink', entry, target, file: { entry: pointed, content: git.blob(pointed.sha) } }
          : { kind: 'symlink', entry, target };
      }
    }
  }

  /**
   * The bytes the raw media type gives for `path` at `ref` (a file's content; a symlink's target file,
   * or else its target), or undefined when `ref`, the path or such bytes do not exist.
   */
  readFile(repo: Repository, ref: string, path: string): Buffer | undefined {
    const sha = this.resolveRef(repo, ref);
    const found = sha === undefined ? undefined : this.contents(repo, sha, path);
    if (found?.kind === 'file') return found.content;
    if (found?.kind === 'symlink') return found.file?.content ?? Buffer.from(found.target);
    return undefined;
  }

  /**
   * Resolves what the REST API accepts as a commit reference: a branch name, `heads/<branch>` or
   * `refs/heads/<branch>`, a tag (`v1`, `tags/v1`, `refs/tags/v1`), or a full or abbreviated SHA of a
   * commit in the repository. Returns the full SHA, or undefined when it names nothing.
   */
  resolveRef(repo: Repository, ref: string): string | undefined {
    const branch = repo.branches.get(ref.replace(/^(refs\/)?heads\//, ''));
    if (branch !== undefined) return branch;
    const git = this.git(repo);
    if (/^[0-9a-f]{7,40}$/i.test(ref)) {
      const sha = git.resolveCommit(ref);
      if (sha !== undefined) return sha;
    }
    if (!PLAIN_REF.test(ref)) return undefined;
    return git.resolveCommit(`refs/tags/${ref.replace(/^(refs\/)?tags\//, '')}`);
  }

  /** True when `sha` is the full SHA of a commit in the repository. */
  hasCommit(repo: Repository, sha: string): boolean {
    return /^[0-9a-f]{40}$/.test(sha) && this.git(repo).resolveCommit(sha) === sha;
  }

  /**
   * Takes in what a push over HTTP did: compares git's branches with {@link Repository.branches} and
   * records every difference as moved by `actor` (the authenticated pusher). Returns the moves.
   */
  reconcile(repo: Repository, actor: Actor): BranchMove[] {
    const inGit = this.git(repo).branches();
    const moves: BranchMove[] = [];
    for (const [branch, sha] of inGit) {
      const before = repo.branches.get(branch);
      if (before !== sha) moves.push({ branch, before, after: sha });
    }
    for (const [branch, before] of repo.branches) {
      if (!inGit.has(branch)) moves.push({ branch, before, after: null });
    }
    this.recordMoves(repo, moves, actor);
    return moves;
  }

  /**
   * Follows branches that git already moved (for the state's own modules; git must hold them first):
   * updates the branch map and `pushedAt`; for open pull requests, a moved base gives the new base SHA,
   * a moved head the new head SHA and a `pull_request.synchronize` with `actor` as sender, and either
   * recomputes mergeability and `refs/pull/<n>/*` from git.
   */
  recordMoves(repo: Repository, moves: readonly BranchMove[], actor: Actor): void {
    const moved = new Map<string, string | null>();
    for (const move of moves) {
      if (move.before === (move.after ?? undefined)) continue;
      moved.set(move.branch, move.after);
      if (move.after === null) repo.branches.delete(move.branch);
      else repo.branches.set(move.branch, move.after);
    }
    if (moved.size === 0) return;
    const now = this.store.now();
    repo.pushedAt = now;
    const synchronized: { pull: PullRequest; issue: Issue; before: string }[] = [];
    const changed: PullRequest[] = [];
    for (const pull of repo.pulls.values()) {
      const issue = repo.issues.get(pull.number);
      if (issue === undefined || issue.state !== 'open') continue;
      const base = moved.get(pull.baseRef);
      const head = moved.get(pull.headRef);
      // A deleted branch leaves the pull request where it was: there is nothing to compare against.
      if (typeof base === 'string') pull.baseSha = base;
      if (typeof head === 'string') {
        synchronized.push({ pull, issue, before: pull.headSha });
        pull.headSha = head;
      }
      if (typeof base === 'string' || typeof head === 'string') changed.push(pull);
    }
    // Git first, then the events: a subscriber that fetches refs/pull/<n>/* finds them current.
    syncPullsWithGit(repo, changed, now);
    for (const { pull, issue, before } of synchronized) {
      issue.updatedAt = now;
      this.store.emit({
        kind: 'pull_request',
        action: 'synchronize',
        repo,
        issue,
        pull,
        before,
        after: pull.headSha,
        actor,
      });
    }
  }

  /** The head of the default branch. */
  private defaultHead(repo: Repository): string {
    const head = repo.branches.get(repo.defaultBranch);
    if (head === undefined) throw new Error(`${repo.name} has no ${repo.defaultBranch} branch`);
    return head;
  }

  /** Writes a commit by `actor` (author and committer) without moving any ref. */
  private commit(
    repo: Repository,
    parents: string[],
    changes: FileChanges,
    message: string,
    actor: Actor,
  ): string {
    const identity = identityOf(actor.account, this.store.now());
    return this.git(repo).writeCommit({ parents, changes, message, author: identity, committer: identity });
  }

  /** Moves `branch` in git from `before` to `after` (compare-and-swap), then records the move. */
  private publish(
    repo: Repository,
    branch: string,
    before: string | undefined,
    after: string,
    actor: Actor,
  ): void {
    const ok = this.git(repo).updateRefs([{ ref: `refs/heads/${branch}`, to: after, from: before ?? null }]);
    // Only a push over HTTP can move a branch between reading it and updating it here.
    if (!ok) throw new GitHubError(409, `Reference refs/heads/${branch} moved while the commit was made`);
    this.recordMoves(repo, [{ branch, before, after }], actor);
  }

  /**
   * Deletes a branch in git and in the branch map; pull requests on it stay as they were. Throws a 422
   * GitHubError for the default branch, 404 when it does not exist, 409 when it moved meanwhile.
   */
  deleteBranch(repo: Repository, branch: string): void {
    if (branch === repo.defaultBranch) {
      throw validationFailed('https://docs.github.com/rest/git/refs#delete-a-reference', [
        { resource: 'Reference', code: 'custom', message: 'Cannot delete the default branch' },
      ]);
    }
    const before = repo.branches.get(branch);
    if (before === undefined) throw notFound(undefined, `no branch ${branch}`);
    if (!this.git(repo).updateRefs([{ ref: `refs/heads/${branch}`, to: null, from: before }])) {
      throw new GitHubError(409, `Reference refs/heads/${branch} moved while it was being deleted`);
    }
    repo.branches.delete(branch);
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
