/**
 * Who is calling: resolves the `Authorization` header to an app (JWT), an installation (installation
 * token), a user (personal token) or nobody, and refuses bad credentials with GitHub's 401s.
 */
import { createVerify } from 'node:crypto';
import { badCredentials, GitHubError } from './errors.js';
import type { Account, App, Installation, InstallationToken } from './model.js';
import type { Actor } from './state/events.js';
import type { GitHubState } from './state.js';

/** The authenticated caller of a request. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'app'; app: App }
  | { kind: 'installation'; app: App; installation: Installation; token: InstallationToken }
  | { kind: 'user'; account: Account; token: string };

/** GitHub refuses app JWTs that live longer than ten minutes. */
const MAX_JWT_LIFETIME_S = 10 * 60;
/** Clock drift GitHub tolerates on `iat` and `exp` (Octokit backdates `iat` by 30 s for this). */
const CLOCK_SKEW_S = 60;

function jwtError(message: string): GitHubError {
  return new GitHubError(401, message, 'https://docs.github.com/rest');
}

function decodePart(part: string): Record<string, unknown> {
  const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

/**
 * Verifies an app JWT (RS256, signed with the app's private key, `iss` = app id or client id) against the
 * state's clock. Throws a 401 GitHubError worded as GitHub words it when it is malformed, signed by
 * another key, expired or too long-lived.
 */
function verifyAppJwt(state: GitHubState, jwt: string): App {
  const [headerPart, payloadPart, signaturePart] = jwt.split('.');
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    throw jwtError('A JSON web token could not be decoded');
  }
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodePart(headerPart);
    payload = decodePart(payloadPart);
  } catch {
    throw jwtError('A JSON web token could not be decoded');
  }
  if (header.alg !== 'RS256') throw jwtError('A JSON web token could not be decoded');
  const issuer = String(payload.iss);
  const app = [...state.records.apps.values()].find(
    (candidate) => String(candidate.id) === issuer || candidate.clientId === issuer,
  );
  if (app === undefined) throw jwtError('A JSON web token could not be decoded');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${headerPart}.${payloadPart}`);
  if (!verifier.verify(app.publicKeyPem, Buffer.from(signaturePart, 'base64url'))) {
    throw jwtError('A JSON web token could not be decoded');
  }
  const now = Math.floor(state.now().getTime() / 1000);
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || iat > now + CLOCK_SKEW_S) {
    throw jwtError(
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (typeof exp !== 'number' || exp <= now - CLOCK_SKEW_S) {
    throw jwtError(
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  }
  if (exp - iat > MAX_JWT_LIFETIME_S + CLOCK_SKEW_S)
    throw jwtError("'Expiration time' claim ('exp') is too far in the future");
  return app;
}

/**
 * Resolves an `Authorization` header (`token X`, `Bearer X`; absent: anonymous). Throws a 401
 * GitHubError for an unknown, malformed or expired credential.
 */
export function authenticate(state: GitHubState, authorization: string | undefined): Caller {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'anonymous' };
  const match = /^(token|bearer)\s+(\S+)$/i.exec(authorization.trim());
  if (match === null) throw badCredentials('unrecognised Authorization header');
  const credential = match[2] as string;
  if (credential.split('.').length === 3) return { kind: 'app', app: verifyAppJwt(state, credential) };
  const installationToken = state.records.installationTokens.get(credential);
  if (installationToken !== undefined) {
    if (installationToken.expiresAt.getTime() <= state.now().getTime())
      throw badCredentials('installation token expired');
    const installation = state.apps.installation(installationToken.installationId);
    return {
      kind: 'installation',
      app: state.apps.appOf(installation),
      installation,
      token: installationToken,
    };
  }
  const userToken = state.records.userTokens.get(credential);
  if (userToken !== undefined)
    return { kind: 'user', account: state.accounts.byId(userToken.userId), token: credential };
  throw badCredentials('unknown token');
}

/** The actor behind a caller (the app's bot for installation tokens), or undefined for none. */
export function actorOf(caller: Caller): Actor | undefined {
  switch (caller.kind) {
    case 'installation':
      return { account: caller.app.bot, appId: caller.app.id };
    case 'user':
      return { account: caller.account, appId: undefined };
    default:
      return undefined;
  }
}

/** A short description of a caller for the request log: who, and through which installation. */
export interface CallerSummary {
  kind: Caller['kind'];
  login?: string;
  appId?: number;
  installationId?: number;
  token?: string;
}

/** Summarises a caller for the request log. */
export function summarizeCaller(caller: Caller): CallerSummary {
  switch (caller.kind) {
    case 'anonymous':
      return { kind: 'anonymous' };
    case 'app':
      return { kind: 'app', appId: caller.app.id, login: caller.app.bot.login };
    case 'installation':
      return {
        kind: 'installation',
        appId: caller.app.id,
        installationId: caller.installation.id,
        login: caller.app.bot.login,
        token: caller.token.token,
      };
    case 'user':
      return { kind: 'user', login: caller.account.login, token: caller.token };
  }
}
