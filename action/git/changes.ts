/**
 * What the agent changed: staged as a whole, listed, and diffed against the base for the guards. The
 * diff flags pin down what user or system git configuration could otherwise change (prefixes, colours,
 * external diff drivers, text conversion, relative paths), so `parseUnifiedDiff` reads it reliably.
 */
import { parseUnifiedDiff } from '../../core/diff.js';
import type { FileDiff } from '../../core/diff.js';
import { assertRevision } from './branch.js';
import { runGit } from './run-git.js';

/** Stages every change in the work tree: new, modified and deleted files (ignored files stay out). */
export async function stageAll(cwd: string): Promise<void> {
  await runGit(['add', '--all'], { cwd });
}

/** The files in the index, repository-relative: after {@link stageAll}, every file that exists after the change. */
export async function listFiles(cwd: string): Promise<string[]> {
  const { stdout } = await runGit(['ls-files', '-z', '--cached'], { cwd });
  return stdout.split('\0').filter((path) => path !== '');
}

/** Whether anything is staged. */
export async function hasStagedChanges(cwd: string): Promise<boolean> {
  const { exitCode } = await runGit(['diff', '--cached', '--quiet', '--no-ext-diff'], {
    cwd,
    okExitCodes: [0, 1],
  });
  return exitCode === 1;
}

/** The staged change against `base` (a commit, branch or tag): the diff text and its parse. */
export async function stagedDiff(options: { readonly cwd: string; readonly base: string }): Promise<{
  text: string;
  files: FileDiff[];
}> {
  assertRevision(options.base);
  const { stdout } = await runGit(
    [
      'diff',
      '--cached',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--no-relative',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      '--find-renames',
      options.base,
      '--',
    ],
    { cwd: options.cwd },
  );
  return { text: stdout, files: parseUnifiedDiff(stdout) };
}
