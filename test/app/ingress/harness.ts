/**
 * The webhook driver and the pieces the ingress tests share: fixtures from @octokit/webhooks-examples,
 * signed over their raw bytes with @octokit/webhooks-methods, posted over real HTTP on 127.0.0.1; an
 * offline GitHub with the App registered under a fresh RSA key; the app's configuration read the way
 * `npm start` reads it.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { sign } from '@octokit/webhooks-methods';
import { loadConfig } from '../../../app/config.js';
import type { AppConfig } from '../../../app/config.js';
import { startGitHub } from '../../../testbed/github/index.js';
import type { App, GitHubTestbed } from '../../../testbed/github/index.js';

export const SECRET = 'ingress-test-secret';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

/** The first example payload of `event` with `action` (or without an action), as published by GitHub. */
export function fixture(event: string, action?: string): Record<string, unknown> {
  const group = examples.find((g) => g.name === event);
  const found = group?.examples.find((e) => (action === undefined ? true : e.action === action));
  if (found === undefined) throw new Error(`no @octokit/webhooks-examples payload for ${event}.${action}`);
  return structuredClone(found);
}

/** A fresh RSA key pair in PEM, as GitHub generates for an App. */
export function rsaKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/** An offline GitHub with the App registered; `privateKey` is the App's key. */
export async function githubWithApp(): Promise<{ github: GitHubTestbed; app: App; privateKey: string }> {
  const github = await startGitHub();
  const privateKey = rsaKey();
  const app = github.state.apps.createApp({ slug: 'ai-orchestrator-test', privateKeyPem: privateKey });
  return { github, app, privateKey };
}

/** The environment `npm start` would get, pointing at the offline GitHub (GitHub Enterprise layout). */
export function appEnv(github: GitHubTestbed, app: App, privateKey: string): Record<string, string> {
  return {
    APP_ID: String(app.id),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: new URL(github.url).host,
    GHE_PROTOCOL: 'http',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    HEARTBEAT: 'off',
  };
}

/** The configuration read from {@link appEnv}. */
export function appConfig(github: GitHubTestbed, app: App, privateKey: string): AppConfig {
  return loadConfig(appEnv(github, app, privateKey));
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** Sends one request and resolves with the answer (its JSON body parsed). */
export function send(
  base: URL,
  options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(options.path ?? '/api/github/webhooks', base),
      { method: options.method ?? 'POST', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface Delivery {
  id: string;
  event: string;
  /** The exact bytes sent. */
  body: string;
  headers: Record<string, string>;
}

/** A delivery of `payload` (or of raw `body` text) signed over its exact bytes with `secret`. */
export async function signedDelivery(
  event: string,
  payload: Record<string, unknown> | string,
  options: { secret?: string; id?: string } = {},
): Promise<Delivery> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const id = options.id ?? randomUUID();
  return {
    id,
    event,
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-hub-signature-256': await sign(options.secret ?? SECRET, body),
      'user-agent': 'GitHub-Hookshot/test',
    },
  };
}

/** Posts a delivery as GitHub does. */
export function post(base: URL, delivery: Delivery): Promise<Answer> {
  return send(base, { headers: delivery.headers, body: delivery.body });
}

/** Polls `check` every 10 ms until it returns true, failing after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
