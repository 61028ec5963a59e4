/**
 * The contents endpoint, read from git at a ref: a file (JSON, or its raw bytes for the `raw` media
 * type), a symlink (followed to a file of the repository, as GitHub does), a submodule, or a directory
 * listing. Enough for Probot's `.github/<app>.yml` configuration and for agents reading files.
 */
import { notFound } from '../errors.js';
import { directoryEntryView, fileView, submoduleView, symlinkView } from '../views/contents.js';
import { param, query, repoOperation } from './types.js';
import type { HandlerResponse, OperationHandler } from './types.js';

const DOCS = 'https://docs.github.com/rest/repos/contents#get-repository-content';

/** The raw media type's answer. */
function raw(data: Buffer): HandlerResponse {
  return { status: 200, raw: { contentType: 'text/plain; charset=utf-8', data } };
}

export const contentHandlers: OperationHandler[] = [
  repoOperation({
    operationId: 'repos/get-content',
    access: { kind: 'repo', permissions: ['contents'], level: 'read' },
    query: ['ref'],
    handle: (ctx) => {
      const ref = query<string>(ctx, 'ref') ?? ctx.repo.defaultBranch;
      const sha = ctx.state.repos.resolveRef(ctx.repo, ref);
      if (sha === undefined) throw notFound(DOCS, `no commit for ref ${ref}`);
      const path = param<string>(ctx, 'path').replace(/^\/+|\/+$/g, '');
      const found = ctx.state.repos.contents(ctx.repo, sha, path);
      if (found === undefined) throw notFound(DOCS, `no file or directory ${path} at ${ref}`);
      const download = (file: string) => ctx.downloads.raw(ctx.repo.id, sha, file);
      const wantsRaw = /application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept ?? ''));
      switch (found.kind) {
        case 'file':
          if (wantsRaw) return raw(found.content);
          return {
            status: 200,
            body: fileView(ctx.views, ctx.repo, ref, found.entry, found.content, download(path)),
          };
        case 'symlink':
          if (found.file !== undefined) {
            if (wantsRaw) return raw(found.file.content);
            const { entry, content } = found.file;
            return {
              status: 200,
              body: fileView(ctx.views, ctx.repo, ref, entry, content, download(entry.path)),
            };
          }
          if (wantsRaw) return raw(Buffer.from(found.target));
          return {
            status: 200,
            body: symlinkView(ctx.views, ctx.repo, ref, found.entry, found.target, download(path)),
          };
        case 'submodule':
          if (found.url === undefined)
            throw notFound(DOCS, `${path} is a submodule that .gitmodules does not describe`);
          return { status: 200, body: submoduleView(ctx.views, ctx.repo, ref, found.entry, found.url) };
        case 'dir': {
          const entries = [...found.entries]
            .sort((a, b) => a.path.localeCompare(b.path))
            .map((entry) =>
              directoryEntryView(
                ctx.views,
                ctx.repo,
                ref,
                entry,
                entry.kind === 'file' || entry.kind === 'symlink' ? download(entry.path) : null,
              ),
            );
          return { status: 200, body: entries };
        }
      }
    },
  }),
];
