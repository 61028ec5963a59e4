/**
 * The app's configuration, read from the environment with Probot's conventions (`APP_ID`, `PRIVATE_KEY` or
 * `PRIVATE_KEY_PATH`, `WEBHOOK_SECRET`, `GHE_HOST`/`GHE_PROTOCOL`, `PORT`, `HOST`, `LOG_LEVEL`) plus the
 * store's (`DATABASE_URL`, `DATA_DIR`), `HEARTBEAT`, and the dashboards' (`DASHBOARD_TOKEN`, `METRICS_TOKEN`,
 * `DASHBOARD_ISSUE`). Everything is checked at start, so a bad setting stops
 * the app with one line per problem instead of surfacing at the first delivery.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { storeOptionsFromEnv } from './store/index.js';
import type { StoreOptions } from './store/index.js';

/** Where the README explains how to register the App and get these values. */
export const INSTALL_HELP = "README.md, section 'Install on a repository'";

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  /** The GitHub App's id. */
  appId: number;
  /** The App's RSA private key, PEM text (it signs the JWTs Probot authenticates with). */
  privateKey: string;
  /** The secret GitHub signs deliveries with (HMAC-SHA256). */
  webhookSecret: string;
  /** The REST API base: `https://api.github.com`, or `${GHE_PROTOCOL}://${GHE_HOST}/api/v3`. */
  baseUrl: string;
  /** The port to listen on; 0 picks a free one. */
  port: number;
  /** The interface to listen on; undefined: every interface (Node's default). */
  host: string | undefined;
  logLevel: LogLevel;
  /** Where the store lives: Postgres (`DATABASE_URL`) or PGlite under `DATA_DIR`. */
  store: StoreOptions;
  /** Whether the reconciler runs; `HEARTBEAT=off` switches it off (tests, one-off runs). */
  heartbeat: boolean;
  /** The web dashboard's admin token; undefined: the dashboard is disabled. */
  dashboardToken: string | undefined;
  /** The token `/metrics` asks for; undefined: `/metrics` is open (its labels name no repository). */
  metricsToken: string | undefined;
  /** Whether each repository gets its dashboard issue; `DASHBOARD_ISSUE=off` switches it off. */
  dashboardIssue: boolean;
}

/** The configuration could not be read; `problems` has one line per variable to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee ${INSTALL_HELP}.`);
  }
}

/** The error of a required variable: what to set when it is absent, what is expected when it is wrong. */
function required(name: string, missing: string, expected: string) {
  return {
    error: (issue: { input: unknown }) =>
      issue.input === undefined ? `${name} is missing: ${missing}` : `${name} is invalid: ${expected}`,
  };
}

/** The error of an optional variable set to something unusable. */
function invalid(name: string, expected: string) {
  return { error: `${name} is invalid: ${expected}` };
}

const MISSING_APP = `set it to the App's numeric id (the App's settings page, "App ID"); Probot authenticates as the App with it`;

/** The shortest admin or metrics token accepted: guessing it must be out of reach. */
const MIN_TOKEN = 32;
const TOKEN_HELP = `expected at least ${MIN_TOKEN} characters (e.g. \`openssl rand -hex 32\`)`;

// Probot treats an empty variable as unset; so does this schema (see `blankToUndefined`).
const envSchema = z.object({
  APP_ID: z
    .string(required('APP_ID', MISSING_APP, 'expected a positive integer'))
    .regex(/^[1-9][0-9]{0,15}$/, required('APP_ID', MISSING_APP, 'expected a positive integer')),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string(
    required(
      'WEBHOOK_SECRET',
      "set it to the App's webhook secret; without it no delivery can be verified (Probot's 'development' default would let anyone forge one)",
      'expected text',
    ),
  ),
  GHE_HOST: z
    .string()
    .regex(
      /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/,
      invalid('GHE_HOST', 'expected a host name with an optional port, without scheme or path'),
    )
    .optional(),
  GHE_PROTOCOL: z.enum(['http', 'https'], invalid('GHE_PROTOCOL', 'expected http or https')).default('https'),
  PORT: z
    .string()
    .regex(/^[0-9]{1,5}$/, invalid('PORT', 'expected a port number from 0 to 65535'))
    .transform(Number)
    .refine((port) => port <= 65535, invalid('PORT', 'expected a port number from 0 to 65535'))
    .default(3000),
  HOST: z.string().optional(),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, invalid('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`))
    .default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, invalid('DATABASE_URL', 'expected a postgres:// connection string'))
    .optional(),
  DATA_DIR: z.string().optional(),
  HEARTBEAT: z.enum(['on', 'off'], invalid('HEARTBEAT', 'expected on or off')).default('on'),
  DASHBOARD_TOKEN: z.string().min(MIN_TOKEN, invalid('DASHBOARD_TOKEN', TOKEN_HELP)).optional(),
  METRICS_TOKEN: z.string().min(MIN_TOKEN, invalid('METRICS_TOKEN', TOKEN_HELP)).optional(),
  DASHBOARD_ISSUE: z.enum(['on', 'off'], invalid('DASHBOARD_ISSUE', 'expected on or off')).default('on'),
});

function blankToUndefined(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[name] = value;
  }
  return present;
}

/**
 * Turns `PRIVATE_KEY` or `PRIVATE_KEY_PATH` into PEM text, following Probot's conventions: the PEM itself
 * (newlines may be written as `\n`), or the PEM base64-encoded on one line. Returns the key, or the problem.
 */
function readPrivateKey(
  key: string | undefined,
  path: string | undefined,
): { pem: string } | { problem: string } {
  const howTo =
    'set PRIVATE_KEY to the .pem file GitHub generated for the App (newlines may be written as \\n, or the whole file base64-encoded), or PRIVATE_KEY_PATH to its path';
  let pem: string;
  let source: string;
  if (key !== undefined) {
    source = 'PRIVATE_KEY';
    pem = key.includes('-----BEGIN')
      ? key.replace(/\\n/g, '\n')
      : Buffer.from(key, 'base64').toString('utf8');
  } else if (path !== undefined) {
    source = 'PRIVATE_KEY_PATH';
    try {
      pem = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { problem: `PRIVATE_KEY_PATH is invalid: cannot read ${path} (${reason})` };
    }
  } else {
    return {
      problem: `PRIVATE_KEY is missing: ${howTo}; Probot signs the App's tokens with it`,
    };
  }
  try {
    // Parsed now so a wrong key stops the app at start, not at its first call to GitHub.
    const parsed = createPrivateKey(pem);
    if (parsed.asymmetricKeyType !== 'rsa') {
      return {
        problem: `${source} is invalid: a GitHub App key is RSA, this one is ${parsed.asymmetricKeyType}`,
      };
    }
  } catch {
    return { problem: `${source} is invalid: not a PEM private key; ${howTo}` };
  }
  return { pem };
}

/**
 * Reads and checks the configuration. Throws a {@link ConfigError} listing every problem (each missing or
 * invalid variable, what to set and why), not just the first.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const present = blankToUndefined(env);
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  const key = readPrivateKey(present.PRIVATE_KEY, present.PRIVATE_KEY_PATH);
  if ('problem' in key) problems.push(key.problem);
  if (!parsed.success || 'problem' in key) throw new ConfigError(problems);
  const vars = parsed.data;
  return {
    appId: Number(vars.APP_ID),
    privateKey: key.pem,
    webhookSecret: vars.WEBHOOK_SECRET,
    baseUrl:
      vars.GHE_HOST === undefined
        ? 'https://api.github.com'
        : `${vars.GHE_PROTOCOL}://${vars.GHE_HOST}/api/v3`,
    port: vars.PORT,
    host: vars.HOST,
    logLevel: vars.LOG_LEVEL,
    store: storeOptionsFromEnv(present),
    heartbeat: vars.HEARTBEAT === 'on',
    dashboardToken: vars.DASHBOARD_TOKEN,
    metricsToken: vars.METRICS_TOKEN,
    dashboardIssue: vars.DASHBOARD_ISSUE === 'on',
  };
}
