/**
 * The web dashboard's routes under `/ai-orchestrator/`:
 *
 * | route                                   | answer |
 * |-----------------------------------------|--------|
 * | GET  /ai-orchestrator/                  | the dashboard (HTML); without credentials 401 and the login form |
 * | GET  /ai-orchestrator/api/dashboard     | the same data as JSON (`?repository=owner/name&item=<id>`) |
 * | GET  /ai-orchestrator/api/audit         | audit entries as JSON (`?repository=&item=&limit=` ≤ 500) |
 * | GET  /ai-orchestrator/login             | the login form |
 * | POST /ai-orchestrator/login             | checks the token, sets the session cookie |
 * | POST /ai-orchestrator/logout            | ends the session (CSRF token) |
 * | POST /ai-orchestrator/repositories/pause| the kill switch (session and CSRF token; audited) |
 * | GET  /ai-orchestrator/assets/*          | stylesheet and script (no data, no credentials needed) |
 *
 * Credentials are the admin token as a bearer header, or the session cookie the login form sets. Without
 * them every other route answers 401 with no data (the login form, or `{"message":…}` for the API).
 * Without a token configured the dashboard does not exist: every route answers 404.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'probot';
import { readBody } from '../server/body.js';
import type { Route } from '../server/server.js';
import type { Store } from '../store/index.js';
import { DASHBOARD_CSS, DASHBOARD_JS } from './assets.js';
import {
  cookiesOf,
  DashboardAuth,
  LOGIN_COOKIE,
  overHttps,
  SESSION_COOKIE,
  SESSION_SECONDS,
  setCookie,
} from './auth.js';
import type { Credentials, Session } from './auth.js';
import { auditFilter, dashboardData } from './data.js';
import type { DashboardFilter } from './data.js';
import { BASE_PATH, renderDashboard, renderLogin } from './page.js';
import type { AppOperations } from './types.js';

/** The largest form body read (a login or a pause: a few hundred bytes). */
const MAX_FORM_BYTES = 8 * 1024;
const MAX_AUDIT_LIMIT = 500;

/** Who a dashboard session acts as in the audit log: the token has no GitHub identity. */
export const DASHBOARD_ACTOR = 'dashboard-admin';

const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface DashboardOptions {
  /** `DASHBOARD_TOKEN`; undefined: the dashboard is disabled. */
  token: string | undefined;
  store: Store;
  /** GitHub's web address, for links. */
  web: string;
  operations: AppOperations;
  log: Logger;
  now?: () => Date;
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'cache-control': 'no-store',
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);

const sendHtml = (res: ServerResponse, status: number, body: string, headers: OutgoingHttpHeaders = {}) =>
  send(res, status, 'text/html; charset=utf-8', body, headers);

function redirect(res: ServerResponse, location: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, 'cache-control': 'no-store', ...headers, location });
  res.end();
}

/** The filter of a query string, or the reason it is not one. */
function filterOf(url: URL): DashboardFilter | { problem: string } {
  const filter: DashboardFilter = {};
  const repository = url.searchParams.get('repository') ?? '';
  const item = url.searchParams.get('item') ?? '';
  if (repository !== '') {
    if (!REPOSITORY.test(repository)) return { problem: 'repository must be owner/name' };
    filter.repository = repository;
  }
  if (item !== '') {
    if (!UUID.test(item)) return { problem: 'item must be a work item id (a UUID)' };
    filter.item = item.toLowerCase();
  }
  return filter;
}

/** A form body as fields, or undefined when it is not a small urlencoded form. */
async function formOf(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const read = await readBody(req, MAX_FORM_BYTES);
  if (read.kind !== 'complete') return undefined;
  return new URLSearchParams(read.body.toString('utf8'));
}

/** The dashboard as a route of the app's server (see the module doc). */
export function dashboardRoute(options: DashboardOptions): Route {
  const { token, log } = options;
  const now = options.now ?? (() => new Date());
  if (token === undefined) {
    log.warn(
      `the web dashboard (${BASE_PATH}/) is disabled: set DASHBOARD_TOKEN to an admin token of at least 32 characters to enable it`,
    );
    return async (_req, res, path) => {
      if (path !== BASE_PATH && !path.startsWith(`${BASE_PATH}/`)) return false;
      sendJson(res, 404, { message: 'the dashboard is disabled: DASHBOARD_TOKEN is not set' });
      return true;
    };
  }
  const auth = new DashboardAuth(token, () => now().getTime());

  const cookie = (req: IncomingMessage, name: string, value: string, maxAgeSeconds: number) =>
    setCookie(name, value, { path: BASE_PATH, maxAgeSeconds, secure: overHttps(req) });

  const loginPage = (req: IncomingMessage, res: ServerResponse, status: number, error?: string) => {
    const loginToken = auth.newLoginToken();
    sendHtml(res, status, renderLogin(loginToken, error), {
      'set-cookie': cookie(req, LOGIN_COOKIE, loginToken, 15 * 60),
      ...(status === 401 ? { 'www-authenticate': 'Bearer realm="ai-orchestrator"' } : {}),
    });
  };

  const unauthorized = (req: IncomingMessage, res: ServerResponse, api: boolean) => {
    if (api)
      sendJson(
        res,
        401,
        { message: 'authentication required' },
        { 'www-authenticate': 'Bearer realm="ai-orchestrator"' },
      );
    else loginPage(req, res, 401);
  };

  /** A state-changing form: a cookie session, its CSRF token, and not sent from another site. */
  const formSession = async (
    req: IncomingMessage,
    credentials: Credentials,
  ): Promise<{ session: Session; form: URLSearchParams } | { status: number; message: string }> => {
    if (credentials.kind !== 'session') return { status: 403, message: 'forms need a session: log in first' };
    if (req.headers['sec-fetch-site'] === 'cross-site')
      return { status: 403, message: 'cross-site form refused' };
    const form = await formOf(req);
    if (form === undefined) return { status: 400, message: 'expected a small urlencoded form' };
    if (!auth.checkCsrf(credentials.session, form.get('csrf') ?? undefined))
      return { status: 403, message: 'the form is stale or forged (CSRF token mismatch): reload the page' };
    return { session: credentials.session, form };
  };

  const data = (filter: DashboardFilter) =>
    dashboardData(
      { store: options.store, web: options.web, heartbeat: options.operations.heartbeat(), now: now() },
      filter,
    );

  return async (req, res, path) => {
    if (path !== BASE_PATH && !path.startsWith(`${BASE_PATH}/`)) return false;
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');

    // Public: the way in, and files without data.
    if (path === BASE_PATH && read) {
      redirect(res, `${BASE_PATH}/`);
      return true;
    }
    if (path === `${BASE_PATH}/assets/dashboard.css` && read) {
      send(res, 200, 'text/css; charset=utf-8', DASHBOARD_CSS, { 'cache-control': 'public, max-age=300' });
      return true;
    }
    if (path === `${BASE_PATH}/assets/dashboard.js` && read) {
      send(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_JS, {
        'cache-control': 'public, max-age=300',
      });
      return true;
    }
    const credentials = auth.credentials(req);
    if (path === `${BASE_PATH}/login`) {
      if (read) {
        if (credentials.kind !== 'none') redirect(res, `${BASE_PATH}/`);
        else loginPage(req, res, 200);
        return true;
      }
      if (method === 'POST') {
        await login(req, res);
        return true;
      }
    }

    if (credentials.kind === 'none') {
      unauthorized(req, res, path.startsWith(`${BASE_PATH}/api/`));
      return true;
    }

    if (path === `${BASE_PATH}/` && read) {
      const filter = filterOf(url);
      if ('problem' in filter) {
        sendJson(res, 400, { message: filter.problem });
        return true;
      }
      const session = credentials.kind === 'session' ? credentials.session : undefined;
      sendHtml(
        res,
        200,
        renderDashboard(await data(filter), {
          ...(session === undefined ? {} : { csrf: auth.csrfToken(session) }),
        }),
      );
      return true;
    }
    if (path === `${BASE_PATH}/api/dashboard` && read) {
      const filter = filterOf(url);
      if ('problem' in filter) sendJson(res, 400, { message: filter.problem });
      else sendJson(res, 200, await data(filter));
      return true;
    }
    if (path === `${BASE_PATH}/api/audit` && read) {
      const filter = filterOf(url);
      const limit = Number(url.searchParams.get('limit') ?? '100');
      if ('problem' in filter) sendJson(res, 400, { message: filter.problem });
      else if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT)
        sendJson(res, 400, { message: `limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}` });
      else sendJson(res, 200, { entries: await options.store.audit.list(auditFilter(filter, limit)) });
      return true;
    }
    if (path === `${BASE_PATH}/logout` && method === 'POST') {
      const checked = await formSession(req, credentials);
      if ('status' in checked) sendJson(res, checked.status, { message: checked.message });
      else redirect(res, `${BASE_PATH}/login`, { 'set-cookie': cookie(req, SESSION_COOKIE, '', 0) });
      return true;
    }
    if (path === `${BASE_PATH}/repositories/pause` && method === 'POST') {
      const checked = await formSession(req, credentials);
      if ('status' in checked) {
        sendJson(res, checked.status, { message: checked.message });
        return true;
      }
      const repository = checked.form.get('repository') ?? '';
      const paused = checked.form.get('paused');
      if (!REPOSITORY.test(repository) || (paused !== 'true' && paused !== 'false')) {
        sendJson(res, 400, { message: 'expected repository=owner/name and paused=true|false' });
        return true;
      }
      if ((await options.store.repositories.get(repository)) === null) {
        sendJson(res, 404, { message: `${repository} is not a repository the app knows` });
        return true;
      }
      await options.operations.setPaused(repository, paused === 'true', DASHBOARD_ACTOR);
      log.info({ repository, paused: paused === 'true' }, 'kill switch flipped from the web dashboard');
      redirect(res, `${BASE_PATH}/?repository=${encodeURIComponent(repository)}#repositories`);
      return true;
    }
    sendJson(res, 404, { message: `Unknown route: ${method} ${path}` });
    return true;
  };

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    if (auth.throttled(client)) {
      sendJson(
        res,
        429,
        { message: 'too many failed logins; try again in a few minutes' },
        { 'retry-after': '600' },
      );
      return;
    }
    const form = await formOf(req);
    if (
      form === undefined ||
      !auth.checkLoginToken(cookiesOf(req).get(LOGIN_COOKIE), form.get('csrf') ?? undefined)
    ) {
      loginPage(req, res, 403, 'The login form expired or was not sent from this page; try again.');
      return;
    }
    if (!auth.isToken(form.get('token') ?? '')) {
      auth.failed(client);
      log.warn({ client }, 'dashboard login refused: wrong token');
      loginPage(req, res, 401, 'That is not the admin token.');
      return;
    }
    const { value } = auth.newSession();
    res.setHeader('set-cookie', [
      cookie(req, SESSION_COOKIE, value, SESSION_SECONDS),
      cookie(req, LOGIN_COOKIE, '', 0),
    ]);
    redirect(res, `${BASE_PATH}/`);
  }
}
