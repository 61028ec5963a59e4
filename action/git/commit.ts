/**
 * Commits the staged change with the given message and author. The message goes through standard input
 * (`-F -`) and is stored verbatim; the identity goes through the environment, never through config files.
 * Hooks do not run: they are files in `.git/` that the work under commit could have written.
 */
import { runGit } from './run-git.js';
import { hasStagedChanges } from './changes.js';

/** Who the commit is by (e.g. the App's bot account). */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

function assertIdentity(identity: GitIdentity): void {
  if (identity.name.trim() === '' || /[<>\n\r\0]/.test(identity.name)) {
    throw new RangeError(
      `the author name ${JSON.stringify(identity.name)} must be non-empty, one line, without < or >`,
    );
  }
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(identity.email)) {
    throw new RangeError(`the author email ${JSON.stringify(identity.email)} is not an address`);
  }
}

/**
 * Commits what is staged in `cwd` and returns the new commit's SHA. Refuses an empty commit (nothing
 * staged) and an empty message: both would be a silent "success" of no work.
 */
export async function commit(options: {
  readonly cwd: string;
  readonly message: string;
  readonly author: GitIdentity;
}): Promise<{ sha: string }> {
  assertIdentity(options.author);
  if (options.message.trim() === '') throw new RangeError('the commit message is empty');
  if (!(await hasStagedChanges(options.cwd)))
    throw new RangeError('nothing is staged: there is no change to commit');
  const { name, email } = options.author;
  await runGit(
    [
      '-c',
      'core.hooksPath=/dev/null',
      '-c',
      'commit.gpgSign=false',
      'commit',
      '--no-verify',
      '--cleanup=verbatim',
      '--file=-',
    ],
    {
      cwd: options.cwd,
      input: options.message,
      env: {
        GIT_AUTHOR_NAME: name,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: name,
        GIT_COMMITTER_EMAIL: email,
      },
    },
  );
  const { stdout } = await runGit(['rev-parse', 'HEAD'], { cwd: options.cwd });
  return { sha: stdout.trim() };
}
