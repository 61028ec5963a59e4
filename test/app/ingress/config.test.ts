/** Reading the app's configuration from the environment, with Probot's conventions. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../app/config.js';
import { rsaKey } from './harness.js';

const key = rsaKey();
const minimal = { APP_ID: '12345', PRIVATE_KEY: key, WEBHOOK_SECRET: 'hush' };

/** The problems loadConfig reports for `env` (fails the test if it reports none). */
function problems(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the defaults: api.github.com, port 3000, every interface, info logs, PGlite, heartbeat on', () => {
    expect(loadConfig(minimal)).toEqual({
      appId: 12345,
      privateKey: key,
      webhookSecret: 'hush',
      baseUrl: 'https://api.github.com',
      port: 3000,
      host: undefined,
      logLevel: 'info',
      store: {},
      heartbeat: true,
      dashboardIssue: true,
    });
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      ...minimal,
      GHE_HOST: 'github.example.com:8443',
      GHE_PROTOCOL: 'http',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://app@db:5432/orchestrator',
      DATA_DIR: '/var/lib/orchestrator',
      HEARTBEAT: 'off',
    });
    expect(config).toMatchObject({
      baseUrl: 'http://github.example.com:8443/api/v3',
      port: 0,
      host: '127.0.0.1',
      logLevel: 'debug',
      store: { databaseUrl: 'postgresql://app@db:5432/orchestrator', dataDir: '/var/lib/orchestrator' },
      heartbeat: false,
    });
    expect(loadConfig({ ...minimal, GHE_HOST: 'ghe.corp' }).baseUrl).toBe('https://ghe.corp/api/v3');
  });

  it('takes the key with \\n escapes, base64-encoded, or from PRIVATE_KEY_PATH', async () => {
    expect(loadConfig({ ...minimal, PRIVATE_KEY: key.replace(/\n/g, '\\n') }).privateKey).toBe(key);
    expect(loadConfig({ ...minimal, PRIVATE_KEY: Buffer.from(key).toString('base64') }).privateKey).toBe(key);
    const path = join(dir, 'app.pem');
    await writeFile(path, key);
    expect(loadConfig({ ...minimal, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: path }).privateKey).toBe(key);
  });

  it('names every missing variable at once, what to set and why, and points at the README', () => {
    let error: unknown;
    try {
      loadConfig({ APP_ID: '', PORT: '3000' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems: lines, message } = error as ConfigError;
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^APP_ID is missing: set it to the App's numeric id/);
    expect(lines).toContainEqual(expect.stringMatching(/^WEBHOOK_SECRET is missing: .*forge/));
    expect(lines).toContainEqual(expect.stringMatching(/^PRIVATE_KEY is missing: .*PRIVATE_KEY_PATH/));
    expect(message).toContain("README.md, section 'Install on a repository'");
  });

  it('says which values are wrong', () => {
    expect(
      problems({
        ...minimal,
        APP_ID: 'my-app',
        PORT: '70000',
        GHE_HOST: 'https://github.example.com/',
        GHE_PROTOCOL: 'ftp',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://db',
        HEARTBEAT: 'sometimes',
      }),
    ).toEqual([
      'APP_ID is invalid: expected a positive integer',
      'GHE_HOST is invalid: expected a host name with an optional port, without scheme or path',
      'GHE_PROTOCOL is invalid: expected http or https',
      'PORT is invalid: expected a port number from 0 to 65535',
      'LOG_LEVEL is invalid: expected one of trace, debug, info, warn, error, fatal, silent',
      'DATABASE_URL is invalid: expected a postgres:// connection string',
      'HEARTBEAT is invalid: expected on or off',
    ]);
  });

  it('refuses a key that is not an RSA private key, or a key file it cannot read', () => {
    expect(problems({ ...minimal, PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nnope' })).toEqual([
      expect.stringMatching(/^PRIVATE_KEY is invalid: not a PEM private key/),
    ]);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(problems({ ...minimal, PRIVATE_KEY: ec.toString() })).toEqual([
      'PRIVATE_KEY is invalid: a GitHub App key is RSA, this one is ec',
    ]);
    expect(
      problems({ ...minimal, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: join(dir, 'missing.pem') }),
    ).toEqual([expect.stringMatching(/^PRIVATE_KEY_PATH is invalid: cannot read .*missing\.pem/)]);
  });
});
