/**
 * The files of a pull request (`GET /repos/{owner}/{repo}/pulls/{pull_number}/files`), as GitHub lists
 * them: the three-dot diff of the base and the head in the repository's git (renames found), one entry per
 * file with its status, its line counts and the blob it has after the change. No `patch`: nothing in the
 * testbed's users reads it.
 */
import { runGitIn } from '../git/run.js';
import { paginate, PAGE_QUERY } from '../pagination.js';
import { param, repoOperation } from './types.js';
import type { OperationHandler } from './types.js';

type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';

interface PullFile {
  filename: string;
  previousFilename?: string;
  status: FileStatus;
  sha: string;
  additions: number;
  deletions: number;
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};

/** The changed files of `base...head`, in git's order. */
function changedFiles(gitDir: string, base: string, head: string): PullFile[] {
  const range = `${base}...${head}`;
  // --raw -z: ":<mode> <mode> <sha> <sha> <status>\0<path>\0[<new path>\0]"
  const raw = runGitIn(gitDir, ['diff', '--raw', '-z', '--abbrev=40', '--find-renames', range])
    .stdout.toString('utf8')
    .split('\0');
  // --numstat -z: "<added>\t<deleted>\t<path>\0", or "<added>\t<deleted>\t\0<old>\0<new>\0" for a rename.
  const numstat = runGitIn(gitDir, ['diff', '--numstat', '-z', '--find-renames', range])
    .stdout.toString('utf8')
    .split('\0');
  const counts = new Map<string, { additions: number; deletions: number }>();
  for (let i = 0; i < numstat.length; i++) {
    const [added = '0', deleted = '0', path = ''] = (numstat[i] as string).split('\t');
    if (added === '') continue;
    const file = path === '' ? (numstat[(i += 2)] as string) : path;
    // Binary files count '-' lines, as GitHub counts 0.
    counts.set(file, { additions: Number(added) || 0, deletions: Number(deleted) || 0 });
  }
  const files: PullFile[] = [];
  for (let i = 0; i < raw.length; i++) {
    const meta = raw[i] as string;
    if (!meta.startsWith(':')) continue;
    const [, , , sha = '', code = ''] = meta.slice(1).split(' ');
    const status = STATUS[code.charAt(0)] ?? 'changed';
    const first = raw[++i] as string;
    const moved = status === 'renamed' || status === 'copied';
    const filename = moved ? (raw[++i] as string) : first;
    files.push({
      filename,
      ...(moved ? { previousFilename: first } : {}),
      status,
      sha: status === 'removed' ? (meta.slice(1).split(' ')[2] ?? '') : sha,
      ...(counts.get(filename) ?? { additions: 0, deletions: 0 }),
    });
  }
  return files;
}

export const pullFileHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'pulls/list-files',
    access: { kind: 'repo', permissions: ['pull_requests'], level: 'read' },
    query: PAGE_QUERY,
    handle: (ctx) => {
      const { pull } = ctx.state.pulls.get(ctx.repo, param(ctx, 'pull_number'));
      const page = paginate(ctx, changedFiles(ctx.repo.gitDir, pull.baseSha, pull.headSha));
      const api = ctx.views.urls.repo(ctx.repo.owner.login, ctx.repo.name);
      const web = ctx.views.urls.repoHtml(ctx.repo.owner.login, ctx.repo.name);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((file) => ({
          sha: file.sha,
          filename: file.filename,
          status: file.status,
          additions: file.additions,
          deletions: file.deletions,
          changes: file.additions + file.deletions,
          blob_url: `${web}/blob/${pull.headSha}/${file.filename}`,
          raw_url: `${web}/raw/${pull.headSha}/${file.filename}`,
          contents_url: `${api}/contents/${file.filename}?ref=${pull.headSha}`,
          ...(file.previousFilename === undefined ? {} : { previous_filename: file.previousFilename }),
        })),
      };
    },
  }),
];
