/**
 * Short-lived, signed download addresses, as GitHub hands out for artifact archives (a 302 to blob
 * storage) and private raw files: no credentials needed, an HMAC signature and an expiry instead.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { GitHubState } from './state.js';

/** Where signed downloads are served. */
export const DOWNLOAD_PREFIX = '/_testbed/download/';

/** GitHub's artifact links live about a minute. */
const LIFETIME_MS = 60_000;

/** What a download address names: an artifact's zip, or a file of a commit. */
type Target =
  | { kind: 'artifact'; repoId: number; artifactId: number }
  | { kind: 'raw'; repoId: number; sha: string; path: string };

/** Signs and serves the downloads of one fake. */
export class Downloads {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly state: GitHubState,
    private readonly origin: () => string,
  ) {}

  /** A signed address of an artifact's zip archive. */
  artifact(repoId: number, artifactId: number): string {
    return this.sign(['artifacts', String(repoId), String(artifactId)]);
  }

  /** A signed address of a file of a commit. */
  raw(repoId: number, sha: string, path: string): string {
    return this.sign(['raw', String(repoId), sha, ...path.split('/')]);
  }

  /**
   * Answers a download request (`url` under {@link DOWNLOAD_PREFIX}): the bytes, 403 for a bad or expired
   * signature, 404 for something that no longer exists — with XML bodies, as blob storage answers.
   */
  serve(url: URL, response: ServerResponse): void {
    const segments = url.pathname.slice(DOWNLOAD_PREFIX.length).split('/').map(decodeURIComponent);
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'hex');
    const expected = Buffer.from(this.signature(segments, expires), 'hex');
    const valid = given.length === expected.length && timingSafeEqual(given, expected);
    if (!valid || expires < this.state.now().getTime()) {
      response
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<Error><Code>AuthenticationFailed</Code></Error>');
      return;
    }
    const found = this.resolve(parseTarget(segments));
    if (found === undefined) {
      response
        .writeHead(404, { 'content-type': 'application/xml' })
        .end('<Error><Code>BlobNotFound</Code></Error>');
      return;
    }
    response.writeHead(200, {
      'content-type': found.contentType,
      'content-length': String(found.data.byteLength),
    });
    response.end(Buffer.from(found.data));
  }

  private resolve(target: Target | undefined): { contentType: string; data: Uint8Array } | undefined {
    if (target === undefined) return undefined;
    const repo = this.state.records.repositories.get(target.repoId);
    if (target.kind === 'artifact') {
      const artifact = repo?.artifacts.get(target.artifactId);
      return artifact === undefined ? undefined : { contentType: 'application/zip', data: artifact.zip };
    }
    const file = repo === undefined ? undefined : this.state.repos.readFile(repo, target.sha, target.path);
    return file === undefined ? undefined : { contentType: 'text/plain; charset=utf-8', data: file };
  }

  private sign(segments: string[]): string {
    const expires = this.state.now().getTime() + LIFETIME_MS;
    const path = segments.map(encodeURIComponent).join('/');
    return `${this.origin()}${DOWNLOAD_PREFIX}${path}?expires=${expires}&signature=${this.signature(segments, expires)}`;
  }

  private signature(segments: string[], expires: number): string {
    return createHmac('sha256', this.secret)
      .update(`${segments.join('\n')}\n${expires}`)
      .digest('hex');
  }
}

function parseTarget(segments: string[]): Target | undefined {
  const [kind, repoId, third, ...rest] = segments;
  if (kind === 'artifacts' && third !== undefined && rest.length === 0) {
    return { kind: 'artifact', repoId: Number(repoId), artifactId: Number(third) };
  }
  if (kind === 'raw' && third !== undefined && rest.length > 0) {
    return { kind: 'raw', repoId: Number(repoId), sha: third, path: rest.join('/') };
  }
  return undefined;
}
