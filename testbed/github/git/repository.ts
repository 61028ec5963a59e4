/**
 * One bare git repository of the offline GitHub, and the plumbing the fake needs on it: commits written
 * without a worktree (`fast-import`), atomic compare-and-swap ref updates (`update-ref --stdin`), three-way
 * merges without a worktree (`merge-tree --write-tree`), tree and blob reads, and a rebase in a throwaway
 * worktree (git 2.39's `merge-tree` cannot replay a commit onto another base).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runGit, runGitIn } from './run.js';

/** Who made a commit, and when (git stores whole seconds). */
export interface GitIdentity {
  name: string;
  email: string;
  at: Date;
}

/** File changes of a commit: path → new content, or null to delete the file. */
export type FileChanges = Record<string, string | Uint8Array | null>;

/** An entry of a tree, as `ls-tree -l` reports it. */
export interface TreeEntry {
  /** Path from the repository root. */
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'submodule';
  mode: string;
  sha: string;
  /** Bytes of a blob; 0 for trees and submodules. */
  size: number;
}

/** One ref change of a transaction. `from`: the value it must have (null: must not exist; absent: any). */
export interface RefUpdate {
  ref: string;
  /** The new value; null deletes the ref. */
  to: string | null;
  from?: string | null;
}

/** What a three-way merge of two commits gives. */
export interface MergeResult {
  /** False when a file conflicts (or the histories are unrelated). */
  clean: boolean;
  /** The merged tree; meaningful only when clean. */
  tree: string;
  /** Paths that conflict. */
  conflicts: string[];
}

const ZERO_SHA = '0000000000000000000000000000000000000000';
/** fast-import needs a ref to build a commit on; this one is reset to nothing before the run ends. */
const SCRATCH_REF = 'refs/testbed/import';

/**
 * Checks a path a commit writes: relative, no empty, `.` or `..` segments, no `.git` segment, no control
 * characters (GitHub refuses such paths too). Throws a RangeError otherwise.
 */
export function assertRepoPath(path: string): void {
  const segments = path.split('/');
  const bad = segments.find(
    (segment) => segment === '' || segment === '.' || segment === '..' || segment.toLowerCase() === '.git',
  );
  // eslint-disable-next-line no-control-regex
  if (bad !== undefined || /[\x00-\x1f\x7f]/.test(path)) {
    throw new RangeError(`${JSON.stringify(path)} is not a path a commit can hold`);
  }
}

/** fast-import's C-style quoting, mandatory for some names and accepted for all. */
function quotePath(path: string): string {
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The `Name <email> seconds +0000` form of fast-import's author and committer lines. */
function identityLine(identity: GitIdentity): string {
  return `${safeName(identity.name)} <${identity.email}> ${Math.floor(identity.at.getTime() / 1000)} +0000`;
}

/** Git refuses `<`, `>` and newlines in names; GitHub display names may hold them. */
function safeName(name: string): string {
  return name.replace(/[<>\n\r]/g, '').trim() || 'unknown';
}

/** Git's date form for the environment: seconds since the epoch, UTC. */
function gitDate(at: Date): string {
  return `@${Math.floor(at.getTime() / 1000)} +0000`;
}

/** The environment that gives `rebase` its committer. */
function committerEnvironment(committer: GitIdentity): Record<string, string> {
  return {
    GIT_COMMITTER_NAME: safeName(committer.name),
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: gitDate(committer.at),
  };
}

/** The environment that gives `commit-tree` its author and committer. */
function identityEnvironment(author: GitIdentity, committer: GitIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: safeName(author.name),
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: gitDate(author.at),
    ...committerEnvironment(committer),
  };
}

const KINDS: Record<string, TreeEntry['kind']> = { blob: 'file', tree: 'dir', commit: 'submodule' };

/** Parses `ls-tree -z -l` output. */
function parseTree(output: Buffer): TreeEntry[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', type = '', sha = '', size = '-'] = line.slice(0, tab).split(/ +/);
      const kind = mode === '120000' ? 'symlink' : KINDS[type];
      if (kind === undefined) throw new Error(`unexpected ls-tree entry ${line}`);
      return { path: line.slice(tab + 1), kind, mode, sha, size: size === '-' ? 0 : Number(size) };
    });
}

/** A bare repository on disk. */
export class BareRepository {
  constructor(readonly gitDir: string) {}

  /**
   * Creates a bare repository at `gitDir` whose HEAD names `defaultBranch`, from `templateDir` (its
   * `config` and `hooks` are copied in).
   */
  static init(gitDir: string, defaultBranch: string, templateDir: string): BareRepository {
    runGit([
      'init',
      '--quiet',
      '--bare',
      `--template=${templateDir}`,
      `--initial-branch=${defaultBranch}`,
      gitDir,
    ]);
    return new BareRepository(gitDir);
  }

  /** Branch name → head SHA, read from the refs. */
  branches(): Map<string, string> {
    const { stdout } = runGitIn(this.gitDir, [
      'for-each-ref',
      '--format=%(objectname) %(refname:lstrip=2)',
      'refs/heads/',
    ]);
    const out = new Map<string, string>();
    for (const line of stdout.toString('utf8').split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) out.set(line.slice(space + 1), line.slice(0, space));
    }
    return out;
  }

  /** The full SHA of the commit `rev` names (a full or abbreviated SHA), or undefined. */
  resolveCommit(rev: string): string | undefined {
    const { stdout, status } = runGitIn(
      this.gitDir,
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
      { ok: [0, 1, 128] },
    );
    return status === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /**
   * Writes a commit with `parents` whose tree is the first parent's (or an empty one) with `changes`
   * applied, and returns its SHA. No ref moves — the caller publishes it with {@link updateRefs} — unless
   * `createRef` is given: a ref that does not exist yet, which the same process then creates (a new
   * repository's first branch, one process fewer; no compare-and-swap, so not for existing refs).
   */
  writeCommit(commit: {
    parents: readonly string[];
    changes: FileChanges;
    message: string;
    author: GitIdentity;
    committer: GitIdentity;
    createRef?: string;
  }): string {
    const parts: Buffer[] = [];
    const text = (value: string) => parts.push(Buffer.from(value, 'utf8'));
    const data = (bytes: Buffer) => {
      text(`data ${bytes.byteLength}\n`);
      parts.push(bytes);
      text('\n');
    };
    text(`commit ${commit.createRef ?? SCRATCH_REF}\nmark :1\n`);
    text(`author ${identityLine(commit.author)}\ncommitter ${identityLine(commit.committer)}\n`);
    data(Buffer.from(commit.message, 'utf8'));
    const [first, ...others] = commit.parents;
    // Without `from`, a commit on a ref fast-import has not seen starts from an empty tree.
    if (first !== undefined) text(`from ${first}\n`);
    for (const parent of others) text(`merge ${parent}\n`);
    for (const [path, content] of Object.entries(commit.changes)) {
      assertRepoPath(path);
      if (content === null) {
        text(`D ${quotePath(path)}\n`);
        continue;
      }
      text(`M 100644 inline ${quotePath(path)}\n`);
      data(typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content));
    }
    text('\nget-mark :1\n');
    if (commit.createRef === undefined) text(`reset ${SCRATCH_REF}\nfrom ${ZERO_SHA}\n\n`);
    text('done\n');
    const { stdout, status, stderr } = runGitIn(this.gitDir, ['fast-import', '--quiet', '--done'], {
      input: Buffer.concat(parts),
      ok: [0, 1],
    });
    // fast-import exits 1 when it wrote the objects but would not move an existing ref.
    if (status !== 0)
      throw new Error(`fast-import did not move ${commit.createRef ?? SCRATCH_REF}: ${stderr.trim()}`);
    return stdout.toString('utf8').trim();
  }

  /** Writes a commit of an existing tree (a merge result) and returns its SHA. */
  commitTree(commit: {
    tree: string;
    parents: readonly string[];
    message: string;
    author: GitIdentity;
    committer: GitIdentity;
  }): string {
    const parents = commit.parents.flatMap((parent) => ['-p', parent]);
    const { stdout } = runGitIn(this.gitDir, ['commit-tree', commit.tree, ...parents, '-F', '-'], {
      input: commit.message,
      env: identityEnvironment(commit.author, commit.committer),
    });
    return stdout.toString('utf8').trim();
  }

  /**
   * Applies ref changes as one transaction: all or none. Returns false when a ref did not hold its
   * expected `from` value (someone moved it first); throws on any other failure.
   */
  updateRefs(updates: readonly RefUpdate[]): boolean {
    const lines = updates.map(({ ref, to, from }) => {
      if (to === null) return `delete ${ref}${from === undefined || from === null ? '' : ` ${from}`}`;
      if (from === null) return `create ${ref} ${to}`;
      return `update ${ref} ${to}${from === undefined ? '' : ` ${from}`}`;
    });
    const { status, stderr } = runGitIn(this.gitDir, ['update-ref', '--stdin'], {
      input: `${lines.join('\n')}\n`,
      ok: [0, 128],
    });
    if (status === 0) return true;
    if (/cannot lock ref|reference already exists|unable to resolve reference/.test(stderr)) return false;
    throw new Error(`update-ref failed: ${stderr.trim()}`);
  }

  /** The three-way merge of two commits (their merge base computed by git), without a worktree. */
  mergeTree(ours: string, theirs: string): MergeResult {
    const { stdout, status, stderr } = runGitIn(
      this.gitDir,
      ['merge-tree', '--write-tree', '--no-messages', '--name-only', '-z', ours, theirs],
      { ok: [0, 1, 128] },
    );
    if (status === 128) {
      if (/unrelated histories/.test(stderr)) return { clean: false, tree: '', conflicts: [] };
      throw new Error(`merge-tree failed: ${stderr.trim()}`);
    }
    const [tree = '', ...conflicts] = stdout.toString('utf8').split('\0');
    return { clean: status === 0, tree, conflicts: [...new Set(conflicts.filter((path) => path !== ''))] };
  }

  /** The best common ancestor of two commits, or undefined when their histories are unrelated. */
  mergeBase(a: string, b: string): string | undefined {
    const { stdout, status } = runGitIn(this.gitDir, ['merge-base', a, b], { ok: [0, 1] });
    return status === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /** The full messages of the commits reachable from `head` but not from `base`, oldest first. */
  messages(base: string, head: string): string[] {
    const { stdout } = runGitIn(this.gitDir, ['log', '--reverse', '-z', '--format=%B', head, `^${base}`]);
    return stdout
      .toString('utf8')
      .split('\0')
      .map((message) => message.trim())
      .filter((message) => message !== '');
  }

  /** How many commits are reachable from `head` but not from `base`. */
  countCommits(base: string, head: string): number {
    const { stdout } = runGitIn(this.gitDir, ['rev-list', '--count', head, `^${base}`]);
    return Number(stdout.toString('utf8').trim());
  }

  /** Lines added and removed and files changed from the merge base of `base` and `head` to `head`. */
  diffStat(base: string, head: string): { additions: number; deletions: number; changedFiles: number } {
    const { stdout } = runGitIn(this.gitDir, ['diff', '--shortstat', '--find-renames', `${base}...${head}`]);
    const text = stdout.toString('utf8');
    const count = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    return {
      changedFiles: count(/(\d+) files? changed/),
      additions: count(/(\d+) insertions?\(\+\)/),
      deletions: count(/(\d+) deletions?\(-\)/),
    };
  }

  /** The entry at `path` in `commit` (the root tree for ''), or undefined when there is none. */
  entry(commit: string, path: string): TreeEntry | undefined {
    if (path === '') {
      const { stdout } = runGitIn(this.gitDir, ['rev-parse', '--verify', `${commit}^{tree}`]);
      return { path: '', kind: 'dir', mode: '040000', sha: stdout.toString('utf8').trim(), size: 0 };
    }
    const { stdout } = runGitIn(this.gitDir, ['ls-tree', '-z', '-l', '--full-tree', commit, '--', path]);
    return parseTree(stdout).find((entry) => entry.path === path);
  }

  /** The entries directly under the directory `path` of `commit` ('' for the root). */
  list(commit: string, path: string): TreeEntry[] {
    const spec = path === '' ? [] : ['--', `${path}/`];
    const { stdout } = runGitIn(this.gitDir, ['ls-tree', '-z', '-l', '--full-tree', commit, ...spec]);
    return parseTree(stdout);
  }

  /** The URL `.gitmodules` at `commit` gives the submodule at `path`, or undefined. */
  submoduleUrl(commit: string, path: string): string | undefined {
    const { stdout, status } = runGitIn(
      this.gitDir,
      ['config', '-z', `--blob=${commit}:.gitmodules`, '--get-regexp', '^submodule\\..*\\.(path|url)$'],
      { ok: [0, 1] },
    );
    if (status !== 0) return undefined;
    const byName = new Map<string, { path?: string; url?: string }>();
    for (const record of stdout.toString('utf8').split('\0')) {
      const newline = record.indexOf('\n');
      const key = /^submodule\.(.*)\.(path|url)$/.exec(record.slice(0, newline));
      if (key === null) continue;
      const [, name = '', field] = key;
      byName.set(name, { ...byName.get(name), [field as 'path' | 'url']: record.slice(newline + 1) });
    }
    return [...byName.values()].find((module) => module.path === path)?.url;
  }

  /** The bytes of a blob. */
  blob(sha: string): Buffer {
    return runGitIn(this.gitDir, ['cat-file', 'blob', sha]).stdout;
  }

  /**
   * Replays the commits of `head` that `base` lacks onto `base`, each with `committer` as its committer
   * (authors kept), in a throwaway worktree under `scratchDir`. Returns the new tip, or undefined when a
   * commit does not apply.
   */
  rebase(base: string, head: string, committer: GitIdentity, scratchDir: string): string | undefined {
    const worktree = mkdtempSync(join(scratchDir, 'rebase-'));
    runGitIn(this.gitDir, ['worktree', 'add', '--quiet', '--detach', worktree, head]);
    try {
      // Only the committer comes from here: the replayed commits keep their authors.
      const env = committerEnvironment(committer);
      // --force-rebase: GitHub rewrites every commit (new committer) even when the head is up to date.
      const { status } = runGit(['rebase', '--quiet', '--force-rebase', '--no-autosquash', base], {
        cwd: worktree,
        env,
        ok: [0, 1],
      });
      if (status !== 0) return undefined;
      return runGit(['rev-parse', 'HEAD'], { cwd: worktree }).stdout.toString('utf8').trim();
    } finally {
      rmSync(worktree, { recursive: true, force: true });
      runGitIn(this.gitDir, ['worktree', 'prune']);
    }
  }
}
