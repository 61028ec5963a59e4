/**
 * GitHub's page-number pagination: `per_page` (default 30, at most 100) and `page` (from 1), with a
 * `Link` header naming the `prev`, `next`, `last` and `first` pages, which Octokit's `paginate` follows.
 */
import type { BaseContext } from './handlers/types.js';

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

/** One page of a list, and the headers that describe the others. */
export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
  total: number;
}

/** The request's URL with `page` set to `page`, as an absolute address. */
function pageUrl(url: URL, page: number): string {
  const next = new URL(url.toString());
  next.searchParams.set('page', String(page));
  return next.toString();
}

/**
 * Cuts `items` (already filtered and ordered) to the page the request asks for. A page past the end is
 * empty, as on GitHub. The `Link` header is omitted when everything fits on one page.
 */
export function paginate<T>(ctx: BaseContext, items: T[]): Page<T> {
  const perPage = Math.min(Math.max(Number(ctx.request.query.per_page ?? DEFAULT_PER_PAGE), 1), MAX_PER_PAGE);
  const page = Math.max(Number(ctx.request.query.page ?? 1), 1);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(ctx.url, Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) {
    links.push(`<${pageUrl(ctx.url, page + 1)}>; rel="next"`);
    links.push(`<${pageUrl(ctx.url, lastPage)}>; rel="last"`);
  }
  if (page > 1) links.push(`<${pageUrl(ctx.url, 1)}>; rel="first"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length === 0 ? {} : { link: links.join(', ') },
    total: items.length,
  };
}

/** The query keys every paginated handler honours. */
export const PAGE_QUERY = ['per_page', 'page'];
