/**
 * The local equivalent of `actions/create-github-app-token`: the same two API calls the action makes,
 * over HTTP to the offline GitHub, authenticated with the App's JWT signed by the private key it is given —
 * `GET /repos/{owner}/{repo}/installation`, then `POST /app/installations/{id}/access_tokens` for the
 * current repository with the `permission-*` inputs as the permissions. The token is masked in the logs.
 *
 * Inputs: app-id, private-key, permission-<name>. Outputs: token, installation-id, app-slug.
 */
import { createPrivateKey, createSign } from 'node:crypto';
import { StepFailure } from '../steps.js';
import type { BuiltinCall } from '../steps.js';
import { takeInputs } from './inputs.js';
import type { RunServices } from './services.js';

const PERMISSION_INPUT = /^permission-([a-z-]+)$/;

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** An app JWT as the action's library makes one: issued 30 s in the past, valid ten minutes from then. */
function appJwt(appId: string, privateKey: string, now: Date): string {
  let key;
  try {
    key = createPrivateKey(privateKey.replace(/\\n/g, '\n'));
  } catch (error) {
    throw new StepFailure(
      `actions/create-github-app-token: the private-key input is not a PEM private key (${(error as Error).message})`,
    );
  }
  const issuedAt = Math.floor(now.getTime() / 1000) - 30;
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: issuedAt, exp: issuedAt + 600, iss: appId }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key);
  return `${header}.${payload}.${base64url(signature)}`;
}

async function request(
  url: string,
  init: { method: string; jwt: string; body?: unknown },
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: init.method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${init.jwt}`,
      'user-agent': 'actions/create-github-app-token (local runner)',
      'x-github-api-version': '2022-11-28',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new StepFailure(
      `actions/create-github-app-token: ${init.method} ${new URL(url).pathname} answered ${response.status}: ${text}`,
    );
  }
  return JSON.parse(text) as Record<string, unknown>;
}

export async function createAppToken(
  call: BuiltinCall,
  services: RunServices,
): Promise<Record<string, string>> {
  const inputs = takeInputs(
    'actions/create-github-app-token',
    call.inputs,
    { 'app-id': '', 'private-key': '' },
    (name) => PERMISSION_INPUT.test(name),
  );
  if (inputs['app-id'] === '')
    throw new StepFailure('actions/create-github-app-token: the app-id input is required');
  if (inputs['private-key'] === '')
    throw new StepFailure('actions/create-github-app-token: the private-key input is required');
  const permissions: Record<string, string> = {};
  for (const [name, level] of Object.entries(inputs)) {
    const match = PERMISSION_INPUT.exec(name);
    if (match === null) continue;
    if (!['read', 'write', 'admin'].includes(level)) {
      throw new StepFailure(
        `actions/create-github-app-token: ${name} must be read, write or admin, not ${JSON.stringify(level)}`,
      );
    }
    permissions[(match[1] ?? '').replace(/-/g, '_')] = level;
  }
  const { repo } = services;
  const jwt = appJwt(inputs['app-id'], inputs['private-key'], services.github.state.now());
  const api = services.github.url;
  const installation = await request(
    `${api}/repos/${repo.owner.login}/${repo.name}/installation`,
    { method: 'GET', jwt },
    call.job.signal,
  );
  const installationId = String(installation.id);
  const minted = await request(
    `${api}/app/installations/${installationId}/access_tokens`,
    {
      method: 'POST',
      jwt,
      body: { repositories: [repo.name], ...(Object.keys(permissions).length > 0 ? { permissions } : {}) },
    },
    call.job.signal,
  );
  const token = String(minted.token);
  call.job.masker.addSecret(token);
  call.log(
    `Created an installation token for ${repo.owner.login}/${repo.name} (installation ${installationId})`,
  );
  return { token, 'installation-id': installationId, 'app-slug': String(installation.app_slug) };
}
