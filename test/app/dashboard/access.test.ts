import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Logger } from 'probot';
import { conductorApp } from '../../../app/conductor-app.js';
import { dashboardRoute } from '../../../app/dashboard/routes.js';
import { startApp } from '../../../app/start.js';
import type { RunningApp } from '../../../app/start.js';
import { Scenario } from '../conductor/harness.js';
import { appConfig, startAppWorld, testOctokit, TOKEN } from './world.js';
import type { AppWorld } from './world.js';

const SECRET_TITLE = 'Project Nightingale: migrate billing';

let world: AppWorld;
let scenario: Scenario;
let secretIssue: number;

beforeAll(async () => {
  world = await startAppWorld();
  scenario = new Scenario(world.world);
  secretIssue = scenario.openIssue(SECRET_TITLE);
  scenario.label(secretIssue);
  await world.settle();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

const url = (path: string) => new URL(path, world.app.url);

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(url(path), { headers, redirect: 'manual' });
}

function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url(path), {
    method: 'POST',
    body: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    redirect: 'manual',
  });
}

/** `name=value` of each Set-Cookie of an answer. */
function cookies(response: Response): Map<string, string> {
  return new Map(
    response.headers.getSetCookie().map((line) => {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      return [pair!.slice(0, index), pair!.slice(index + 1)] as const;
    }),
  );
}

const field = (page: string, name: string): string =>
  new RegExp(`name="${name}"\\s+value="([^"]+)"`).exec(page)?.[1] ?? '';

/** Logs in through the form as a browser would; returns the session cookie. */
async function login(): Promise<string> {
  const form = await get('/ai-orchestrator/login');
  const loginCookie = cookies(form).get('aio_login')!;
  const answer = await post(
    '/ai-orchestrator/login',
    { csrf: field(await form.text(), 'csrf'), token: TOKEN },
    { cookie: `aio_login=${loginCookie}` },
  );
  expect(answer.status).toBe(303);
  return cookies(answer).get('aio_session')!;
}

describe('without credentials', () => {
  it('answers 401 with the login form and no data, for the page, the API and any other path', async () => {
    const page = await get('/ai-orchestrator/');
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toBe('Bearer realm="ai-orchestrator"');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    const body = await page.text();
    expect(body).toContain('name="token"');
    for (const leak of [SECRET_TITLE, scenario.fullName, 'acme']) expect(body).not.toContain(leak);

    for (const path of [
      '/ai-orchestrator/api/dashboard',
      '/ai-orchestrator/api/audit?limit=5',
      `/ai-orchestrator/api/dashboard?repository=${scenario.fullName}`,
      '/ai-orchestrator/api/nothing-here',
    ]) {
      const answer = await get(path);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ message: 'authentication required' });
    }
    expect((await get('/ai-orchestrator/no-such-page')).status).toBe(401);
    expect((await fetch(url('/ai-orchestrator/'), { method: 'HEAD' })).status).toBe(401);
  });

  it('refuses a wrong bearer token, a forged cookie and an expired-looking one', async () => {
    const attempts: Record<string, string>[] = [
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      { cookie: `aio_session=v1.9999999999.${'A'.repeat(24)}.${'A'.repeat(43)}` },
      { cookie: `aio_session=${TOKEN}` },
    ];
    for (const headers of attempts) {
      const answer = await get('/ai-orchestrator/api/dashboard', headers);
      expect(answer.status).toBe(401);
    }
  });

  it('serves the stylesheet and script, which hold no data', async () => {
    const css = await get('/ai-orchestrator/assets/dashboard.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const js = await get('/ai-orchestrator/assets/dashboard.js');
    expect(js.status).toBe(200);
    expect(await js.text()).not.toContain('acme');
    expect((await get('/ai-orchestrator')).headers.get('location')).toBe('/ai-orchestrator/');
  });
});

describe('with the token', () => {
  it('serves the page and the JSON API to the bearer token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const page = await get('/ai-orchestrator/', auth);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(SECRET_TITLE);
    // A bearer client gets no forms: they need a session's CSRF token.
    expect(html).not.toContain('name="csrf"');

    const api = (await (await get('/ai-orchestrator/api/dashboard', auth)).json()) as {
      items: { title: string; state: string; repository: string }[];
      states: Record<string, number>;
    };
    expect(api.items).toEqual([
      expect.objectContaining({ title: SECRET_TITLE, state: 'planning', repository: scenario.fullName }),
    ]);
    expect(api.states.planning).toBe(1);

    const audit = (await (
      await get(`/ai-orchestrator/api/audit?repository=${scenario.fullName}&limit=3`, auth)
    ).json()) as {
      entries: { repository: string }[];
    };
    expect(audit.entries).toHaveLength(3);
    expect(audit.entries.every((entry) => entry.repository === scenario.fullName)).toBe(true);

    const item = (await scenario.item(secretIssue))!;
    const ofItem = (await (await get(`/ai-orchestrator/api/audit?item=${item.id}`, auth)).json()) as {
      entries: { itemId: string }[];
    };
    expect(ofItem.entries.length).toBeGreaterThan(0);
    expect(ofItem.entries.every((entry) => entry.itemId === item.id)).toBe(true);

    for (const bad of ['?repository=nope', '?item=12', '?repository=a/b/c']) {
      const answer = await get(`/ai-orchestrator/api/dashboard${bad}`, auth);
      expect(answer.status).toBe(400);
      expect(Object.keys((await answer.json()) as object)).toEqual(['message']);
    }
    expect((await get('/ai-orchestrator/api/audit?limit=100000', auth)).status).toBe(400);
    expect((await get('/ai-orchestrator/no-such-page', auth)).status).toBe(404);
  });

  it('logs in through the form with a CSRF-checked, HttpOnly, SameSite=Strict session cookie', async () => {
    const form = await get('/ai-orchestrator/login');
    expect(form.status).toBe(200);
    const loginCookie = form.headers.getSetCookie().find((line) => line.startsWith('aio_login='))!;
    expect(loginCookie).toMatch(/; Path=\/ai-orchestrator; Max-Age=900; HttpOnly; SameSite=Strict$/);
    const csrf = field(await form.text(), 'csrf');
    const cookie = `aio_login=${cookies(form).get('aio_login')!}`;

    const noCsrf = await post('/ai-orchestrator/login', { token: TOKEN }, { cookie });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.getSetCookie().some((line) => line.startsWith('aio_session='))).toBe(false);

    const wrong = await post('/ai-orchestrator/login', { csrf, token: 'guess' }, { cookie });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not the admin token.');

    const right = await post(
      '/ai-orchestrator/login',
      { csrf, token: TOKEN },
      { cookie, 'x-forwarded-proto': 'https' },
    );
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/ai-orchestrator/');
    const session = right.headers.getSetCookie().find((line) => line.startsWith('aio_session='))!;
    expect(session).toMatch(/; Path=\/ai-orchestrator; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$/);

    const page = await get('/ai-orchestrator/', { cookie: session.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(SECRET_TITLE);
  });

  it('flips the kill switch only by a POST with the session and its CSRF token, and audits it', async () => {
    const session = `aio_session=${await login()}`;
    const csrf = field(await (await get('/ai-orchestrator/', { cookie: session })).text(), 'csrf');
    expect(csrf).not.toBe('');
    const pause = { repository: scenario.fullName, paused: 'true' };

    const refused = [
      await post('/ai-orchestrator/repositories/pause', pause, { cookie: session }),
      await post('/ai-orchestrator/repositories/pause', { ...pause, csrf: `${csrf}x` }, { cookie: session }),
      await post(
        '/ai-orchestrator/repositories/pause',
        { ...pause, csrf },
        { authorization: `Bearer ${TOKEN}` },
      ),
      await post(
        '/ai-orchestrator/repositories/pause',
        { ...pause, csrf },
        { cookie: session, 'sec-fetch-site': 'cross-site' },
      ),
      await post('/ai-orchestrator/repositories/pause', { ...pause, csrf }),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 401]);
    expect(
      (await fetch(url('/ai-orchestrator/repositories/pause'), { headers: { cookie: session } })).status,
    ).toBe(404);
    expect(await world.world.store.repositories.isPaused(scenario.fullName)).toBe(false);

    const paused = await post('/ai-orchestrator/repositories/pause', { ...pause, csrf }, { cookie: session });
    expect(paused.status).toBe(303);
    expect(await world.world.store.repositories.isPaused(scenario.fullName)).toBe(true);
    const resumed = await post(
      '/ai-orchestrator/repositories/pause',
      { ...pause, paused: 'false', csrf },
      { cookie: session },
    );
    expect(resumed.status).toBe(303);
    expect(await world.world.store.repositories.isPaused(scenario.fullName)).toBe(false);

    const audit = await scenario.audit();
    expect(audit.filter((entry) => entry.action.startsWith('repository.'))).toEqual([
      expect.objectContaining({
        action: 'repository.pause',
        actor: 'dashboard-admin',
        detail: expect.objectContaining({ source: 'web-dashboard', was_paused: false }),
      }),
      expect.objectContaining({
        action: 'repository.resume',
        actor: 'dashboard-admin',
        detail: expect.objectContaining({ source: 'web-dashboard', was_paused: true }),
      }),
    ]);
    const unknown = await post(
      '/ai-orchestrator/repositories/pause',
      { repository: 'acme/unknown', paused: 'true', csrf },
      { cookie: session },
    );
    expect(unknown.status).toBe(404);
  });

  it('logs out: the cookie is cleared', async () => {
    const session = `aio_session=${await login()}`;
    const csrf = field(await (await get('/ai-orchestrator/', { cookie: session })).text(), 'csrf');
    expect((await post('/ai-orchestrator/logout', { csrf: 'forged' }, { cookie: session })).status).toBe(403);
    const out = await post('/ai-orchestrator/logout', { csrf }, { cookie: session });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^aio_session=; Path=\/ai-orchestrator; Max-Age=0;/),
    ]);
  });

  it('throttles an address that keeps guessing', async () => {
    const form = await get('/ai-orchestrator/login');
    const csrf = field(await form.text(), 'csrf');
    const cookie = `aio_login=${cookies(form).get('aio_login')!}`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1)
      statuses.push(
        (await post('/ai-orchestrator/login', { csrf, token: `guess-${attempt}` }, { cookie })).status,
      );
    // Ten failures from one address in ten minutes (one came from the login test above), then 429.
    expect(statuses.join(',')).toMatch(/^(401,){8,9}429(,429)*$/);
    // Even the right token waits now.
    expect((await post('/ai-orchestrator/login', { csrf, token: TOKEN }, { cookie })).status).toBe(429);
  });
});

describe('without DASHBOARD_TOKEN', () => {
  let disabled: RunningApp;

  beforeAll(async () => {
    disabled = await startApp({
      config: appConfig(world.world, { DASHBOARD_TOKEN: '' }),
      app: conductorApp,
      store: world.world.store,
      Octokit: testOctokit(),
      env: {},
    });
  }, 60_000);

  afterAll(async () => {
    await disabled?.stop();
  });

  it('has no dashboard: every route answers 404, even to the token', async () => {
    for (const path of ['/ai-orchestrator/', '/ai-orchestrator/api/dashboard', '/ai-orchestrator/login']) {
      const answer = await fetch(new URL(path, disabled.url), {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({
        message: 'the dashboard is disabled: DASHBOARD_TOKEN is not set',
      });
    }
  });

  it('says so in the log when it starts', () => {
    const warn = jest.fn();
    dashboardRoute({
      token: undefined,
      store: world.world.store,
      web: 'https://github.com',
      operations: {
        heartbeat: () => ({ enabled: false, intervalMinutes: 5, last: null }),
        setPaused: async () => ({ was: false }),
      },
      log: { warn } as unknown as Logger,
    });
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/dashboard \(\/ai-orchestrator\/\) is disabled: set DASHBOARD_TOKEN/),
    );
  });
});
