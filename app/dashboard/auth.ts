/**
 * Who may see the dashboard: whoever presents the admin token (`DASHBOARD_TOKEN`), as a bearer header
 * (scripts, the JSON API) or once in the login form, which then sets a session cookie.
 *
 * The session cookie is signed, not stored: `v1.<expiry>.<nonce>.<mac>`, the MAC an HMAC-SHA256 under a key
 * derived from the token, so rotating the token ends every session, and nothing but the cookie itself says
 * who is logged in (several replicas agree without sharing state). Every comparison of a secret is in
 * constant time. The CSRF token of a session's forms is derived from its nonce; the login form, before any
 * session exists, uses a double-submitted random cookie.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'aio_session';
export const LOGIN_COOKIE = 'aio_login';

/** How long a session lasts. */
export const SESSION_SECONDS = 8 * 60 * 60;
/** How long a login form may be submitted after it was shown. */
const LOGIN_FORM_SECONDS = 15 * 60;

/** Failed logins allowed per client address in {@link FAILURE_WINDOW_MS}, then 429 until the window passes. */
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 10 * 60 * 1000;

export interface Session {
  nonce: string;
  expiresAt: number;
}

export type Credentials = { kind: 'bearer' } | { kind: 'session'; session: Session } | { kind: 'none' };

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time equality of two strings of any lengths (their digests are compared). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The cookies of a request, by name (the first of a repeated name wins). */
export function cookiesOf(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(index + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  /** Sent over https only; set when the dashboard is reached over https. */
  secure: boolean;
}

/** A `Set-Cookie` value: HttpOnly and SameSite=Strict always. */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Whether the request reached the app over https (directly or, as its proxy says, through one). */
export function overHttps(req: IncomingMessage): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
}

export class DashboardAuth {
  private readonly key: Buffer;
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly token: string,
    private readonly now: () => number = Date.now,
  ) {
    // Derived, so the cookie's MAC says nothing about the token itself.
    this.key = createHmac('sha256', token).update('ai-orchestrator dashboard session v1').digest();
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  /** Whether `given` is the admin token (constant time). */
  isToken(given: string): boolean {
    return sameSecret(given, this.token);
  }

  /** A new session's cookie value and the session. */
  newSession(): { value: string; session: Session } {
    const expiresAt = Math.floor(this.now() / 1000) + SESSION_SECONDS;
    const nonce = randomBytes(18).toString('base64url');
    const payload = `v1.${expiresAt}.${nonce}`;
    return { value: `${payload}.${this.mac(payload)}`, session: { nonce, expiresAt } };
  }

  /** The session of a cookie value, or undefined if it is malformed, forged or expired. */
  session(value: string | undefined): Session | undefined {
    if (value === undefined) return undefined;
    const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (match === null) return undefined;
    const [, expiry, nonce, mac] = match as unknown as [string, string, string, string];
    if (!sameSecret(mac, this.mac(`v1.${expiry}.${nonce}`))) return undefined;
    const expiresAt = Number(expiry);
    if (expiresAt * 1000 <= this.now()) return undefined;
    return { nonce, expiresAt };
  }

  /** What the request presents: the token as a bearer header, a valid session cookie, or nothing valid. */
  credentials(req: IncomingMessage): Credentials {
    const authorization = req.headers.authorization;
    if (typeof authorization === 'string') {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
      if (match?.[1] !== undefined && this.isToken(match[1])) return { kind: 'bearer' };
    }
    const session = this.session(cookiesOf(req).get(SESSION_COOKIE));
    return session === undefined ? { kind: 'none' } : { kind: 'session', session };
  }

  /** The CSRF token of a session's forms. */
  csrfToken(session: Session): string {
    return this.mac(`csrf.${session.nonce}`);
  }

  /** Whether `given` is the session's CSRF token (constant time). */
  checkCsrf(session: Session, given: string | undefined): boolean {
    return given !== undefined && sameSecret(given, this.csrfToken(session));
  }

  /** A login form's token, also set as the {@link LOGIN_COOKIE} it must match (double submit). */
  newLoginToken(): string {
    const expiresAt = Math.floor(this.now() / 1000) + LOGIN_FORM_SECONDS;
    const payload = `login.${expiresAt}.${randomBytes(18).toString('base64url')}`;
    return `${payload}.${this.mac(payload)}`;
  }

  /** Whether a login form was submitted with the token its own page set, signed here and not expired. */
  checkLoginToken(cookie: string | undefined, field: string | undefined): boolean {
    if (cookie === undefined || field === undefined || !sameSecret(cookie, field)) return false;
    const match = /^(login\.(\d{1,12})\.[A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
    if (match === null) return false;
    const [, payload, expiry, mac] = match as unknown as [string, string, string, string];
    return sameSecret(mac, this.mac(payload)) && Number(expiry) * 1000 > this.now();
  }

  /** Whether `client` has failed too many logins lately. */
  throttled(client: string): boolean {
    return this.recentFailures(client).length >= MAX_FAILURES;
  }

  /** Records a failed login of `client`. */
  failed(client: string): void {
    const recent = this.recentFailures(client);
    recent.push(this.now());
    this.failures.set(client, recent);
    // Bounded memory: addresses whose window passed are forgotten.
    if (this.failures.size > 10_000) {
      for (const [address] of this.failures)
        if (this.recentFailures(address).length === 0) this.failures.delete(address);
    }
  }

  private recentFailures(client: string): number[] {
    const since = this.now() - FAILURE_WINDOW_MS;
    return (this.failures.get(client) ?? []).filter((at) => at > since);
  }
}
