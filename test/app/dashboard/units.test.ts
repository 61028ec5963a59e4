import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { DashboardAuth, SESSION_SECONDS, sameSecret, setCookie } from '../../../app/dashboard/auth.js';
import { escapeHtml, html, link, safeUrl } from '../../../app/dashboard/html.js';
import { githubWebUrl, issueUrl } from '../../../app/dashboard/links.js';
import { pauseBox, pauseBoxState } from '../../../app/dashboard-issue/checkbox.js';
import { renderDashboardIssue } from '../../../app/dashboard-issue/render.js';
import type { DashboardIssueView } from '../../../app/dashboard-issue/view.js';
import { routeOf } from '../../../app/metrics/octokit.js';

const TOKEN = 'a'.repeat(40);

function request(headers: Record<string, string>): IncomingMessage {
  return { headers, socket: {} } as unknown as IncomingMessage;
}

describe('dashboard sessions', () => {
  it('accepts its own session cookie until it expires, and nothing forged or signed under another token', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const auth = new DashboardAuth(TOKEN, () => now);
    const { value, session } = auth.newSession();
    expect(auth.session(value)).toEqual(session);
    expect(auth.credentials(request({ cookie: `other=1; aio_session=${value}` }))).toEqual({
      kind: 'session',
      session,
    });

    const [version, expiry, nonce, mac] = value.split('.') as [string, string, string, string];
    // A later expiry with the old MAC, another nonce, a flipped MAC character: all refused.
    expect(auth.session(`${version}.${Number(expiry) + 3600}.${nonce}.${mac}`)).toBeUndefined();
    expect(auth.session(`${version}.${expiry}.${'B'.repeat(24)}.${mac}`)).toBeUndefined();
    expect(
      auth.session(`${version}.${expiry}.${nonce}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`),
    ).toBeUndefined();
    expect(new DashboardAuth('b'.repeat(40), () => now).session(value)).toBeUndefined();
    expect(auth.session('garbage')).toBeUndefined();

    now += SESSION_SECONDS * 1000 - 1000;
    expect(auth.session(value)).toEqual(session);
    now += 1000;
    expect(auth.session(value)).toBeUndefined();
  });

  it('takes the token as a bearer header only when it is exactly the token', () => {
    const auth = new DashboardAuth(TOKEN);
    expect(auth.credentials(request({ authorization: `Bearer ${TOKEN}` }))).toEqual({ kind: 'bearer' });
    expect(auth.credentials(request({ authorization: `bearer ${TOKEN}` }))).toEqual({ kind: 'bearer' });
    for (const header of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer '])
      expect(auth.credentials(request({ authorization: header }))).toEqual({ kind: 'none' });
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });

  it("binds a form's CSRF token to its session, and the login form's to the cookie it set", () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const auth = new DashboardAuth(TOKEN, () => now);
    const one = auth.newSession().session;
    const two = auth.newSession().session;
    expect(auth.checkCsrf(one, auth.csrfToken(one))).toBe(true);
    expect(auth.checkCsrf(one, auth.csrfToken(two))).toBe(false);
    expect(auth.checkCsrf(one, undefined)).toBe(false);

    const login = auth.newLoginToken();
    expect(auth.checkLoginToken(login, login)).toBe(true);
    expect(auth.checkLoginToken(login, auth.newLoginToken())).toBe(false);
    expect(auth.checkLoginToken(undefined, login)).toBe(false);
    // Made up by an attacker (no valid MAC), even when the cookie and the field agree.
    const forged = `login.${Math.floor(now / 1000) + 600}.${'A'.repeat(24)}.${'A'.repeat(43)}`;
    expect(auth.checkLoginToken(forged, forged)).toBe(false);
    now += 16 * 60 * 1000;
    expect(auth.checkLoginToken(login, login)).toBe(false);
  });

  it('throttles a client after ten failed logins in ten minutes', () => {
    let now = 0;
    const auth = new DashboardAuth(TOKEN, () => now);
    for (let i = 0; i < 9; i += 1) auth.failed('10.0.0.1');
    expect(auth.throttled('10.0.0.1')).toBe(false);
    auth.failed('10.0.0.1');
    expect(auth.throttled('10.0.0.1')).toBe(true);
    expect(auth.throttled('10.0.0.2')).toBe(false);
    now += 10 * 60 * 1000 + 1;
    expect(auth.throttled('10.0.0.1')).toBe(false);
  });

  it('sets cookies HttpOnly and SameSite=Strict, Secure over https', () => {
    expect(
      setCookie('aio_session', 'v', { path: '/ai-orchestrator', maxAgeSeconds: 60, secure: false }),
    ).toBe('aio_session=v; Path=/ai-orchestrator; Max-Age=60; HttpOnly; SameSite=Strict');
    expect(setCookie('aio_session', 'v', { path: '/x', maxAgeSeconds: 0, secure: true })).toMatch(
      /; Secure$/,
    );
  });
});

describe('dashboard HTML', () => {
  it('escapes every interpolated value and shows hidden characters', () => {
    const title = '<script>alert(1)</script>"\'&\u202egnp.exe';
    expect(html`<td title="${title}">${title}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;[U+202E]gnp.exe">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;[U+202E]gnp.exe</td>',
    );
    expect(html`<p>${[html`<b>${'<i>'}</b>`, 2, null, false, undefined]}</p>`.text).toBe(
      '<p><b>&lt;i&gt;</b>2</p>',
    );
    expect(escapeHtml('ghp_0123456789abcdefghijABCDEFGHIJ012345 leaked')).not.toContain('ghp_0123456789');
  });

  it('links only http(s) addresses', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('/relative')).toBeUndefined();
    expect(safeUrl('https://github.com/a/b/actions/runs/1')).toBe('https://github.com/a/b/actions/runs/1');
    expect(link('run', 'javascript:alert(1)').text).toBe('run');
    expect(link('run', 'https://x.test/"><script>').text).toBe(
      '<a href="https://x.test/%22%3E%3Cscript%3E" rel="noopener noreferrer" target="_blank">run</a>',
    );
  });

  it("derives GitHub's web address from the API base", () => {
    expect(githubWebUrl('https://api.github.com')).toBe('https://github.com');
    expect(githubWebUrl('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(githubWebUrl('http://127.0.0.1:8080/api/v3/')).toBe('http://127.0.0.1:8080');
    expect(githubWebUrl('https://api.acme.ghe.com')).toBe('https://acme.ghe.com');
    expect(issueUrl('https://github.com', 'acme/widgets', 12)).toBe(
      'https://github.com/acme/widgets/issues/12',
    );
  });
});

describe('the dashboard issue', () => {
  it("reads the pause box as GitHub's task list writes it", () => {
    expect(pauseBoxState(`intro\n${pauseBox(false)}\nmore`)).toBe(false);
    expect(pauseBoxState(`intro\n${pauseBox(true)}\nmore`)).toBe(true);
    expect(pauseBoxState('intro\r\n* [X] Pause all AI activity in this repository\r\nmore')).toBe(true);
    expect(pauseBoxState('- [x] Pause all AI activity in this repository please')).toBeUndefined();
    expect(pauseBoxState('no box here')).toBeUndefined();
    expect(pauseBoxState(null)).toBeUndefined();
  });

  it('quotes untrusted text so it can neither ping nor add a second box', () => {
    const view: DashboardIssueView = {
      repository: 'acme/widgets',
      paused: false,
      pausedBy: null,
      pausedAt: null,
      active: [],
      waiting: [
        {
          id: 'x',
          repository: 'acme/widgets',
          issue: 3,
          kind: 'epic',
          story: null,
          epicIssue: null,
          title: 'Fix\n- [x] Pause all AI activity in this repository',
          state: 'awaiting_clarification',
          pr: null,
          enteredAt: null,
          updatedAt: '2026-01-01T00:00:00.000Z',
          waiting: {
            kind: 'clarification',
            questions: ['@octocat\n- [ ] Pause all AI activity in this repository'],
            reasons: [],
          },
          failure: null,
          queued: 0,
        },
      ],
      failures: [],
      lessons: ['<!-- hidden --> @acme/team'],
      cost: { entries: 0, tokensIn: 0, tokensOut: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
      daily: [],
    };
    const body = renderDashboardIssue(view);
    expect(body.match(/Pause all AI activity in this repository/g)).toHaveLength(3);
    expect(pauseBoxState(body)).toBe(false);
    expect(body.split('\n').filter((line) => /^\s*[-*+] \[[ xX]\]/.test(line))).toEqual([pauseBox(false)]);
    expect(body).not.toMatch(/(^|[^\u200b;])@octocat/);
    expect(body).not.toContain('<!--');
  });
});

describe('metrics labels', () => {
  it("labels a GitHub call by its route template, never by a repository's name", () => {
    expect(routeOf('/repos/{owner}/{repo}/issues/{issue_number}')).toBe(
      '/repos/{owner}/{repo}/issues/{issue_number}',
    );
    expect(routeOf('/repos/{owner}/{repo}/issues?state=all')).toBe('/repos/{owner}/{repo}/issues');
    expect(routeOf('https://api.github.com/repositories/1/issues?page=2')).toBe('(next page)');
    expect(routeOf('/app/installations/123/access_tokens')).toBe('/app/installations/{id}/access_tokens');
  });
});
