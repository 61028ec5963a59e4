/**
 * The contents endpoint, enough for reading files such as Probot's `.github/<app>.yml` configuration:
 * a file (JSON, or its raw bytes for the `raw` media type) or a directory listing, at a ref.
 */
import { notFound } from '../errors.js';
import { directoryEntryView, fileView } from '../views/contents.js';
import { param, query, repoOperation } from './types.js';
import type { OperationHandler } from './types.js';

const DOCS = 'https://docs.github.com/rest/repos/contents#get-repository-content';

export const contentHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'repos/get-content',
    access: { kind: 'repo', permissions: ['contents'], level: 'read' },
    query: ['ref'],
    handle: (ctx) => {
      const ref = query<string>(ctx, 'ref') ?? ctx.repo.defaultBranch;
      const sha = ctx.state.repos.resolveRef(ctx.repo, ref);
      const tree = sha === undefined ? undefined : ctx.repo.commits.get(sha);
      if (sha === undefined || tree === undefined) throw notFound(DOCS, `no commit for ref ${ref}`);
      const path = param<string>(ctx, 'path').replace(/^\/+|\/+$/g, '');
      const download = (file: string) => ctx.downloads.raw(ctx.repo.id, sha, file);
      const content = tree.get(path);
      if (content !== undefined) {
        const accept = String(ctx.headers.accept ?? '');
        if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
          return {
            status: 200,
            raw: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(content) },
          };
        }
        return { status: 200, body: fileView(ctx.views, ctx.repo, ref, path, content, download(path)) };
      }
      const prefix = `${path}/`;
      const children = new Map<string, string[]>();
      for (const file of tree.keys()) {
        if (!file.startsWith(prefix)) continue;
        const [child] = file.slice(prefix.length).split('/');
        if (child !== undefined) children.set(child, [...(children.get(child) ?? []), file]);
      }
      if (children.size === 0) throw notFound(DOCS, `no file or directory ${path} at ${ref}`);
      const entries = [...children.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([child, files]) => {
          const childPath = `${prefix}${child}`;
          const file = tree.get(childPath);
          return directoryEntryView(
            ctx.views,
            ctx.repo,
            ref,
            childPath,
            file === undefined
              ? { kind: 'dir', listing: files }
              : { kind: 'file', content: file, downloadUrl: download(childPath) },
          );
        });
      return { status: 200, body: entries };
    },
  }),
];
