/** Temp repositories for the git tests: a work tree on `main` with one commit, and a local bare remote. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Repos {
  readonly root: string;
  readonly work: string;
  readonly remote: string;
  /** Runs git in `cwd` (the work tree by default) with a fixed test identity; returns stdout. */
  git(args: string[], cwd?: string): string;
  cleanup(): void;
}

export function makeRepos(): Repos {
  const root = mkdtempSync(join(tmpdir(), 'git-delivery-'));
  const work = join(root, 'work');
  const remote = join(root, 'remote.git');
  const git = (args: string[], cwd = work) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
      cwd,
      encoding: 'utf8',
    });
  git(['init', '-q', '--bare', '-b', 'main', remote], root);
  git(['init', '-q', '-b', 'main', work], root);
  writeFileSync(join(work, 'README.md'), '# demo\n');
  writeFileSync(join(work, 'sum.js'), 'export const sum = (a, b) => a + b;\n');
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'initial']);
  git(['push', '-q', remote, 'main:refs/heads/main']);
  return { root, work, remote, git, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
