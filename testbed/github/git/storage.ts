/**
 * Where one offline GitHub keeps its bare repositories: a fresh folder under the data directory (default
 * the system's temporary directory, never the working directory, which may be a git repository itself),
 * made on first use and removed by {@link GitStorage.dispose}.
 *
 * Layout: `repos/<repository id>.git` (ids, not names: names are case-insensitive and the HTTP backend
 * maps them), `hooks/pre-receive` (shared by every repository through `core.hooksPath`), `template/`
 * (the config every new repository starts with) and `scratch/` (throwaway worktrees for rebase merges).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareRepository } from './repository.js';

/** The variable the HTTP endpoint sets for the pushes it authenticated; the hook refuses the others. */
export const PUSH_VARIABLE = 'TESTBED_GITHUB_PUSH';
/** The pusher's `workflows` permission (`write` or `none`), which GitHub requires to change workflows. */
export const WORKFLOWS_VARIABLE = 'TESTBED_GITHUB_WORKFLOWS';

/**
 * Runs inside `git receive-pack` before any ref moves. It refuses pushes that did not come through the
 * fake's HTTP endpoint (they would skip authentication and pull-request events), and, as GitHub does,
 * changes to `.github/workflows/` by a GitHub App without the `workflows` permission.
 */
const PRE_RECEIVE = `#!/bin/sh
if [ "$${PUSH_VARIABLE}" != "1" ]; then
  echo "This repository belongs to the offline GitHub: push to its HTTP URL (clone_url), not to its directory." >&2
  exit 1
fi
[ "$${WORKFLOWS_VARIABLE}" = "write" ] && exit 0
zero=0000000000000000000000000000000000000000
status=0
while read -r old new ref; do
  [ "$new" = "$zero" ] && continue
  if [ "$old" = "$zero" ]; then
    changed=$(git log --format= --name-only "$new" --not --all -- .github/workflows)
  else
    changed=$(git log --format= --name-only "$old..$new" -- .github/workflows)
  fi
  if [ -n "$changed" ]; then
    printf '%s\\n' "$changed" | sort -u | while IFS= read -r path; do
      echo "refusing to allow a GitHub App to create or update workflow \\\`$path\\\` without \\\`workflows\\\` permission" >&2
    done
    status=1
  fi
done
exit $status
`;

/**
 * Storage folders not yet disposed. A test that never closes its fake, or a process that ends early,
 * would otherwise leave its repositories in the temporary directory; one exit handler removes them.
 */
const live = new Set<string>();
let exitHandlerInstalled = false;

function track(root: string): void {
  live.add(root);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once('exit', () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
  });
}

/** A value quoted for a git config file. */
function configValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The config of every repository: no automatic gc (objects the API handed out stay readable), the
 * testbed's scratch refs hidden, `refs/pull/*` readable but not pushable (as on GitHub), and fetches of
 * any reachable commit by SHA allowed (actions/checkout fetches by SHA).
 */
function repositoryConfig(hooksDir: string): string {
  return [
    '[core]',
    `\thooksPath = ${configValue(hooksDir)}`,
    '\tlogAllRefUpdates = false',
    '[gc]',
    '\tauto = 0',
    '[receive]',
    '\tautogc = false',
    '\tdenyDeleteCurrent = refuse',
    '\thideRefs = refs/testbed',
    '\thideRefs = refs/pull',
    '[uploadpack]',
    '\thideRefs = refs/testbed',
    '\tallowReachableSHA1InWant = true',
    '',
  ].join('\n');
}

/** The bare repositories of one offline GitHub. */
export class GitStorage {
  private root: string | undefined;

  /** `dataDir`: where the storage folder is made; default the system's temporary directory. */
  constructor(private readonly dataDir: string = tmpdir()) {}

  /** The folder holding the repositories (`<id>.git`); made on first use. */
  get reposDir(): string {
    return join(this.ensureRoot(), 'repos');
  }

  /** A folder for throwaway worktrees. */
  get scratchDir(): string {
    return join(this.ensureRoot(), 'scratch');
  }

  /** The path of repository `id`'s bare repository (whether or not it exists yet). */
  pathOf(id: number): string {
    return join(this.reposDir, `${id}.git`);
  }

  /** Creates the bare repository of repository `id`, HEAD naming `defaultBranch`. */
  create(id: number, defaultBranch: string): BareRepository {
    const gitDir = this.pathOf(id);
    // A leftover from an earlier life of this id would bring its refs and objects along.
    rmSync(gitDir, { recursive: true, force: true });
    return BareRepository.init(gitDir, defaultBranch, join(this.ensureRoot(), 'template'));
  }

  /** Removes every repository (the storage folder stays for new ones). */
  clear(): void {
    if (this.root === undefined) return;
    for (const dir of ['repos', 'scratch']) {
      rmSync(join(this.root, dir), { recursive: true, force: true });
      mkdirSync(join(this.root, dir));
    }
  }

  /** Removes the storage folder and everything in it. */
  dispose(): void {
    if (this.root === undefined) return;
    rmSync(this.root, { recursive: true, force: true });
    live.delete(this.root);
    this.root = undefined;
  }

  private ensureRoot(): string {
    if (this.root !== undefined) return this.root;
    mkdirSync(this.dataDir, { recursive: true });
    const root = mkdtempSync(join(this.dataDir, 'testbed-github-'));
    for (const dir of ['repos', 'scratch', 'hooks', 'template']) mkdirSync(join(root, dir));
    const hook = join(root, 'hooks', 'pre-receive');
    writeFileSync(hook, PRE_RECEIVE);
    chmodSync(hook, 0o755);
    writeFileSync(join(root, 'template', 'config'), repositoryConfig(join(root, 'hooks')));
    track(root);
    this.root = root;
    return root;
  }
}
