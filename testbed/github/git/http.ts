/**
 * Git's smart HTTP protocol on the offline GitHub's own port, as github.com serves it:
 * `GET /<owner>/<repo>(.git)/info/refs?service=git-upload-pack|git-receive-pack` and
 * `POST /<owner>/<repo>(.git)/git-upload-pack|git-receive-pack`, protocol v0 and v2, gzip request bodies.
 *
 * The fake authenticates and authorizes like GitHub (anonymous reads of public repositories; pushes need
 * an installation token with `contents: write` on the repository or a user with the write role; tokens go
 * in `Authorization: basic base64(x-access-token:<token>)`, `bearer <token>` or `token <token>`) and
 * answers refusals with GitHub's statuses and `text/plain` messages, which git prints as `remote: …`.
 * The transfer itself is `git http-backend` run as a CGI program, request and answer streamed. After a
 * push, git's branches are compared with the state's and every move is recorded with the pusher as
 * actor, so open pull requests get their `synchronize` events as for any other push.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { actorOf, authenticate } from '../auth.js';
import type { Caller } from '../auth.js';
import { GitHubError } from '../errors.js';
import type { Repository } from '../model.js';
import { levelCovers } from '../state/apps.js';
import { roleCovers } from '../state/repos.js';
import type { GitHubState } from '../state.js';
import { gitEnvironment } from './run.js';
import { PUSH_VARIABLE, WORKFLOWS_VARIABLE } from './storage.js';

type Service = 'git-upload-pack' | 'git-receive-pack';

/** A request for one of the smart HTTP endpoints of a repository. */
interface GitRoute {
  owner: string;
  name: string;
  /** What http-backend is asked for, after the repository: `info/refs` or the service. */
  endpoint: 'info/refs' | Service;
}

const ROUTE = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;
const INVALID_CREDENTIALS =
  'Invalid username or token. Password authentication is not supported for Git operations.';

/** An answer git understands as a refusal: a status and a line git shows as `remote: …`. */
class GitRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Ask for credentials (`WWW-Authenticate`), as GitHub does for anonymous requests it refuses. */
    readonly challenge = false,
  ) {
    super(message);
  }
}

/** The token in an `Authorization` header git sends (basic: the password, or the user for `token:`). */
function credentialOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const [scheme = '', value = ''] = authorization.trim().split(/\s+/, 2);
  if (/^(bearer|token)$/i.test(scheme)) return value;
  if (!/^basic$/i.test(scheme)) throw new GitRefusal(401, INVALID_CREDENTIALS, true);
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password === '' || password === 'x-oauth-basic' ? user : password;
}

/** The caller behind a git request. App JWTs do not open git: GitHub wants an installation token. */
function callerOf(state: GitHubState, authorization: string | undefined): Caller {
  const credential = credentialOf(authorization);
  if (credential === undefined) return { kind: 'anonymous' };
  let caller: Caller;
  try {
    caller = authenticate(state, `token ${credential}`);
  } catch (error) {
    if (error instanceof GitHubError) throw new GitRefusal(401, INVALID_CREDENTIALS, true);
    throw error;
  }
  if (caller.kind === 'app') throw new GitRefusal(401, INVALID_CREDENTIALS, true);
  return caller;
}

/**
 * Checks that `caller` may fetch (`write` false) or push to `repo`, as GitHub decides: a repository the
 * caller cannot see is "not found" (anonymous callers are asked for credentials instead), one it can see
 * but not write is "permission denied".
 */
function authorize(state: GitHubState, caller: Caller, repo: Repository, write: boolean): void {
  const notFound = new GitRefusal(404, 'Repository not found.');
  const denied = (login: string) =>
    new GitRefusal(403, `Permission to ${repo.owner.login}/${repo.name}.git denied to ${login}.`);
  switch (caller.kind) {
    case 'anonymous':
      if (write || repo.private) throw new GitRefusal(401, 'Authentication required.', true);
      return;
    case 'installation': {
      const { installation, token } = caller;
      const reaches =
        state.apps.installationCovers(installation, repo) && (token.repositoryIds?.includes(repo.id) ?? true);
      const contents = reaches ? token.permissions.contents : undefined;
      if (!write) {
        if (!repo.private || levelCovers(contents, 'read')) return;
        throw notFound;
      }
      if (repo.private && !reaches) throw notFound;
      if (!levelCovers(contents, 'write')) throw denied(caller.app.bot.login);
      return;
    }
    case 'user':
      if (!state.repos.canSee(repo, caller.account)) throw notFound;
      if (write && !roleCovers(state.repos.roleOf(repo, caller.account), 'write'))
        throw denied(caller.account.login);
      return;
    case 'app':
      throw new GitRefusal(401, INVALID_CREDENTIALS, true);
  }
}

/** Serves git over HTTP for one offline GitHub. */
export class GitHttp {
  /** Pushes to one repository run one after the other, so each push's moves are told apart. */
  private readonly pushQueues = new Map<number, Promise<void>>();

  constructor(private readonly state: GitHubState) {}

  /** The git route `pathname` names, or undefined when it is not a git request. */
  static route(pathname: string): GitRoute | undefined {
    const match = ROUTE.exec(pathname);
    if (match === null) return undefined;
    const [, owner = '', name = '', endpoint] = match;
    try {
      return {
        owner: decodeURIComponent(owner),
        name: decodeURIComponent(name),
        endpoint: endpoint as GitRoute['endpoint'],
      };
    } catch {
      // A malformed escape names no repository; the API's router answers it with its 404.
      return undefined;
    }
  }

  /** Answers a git request for `route`; never throws (failures become answers). */
  async serve(request: IncomingMessage, response: ServerResponse, url: URL, route: GitRoute): Promise<void> {
    try {
      const method = (request.method ?? 'GET').toUpperCase();
      const service =
        route.endpoint === 'info/refs' ? url.searchParams.get('service') : (route.endpoint as string);
      const expected = route.endpoint === 'info/refs' ? 'GET' : 'POST';
      // Only the smart protocol: GitHub serves no dumb-HTTP files.
      if (method !== expected || (service !== 'git-upload-pack' && service !== 'git-receive-pack'))
        throw new GitRefusal(404, 'Not Found');
      const caller = callerOf(this.state, request.headers.authorization);
      const repo = this.state.records.repositoryByName(route.owner, route.name);
      if (repo === undefined) {
        if (caller.kind === 'anonymous') throw new GitRefusal(401, 'Authentication required.', true);
        throw new GitRefusal(404, 'Repository not found.');
      }
      const push = service === 'git-receive-pack';
      authorize(this.state, caller, repo, push);
      if (push && route.endpoint === 'git-receive-pack') {
        const actor = actorOf(caller);
        if (actor === undefined) throw new Error('authorize() lets no anonymous push through');
        await this.oneAtATime(repo.id, async () => {
          try {
            await this.backend(request, response, url, route, repo, caller);
          } finally {
            // Whatever git moved (even if the transfer broke afterwards) is this pusher's, and the
            // pusher hears back only once the state has followed it.
            this.state.repos.reconcile(repo, actor);
          }
        });
      } else {
        await this.backend(request, response, url, route, repo, caller);
      }
      response.end();
    } catch (error) {
      if (response.headersSent) {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const refusal =
        error instanceof GitRefusal ? error : new GitRefusal(500, `testbed git failure: ${String(error)}`);
      response.writeHead(refusal.status, {
        'content-type': 'text/plain; charset=utf-8',
        ...(refusal.challenge ? { 'www-authenticate': 'Basic realm="GitHub"' } : {}),
      });
      response.end(`${refusal.message}\n`);
    }
  }

  /**
   * Runs `git http-backend` for the request, streaming the body in and the answer out (its CGI headers
   * become the status and headers). Resolves once the program exited, before the answer is ended.
   */
  private backend(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    route: GitRoute,
    repo: Repository,
    caller: Caller,
  ): Promise<void> {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const cgi: Record<string, string> = {
      GIT_PROJECT_ROOT: this.state.records.git.reposDir,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${repo.id}.git/${route.endpoint}`,
      REQUEST_METHOD: (request.method ?? 'GET').toUpperCase(),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: header('content-type') ?? '',
      REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
    };
    const length = header('content-length');
    // Without a length (a chunked upload), http-backend reads the body to its end.
    if (length !== undefined) cgi.CONTENT_LENGTH = length;
    const encoding = header('content-encoding');
    if (encoding !== undefined) cgi.HTTP_CONTENT_ENCODING = encoding;
    const protocol = header('git-protocol');
    if (protocol !== undefined) cgi.HTTP_GIT_PROTOCOL = protocol;
    const push =
      url.searchParams.get('service') === 'git-receive-pack' || route.endpoint === 'git-receive-pack';
    // authorize() let only installations and users this far for a push.
    if (push && (caller.kind === 'installation' || caller.kind === 'user')) {
      // http-backend serves receive-pack only to an authenticated REMOTE_USER.
      cgi.REMOTE_USER = caller.kind === 'installation' ? caller.app.bot.login : caller.account.login;
      cgi[PUSH_VARIABLE] = '1';
      // Personal tokens here carry every scope; installation tokens only the permissions they were given.
      const workflows = caller.kind === 'installation' ? caller.token.permissions.workflows : 'write';
      cgi[WORKFLOWS_VARIABLE] = levelCovers(workflows, 'write') ? 'write' : 'none';
    }
    const child = spawn('git', ['http-backend'], {
      env: gitEnvironment(cgi),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new Promise<void>((resolve, reject) => {
      const stderr: Buffer[] = [];
      let head: Buffer | undefined = Buffer.alloc(0);
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => {
        // http-backend may stop reading early (a refused request); its exit status tells what happened.
      });
      request.pipe(child.stdin);
      // A connection closed before the answer ended (client gone, server closing) stops the transfer.
      response.on('close', () => {
        if (!response.writableFinished) child.kill();
      });
      const write = (chunk: Buffer) => {
        if (!response.write(chunk)) {
          child.stdout.pause();
          response.once('drain', () => child.stdout.resume());
        }
      };
      child.stdout.on('data', (chunk: Buffer) => {
        if (head === undefined) {
          write(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headers: Record<string, string> = {};
        let status = 200;
        for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim();
          const value = line.slice(colon + 1).trim();
          if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
          else headers[name] = value;
        }
        response.writeHead(status, headers);
        const rest = head.subarray(end + 4);
        head = undefined;
        if (rest.length > 0) write(rest);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (head === undefined) {
          resolve();
          return;
        }
        const detail = Buffer.concat(stderr).toString('utf8').trim();
        reject(new Error(`git http-backend exited ${code} without an answer: ${detail}`));
      });
    });
  }

  /** Runs `task` after every earlier task for the same repository has finished. */
  private async oneAtATime(repoId: number, task: () => Promise<void>): Promise<void> {
    const previous = this.pushQueues.get(repoId) ?? Promise.resolve();
    const current = previous.then(task, task);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    this.pushQueues.set(repoId, settled);
    try {
      await current;
    } finally {
      if (this.pushQueues.get(repoId) === settled) this.pushQueues.delete(repoId);
    }
  }
}
