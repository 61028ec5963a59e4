/**
 * Repository contents as GitHub shows them (`content-file` and directory entries).
 */
import { createHash } from 'node:crypto';
import type { Repository } from '../model.js';
import type { ViewContext } from './context.js';

/** Git's blob id of some content: sha1 of `blob <size>\0<content>`. */
export function blobSha(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

/** GitHub's base64: wrapped at 60 characters, each line ending with a newline. */
function wrappedBase64(content: Uint8Array): string {
  const plain = Buffer.from(content).toString('base64');
  return plain.replace(/(.{60})/g, '$1\n') + (plain.length % 60 === 0 ? '' : '\n');
}

/** The address fields every content entry has. */
function entryLinks(
  ctx: ViewContext,
  repo: Repository,
  ref: string,
  path: string,
  sha: string,
  kind: 'blob' | 'tree',
) {
  const api = ctx.urls.repo(repo.owner.login, repo.name);
  const url = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/git/${kind === 'blob' ? 'blobs' : 'trees'}/${sha}`;
  const htmlUrl = `${ctx.urls.repoHtml(repo.owner.login, repo.name)}/${kind}/${ref}/${path}`;
  return { url, git_url: gitUrl, html_url: htmlUrl, _links: { self: url, git: gitUrl, html: htmlUrl } };
}

/**
 * A file as the `content-file` schema describes it. `downloadUrl` is where its raw bytes can be fetched
 * (the fake signs a short-lived one, as GitHub does for private repositories).
 */
export function fileView(
  ctx: ViewContext,
  repo: Repository,
  ref: string,
  path: string,
  content: Uint8Array,
  downloadUrl: string,
): Record<string, unknown> {
  const sha = blobSha(content);
  return {
    type: 'file',
    encoding: 'base64',
    size: content.byteLength,
    name: path.replace(/^.*\//, ''),
    path,
    content: wrappedBase64(content),
    sha,
    download_url: downloadUrl,
    ...entryLinks(ctx, repo, ref, path, sha, 'blob'),
  };
}

/** One entry of a directory listing (a file, or a sub-directory). */
export function directoryEntryView(
  ctx: ViewContext,
  repo: Repository,
  ref: string,
  path: string,
  entry: { kind: 'file'; content: Uint8Array; downloadUrl: string } | { kind: 'dir'; listing: string[] },
): Record<string, unknown> {
  const name = path.replace(/^.*\//, '');
  if (entry.kind === 'file') {
    const sha = blobSha(entry.content);
    return {
      type: 'file',
      size: entry.content.byteLength,
      name,
      path,
      sha,
      download_url: entry.downloadUrl,
      ...entryLinks(ctx, repo, ref, path, sha, 'blob'),
    };
  }
  const sha = createHash('sha1').update(entry.listing.join('\n')).digest('hex');
  return {
    type: 'dir',
    size: 0,
    name,
    path,
    sha,
    download_url: null,
    ...entryLinks(ctx, repo, ref, path, sha, 'tree'),
  };
}
