/**
 * Helpers the benches share: percentiles, the machine's load, a bounded keep-alive HTTP load generator,
 * the server under test in a child process, and a Postgres schema of its own.
 */
import { Buffer } from 'node:buffer';
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** The p-th percentile (0–100) of `values` by nearest rank; NaN for none. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** n, p50, p99, max and mean of `values`. */
export function summary(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    mean: values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length,
  };
}

export const ms = (value) =>
  Number.isNaN(value) ? 'n/a' : `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;
export const perSecond = (value) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(0)}/s`);

/** The machine in one line: cores and the 1, 5 and 15 minute load averages now. */
export function machine() {
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return `${cpus().length} cores, load average ${one} ${five} ${fifteen}`;
}

/**
 * Posts every delivery (`{ id, headers, body }`) to `url` with at most `concurrency` requests in flight on
 * a keep-alive agent, stopping to start new ones after `deadlineMs`. Each result has the status (0 on a
 * transport error), when it was sent on the wall clock (`sentAt`, ms since the epoch, fractional) and the
 * time to the whole answer (`ackMs`). Resolves with the results in delivery order and the wall time.
 */
export async function postAll(url, deliveries, { concurrency, deadlineMs = 120_000, agent }) {
  const target = new URL(url);
  const ownAgent = agent ?? new Agent({ keepAlive: true, maxSockets: concurrency });
  const results = new Array(deliveries.length);
  const started = performance.now();
  let next = 0;
  const one = (delivery) =>
    new Promise((resolve) => {
      const sentAt = performance.timeOrigin + performance.now();
      const t0 = performance.now();
      const req = request(
        target,
        {
          method: 'POST',
          agent: ownAgent,
          headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) },
          timeout: 30_000,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ id: delivery.id, status: res.statusCode ?? 0, sentAt, ackMs: performance.now() - t0 }),
          );
          res.on('error', () =>
            resolve({ id: delivery.id, status: 0, sentAt, ackMs: performance.now() - t0 }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ id: delivery.id, status: 0, sentAt, ackMs: performance.now() - t0 }));
      req.end(delivery.body);
    });
  const worker = async () => {
    while (next < deliveries.length && performance.now() - started < deadlineMs) {
      const index = next++;
      results[index] = await one(deliveries[index]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - started;
  if (agent === undefined) ownAgent.destroy();
  return { results: results.filter((result) => result !== undefined), wallMs };
}

/**
 * Starts the server under test: `file` (a bundle of bench/server.ts) forked with `env`, its output
 * discarded (`BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of it there). Resolves once it listens, with
 * its URL, `ask(message)` (the next answer of the child) and `stop()`. Bounded: a child that does not start
 * within `startMs` or answer within `askMs` is killed and the bench fails.
 */
export async function startServer(file, env, { startMs = 60_000, askMs = 120_000 } = {}) {
  const profileDir = process.env.BENCH_CPU_PROF;
  const child = fork(file, [], {
    env: { ...process.env, ...env },
    execArgv: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiters = [];
  child.on('message', (message) => {
    if (message.type === 'error') {
      console.error(`server under test: ${message.message}`);
    }
    waiters.shift()?.(message);
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
    for (const waiter of waiters.splice(0)) waiter({ type: 'exit' });
  });
  const next = (timeoutMs) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('the server under test exited'));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server under test did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push((message) => {
        clearTimeout(timer);
        if (message.type === 'exit') reject(new Error('the server under test exited'));
        else resolve(message);
      });
    });
  const ready = await next(startMs);
  return {
    url: ready.url,
    async ask(message) {
      const answer = next(askMs);
      child.send(message);
      return answer;
    },
    async stop() {
      if (exited) return;
      const answer = next(askMs).catch(() => undefined);
      child.send({ type: 'stop' });
      await answer;
      // The child disconnects and exits by itself; give it a moment, then make sure.
      for (let i = 0; i < 50 && !exited; i++) await sleep(20);
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** Postgres for the benches: `BENCH_DATABASE_URL`, default the local test database. */
export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when Postgres answers at `url` within 3 s. */
export async function postgresReachable(url = POSTGRES_URL) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops a bench's schema (and everything in it). */
export async function dropSchema(schema, url = POSTGRES_URL) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name for one bench run. */
export function freshSchema(prefix) {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passed; resolves with whether it became true. */
export async function waitFor(check, { timeoutMs, everyMs = 5 }) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}

/**
 * Waits until `github` (an offline GitHub) sent every webhook and `child` (bench/server.ts) has nothing
 * queued or running, and no new request or delivery appeared meanwhile. Bounded: at most 100 rounds.
 */
export async function quiet(github, child) {
  let last = '';
  for (let round = 0; round < 100; round++) {
    await github.webhooks.settled();
    await child.ask({ type: 'idle' });
    await github.webhooks.settled();
    const now = `${github.requests.all().length}/${github.webhooks.deliveries().length}`;
    if (now === last) return;
    last = now;
  }
}
