/**
 * Repository contents as GitHub shows them (`content-file`, `content-symlink`, `content-submodule` and
 * directory entries), from git's tree entries: the SHAs are git's blob and tree ids.
 */
import type { TreeEntry } from '../git/repository.js';
import type { Repository } from '../model.js';
import type { ViewContext } from './context.js';

/** GitHub's base64: wrapped at 60 characters, each line ending with a newline. */
function wrappedBase64(content: Uint8Array): string {
  const plain = Buffer.from(content).toString('base64');
  return plain.replace(/(.{60})/g, '$1\n') + (plain.length % 60 === 0 ? '' : '\n');
}

/** The address fields every content entry has. */
function entryLinks(ctx: ViewContext, repo: Repository, ref: string, entry: TreeEntry) {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const kind = entry.kind === 'dir' ? 'tree' : 'blob';
  const url = `${api}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/git/${kind === 'blob' ? 'blobs' : 'trees'}/${entry.sha}`;
  const htmlUrl = `${ctx.urls.repoHtml(repo.owner.login, repo.name)}/${kind}/${ref}/${entry.path}`;
  return { url, git_url: gitUrl, html_url: htmlUrl, _links: { self: url, git: gitUrl, html: htmlUrl } };
}

/** The fields every single-entry answer shares. */
function common(ctx: ViewContext, repo: Repository, ref: string, entry: TreeEntry) {
  return {
    size: entry.size,
    name: entry.path.replace(/^.*\//, ''),
    path: entry.path,
    sha: entry.sha,
    ...entryLinks(ctx, repo, ref, entry),
  };
}

/**
 * A file as the `content-file` schema describes it. `downloadUrl` is where its raw bytes can be fetched
 * (the fake signs a short-lived one, as GitHub does for private repositories).
 */
export function fileView(
  ctx: ViewContext,
  repo: Repository,
  ref: string,
  entry: TreeEntry,
  content: Uint8Array,
  downloadUrl: string,
): Record<string, unknown> {
  return {
    type: 'file',
    encoding: 'base64',
    content: wrappedBase64(content),
    download_url: downloadUrl,
    ...common(ctx, repo, ref, entry),
  };
}

/** A symlink whose target is not a file of the repository (`content-symlink`). */
export function symlinkView(
  ctx: ViewContext,
  repo: Repository,
  ref: string,
  entry: TreeEntry,
  target: string,
  downloadUrl: string,
): Record<string, unknown> {
  return { type: 'symlink', target, download_url: downloadUrl, ...common(ctx, repo, ref, entry) };
}

/** A submodule (`content-submodule`): the commit it pins and where git clones it from. */
export function submoduleView(
  ctx: ViewContext,
  repo: Repository,
  ref: string,
  entry: TreeEntry,
  url: string,
): Record<string, unknown> {
  return { type: 'submodule', submodule_git_url: url, download_url: null, ...common(ctx, repo, ref, entry) };
}

/**
 * One entry of a directory listing. Submodules are listed as files, as GitHub does for backwards
 * compatibility; only files and symlinks have a download address.
 */
export function directoryEntryView(
  ctx: ViewContext,
  repo: Repository,
  ref: string,
  entry: TreeEntry,
  downloadUrl: string | null,
): Record<string, unknown> {
  return {
    type: entry.kind === 'submodule' ? 'file' : entry.kind,
    download_url: downloadUrl,
    ...common(ctx, repo, ref, entry),
  };
}
