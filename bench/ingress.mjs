/**
 * Bench: webhook ingress on this machine, all on 127.0.0.1 (design §10: deliveries the app ignores at
 * ≥ 0.5× a no-op Probot app's throughput; deliveries that start work at ≥ 300/s with webhook→dispatch
 * p50 ≤ 20 ms and p99 ≤ 100 ms).
 *
 *   node bench/ingress.mjs
 *   BENCH_ENGINES=pglite BENCH_ROUNDS=1 node bench/ingress.mjs
 *   BENCH_CPU_PROF=/tmp/prof node bench/ingress.mjs     # a V8 CPU profile of each server under test
 *   BENCH_PGLITE_MEMORY=1 node bench/ingress.mjs        # PGlite in memory (memory://) instead of a folder
 *
 * The offline GitHub (testbed/github) runs in this process and makes every delivery: real payloads,
 * signed with the webhook secret, held instead of sent. The server under test runs in a child process
 * (bench/server.ts), so it has an event loop of its own; this process posts the held deliveries to it on
 * a keep-alive agent with a fixed number in flight, after a warm-up, and reads the dispatches the app
 * made from the offline GitHub's request log.
 *
 * (a) baseline: Probot's own Server with one no-op `issues.opened` handler; N `issues.opened` deliveries.
 * (b) ignored: the app as `npm start` runs it, the same N `issues.opened` deliveries (the conductor has no
 *     handler for them; each is still verified, recorded durably before the answer, then handled and
 *     completed by the queue). Acks/s and ack latency, and how long until the queue had handled them all.
 * (c) start work: signed `issues.labeled` deliveries with the trigger label, each for a distinct new issue
 *     (spread over several repositories of one installation): verified, deduplicated, recorded, the epic
 *     created and moved to planning, the plan dispatched to the offline GitHub. Webhook→dispatch is the
 *     time from sending the POST to the `actions/create-workflow-dispatch` request arriving at the offline
 *     GitHub (its request log; 1 ms resolution). Measured one at a time (no queueing) and as a burst.
 *     While it runs, the offline GitHub also sends the app the webhooks its own writes cause (labels,
 *     comments, workflow runs), as GitHub would.
 *     Two Octokit configurations: as shipped (Probot's default throttling: the writes of one installation
 *     at least 1 s apart) and with that write spacing off (as the conductor tests run), which shows the
 *     app's own cost.
 *
 * (d) One GitHub write (adding a label), one after another, through @octokit/rest without plugins and
 *     through Probot's Octokit with its throttling off, on without write spacing, and as shipped: what the
 *     client itself adds to each request the app makes.
 *
 * Each figure runs on PGlite (a data folder in the system temp folder, as `npm start` keeps one in ./.data) and, when it answers, on Postgres
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, in a fresh schema dropped after).
 * Every loop is bounded in count and time; the bench stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundle, importBundled } from './bundle.mjs';
import {
  dropSchema,
  freshSchema,
  machine,
  ms,
  perSecond,
  postAll,
  postgresReachable,
  quiet as quietBoth,
  POSTGRES_URL,
  startServer,
  summary,
  waitFor,
} from './common.mjs';

const env = process.env;
const N = Number(env.BENCH_DELIVERIES ?? 2000);
const WARMUP = Number(env.BENCH_WARMUP ?? 200);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const WORK_N = Number(env.BENCH_WORK_DELIVERIES ?? 400);
const WORK_WARMUP = Number(env.BENCH_WORK_WARMUP ?? 24);
const WORK_REPOS = Number(env.BENCH_WORK_REPOS ?? 8);
const SEQUENTIAL = Number(env.BENCH_SEQUENTIAL ?? 10);
const SHIPPED_BURST = Number(env.BENCH_SHIPPED_BURST ?? 8);
const ENGINES = (env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
const PARTS = (env.BENCH_PARTS ?? 'ab,c,shipped,octokit').split(',');
const DEADLINE_MS = 120_000;

const support = await importBundled('bench/support.ts');
const server = await bundle('bench/server.ts');

const bench = await support.startBenchGitHub({ autoDeliver: false, checkResponses: false });
const { github } = bench;

/** The store of one server under test: its environment, and how to clean up after it. */
function engineEnv(engine) {
  if (engine === 'pglite' && env.BENCH_PGLITE_MEMORY === '1') {
    return { env: { DATA_DIR: 'memory://' }, cleanup: async () => undefined };
  }
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ai-orchestrator-bench-pglite-'));
    return {
      env: { DATA_DIR: dataDir },
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = freshSchema('bench_ingress');
  return {
    env: { DATABASE_URL: POSTGRES_URL, BENCH_SCHEMA: schema },
    cleanup: () => dropSchema(schema),
  };
}

/** Starts a server under test (`probot` or `app`) on `engine`, with the write spacing on or off. */
async function start(kind, engine, writeSpacing = true) {
  const store = kind === 'app' ? engineEnv(engine) : { env: {}, cleanup: async () => undefined };
  const child = await startServer(server.file, {
    ...bench.env,
    ...store.env,
    BENCH_SERVER: kind,
    BENCH_WRITE_SPACING: writeSpacing ? 'on' : 'off',
  });
  return {
    ...child,
    webhookUrl: `${child.url}/api/github/webhooks`,
    async stop() {
      await child.stop();
      await store.cleanup();
    },
  };
}

const quiet = (child) => quietBoth(github, child);

/** The held deliveries made since `mark` (a count of all deliveries), of `event`.`action`. */
function heldSince(mark, event, action) {
  return github.webhooks
    .deliveries()
    .slice(mark)
    .filter(
      (delivery) => delivery.state === 'held' && delivery.event === event && delivery.action === action,
    );
}

const toPost = (deliveries) => Promise.all(deliveries.map((delivery) => support.signedRequest(delivery)));

// ---------------------------------------------------------------------------------------------------
// (a) and (b): the same `issues.opened` deliveries to the no-op Probot app and to the app.

function openedDeliveries(count, name) {
  const repo = support.createRepository(bench, name);
  const mark = github.webhooks.deliveries().length;
  for (let i = 0; i < count; i++) support.openIssue(bench, repo, `Issue ${i}`);
  return toPost(heldSince(mark, 'issues', 'opened'));
}

async function ingressRun(kind, engine, deliveries) {
  const child = await start(kind, engine);
  try {
    const warm = await postAll(child.webhookUrl, deliveries.warmup, { concurrency: CONCURRENCY });
    if (kind === 'app') await quiet(child);
    const run = await postAll(child.webhookUrl, deliveries.measured, {
      concurrency: CONCURRENCY,
      deadlineMs: DEADLINE_MS,
    });
    let handledMs = Number.NaN;
    let outcomes = {};
    if (kind === 'app') {
      const t0 = performance.now();
      await child.ask({ type: 'idle' });
      handledMs = run.wallMs + (performance.now() - t0);
      const sample = run.results.filter((_, i) => i % Math.max(1, Math.floor(run.results.length / 50)) === 0);
      outcomes = (await child.ask({ type: 'outcomes', ids: sample.map((r) => r.id) })).counts;
    }
    const ok = run.results.filter((r) => r.status >= 200 && r.status < 300);
    return {
      sent: run.results.length,
      ok: ok.length,
      statuses: [...new Set(run.results.map((r) => r.status))].join(','),
      warmOk: warm.results.filter((r) => r.status >= 200 && r.status < 300).length,
      perSecond: (ok.length / run.wallMs) * 1000,
      ack: summary(ok.map((r) => r.ackMs)),
      handledPerSecond: (ok.length / handledMs) * 1000,
      outcomes,
    };
  } finally {
    await child.stop();
  }
}

function printIngress(label, result, baseline) {
  const ratio =
    baseline === undefined ? '' : `  ${(result.perSecond / baseline.perSecond).toFixed(2)}× baseline`;
  const handled = Number.isNaN(result.handledPerSecond)
    ? ''
    : `  all handled at ${perSecond(result.handledPerSecond)}`;
  const outcomes =
    Object.keys(result.outcomes).length === 0 ? '' : `  sample outcomes ${JSON.stringify(result.outcomes)}`;
  console.log(
    `  ${label.padEnd(22)} ${String(result.ok).padStart(5)}/${result.sent} acked (${result.statuses})  ` +
      `${perSecond(result.perSecond).padStart(7)}  ack p50 ${ms(result.ack.p50)}  p99 ${ms(result.ack.p99)}  ` +
      `max ${ms(result.ack.max)}${ratio}${handled}${outcomes}`,
  );
}

const engines = [];
for (const engine of ENGINES) {
  if (engine === 'postgres' && !(await postgresReachable())) {
    console.log(
      `Postgres at ${POSTGRES_URL.replace(/\/\/[^@]*@/, '//')} does not answer: its figures are skipped`,
    );
    continue;
  }
  engines.push(engine);
}

console.log(`node ${process.version}; ${machine()} at the start`);
if (PARTS.includes('ab')) {
  console.log(
    `(a) no-op Probot app vs (b) the app, ${N} issues.opened deliveries after ${WARMUP} warm-up, ` +
      `${CONCURRENCY} in flight, keep-alive; ${ROUNDS} rounds`,
  );
  const ratios = Object.fromEntries(engines.map((engine) => [engine, []]));
  const rates = { probot: [], ...Object.fromEntries(engines.map((engine) => [engine, []])) };
  for (let round = 1; round <= ROUNDS; round++) {
    const opened = await openedDeliveries(WARMUP + N, `opened-${round}`);
    const deliveries = { warmup: opened.slice(0, WARMUP), measured: opened.slice(WARMUP) };
    console.log(`round ${round} (${machine()})`);
    const baseline = await ingressRun('probot', undefined, deliveries);
    printIngress('(a) no-op Probot app', baseline);
    rates.probot.push(baseline.perSecond);
    for (const engine of engines) {
      const result = await ingressRun('app', engine, deliveries);
      printIngress(`(b) app, ${engine}`, result, baseline);
      rates[engine].push(result.perSecond);
      ratios[engine].push(result.perSecond / baseline.perSecond);
    }
  }
  const median = (values) => summary(values).p50;
  console.log(
    `median over rounds: no-op Probot ${perSecond(median(rates.probot))}; ` +
      engines
        .map(
          (engine) =>
            `app on ${engine} ${perSecond(median(rates[engine]))} = ${median(ratios[engine]).toFixed(2)}× ` +
            `(${median(ratios[engine]) >= 0.5 ? 'meets' : 'MISSES'} the ≥ 0.5× target)`,
        )
        .join('; '),
  );
}

// ---------------------------------------------------------------------------------------------------
// (c): deliveries that start work.

let runCounter = 0;

/** `count` new issues over `repos` new repositories, labelled with the trigger label; the held deliveries. */
async function triggerDeliveries(count, repos) {
  runCounter += 1;
  const repositories = Array.from({ length: repos }, (_, r) =>
    support.createRepository(bench, `work-${runCounter}-${r}`),
  );
  const issues = [];
  for (let i = 0; i < count; i++) {
    const repo = repositories[i % repos];
    issues.push({ repo, number: support.openIssue(bench, repo, `Feature ${i}`) });
  }
  const mark = github.webhooks.deliveries().length;
  for (const issue of issues) support.addLabel(bench, issue.repo, issue.number, support.TRIGGER_LABEL);
  const labeled = await toPost(heldSince(mark, 'issues', 'labeled'));
  if (labeled.length !== count)
    throw new Error(`expected ${count} labeled deliveries, got ${labeled.length}`);
  return labeled.map((delivery, i) => ({
    ...delivery,
    key: `${issues[i].repo.owner.login}/${issues[i].repo.name}#${issues[i].number}`,
  }));
}

/** Every dispatch request GitHub accepted, by `owner/repo#issue` of its inputs, with when it arrived. */
function dispatchTimes() {
  const times = new Map();
  for (const request of github.requests.filter('actions/create-workflow-dispatch')) {
    if (request.status >= 300) continue;
    const match = /\/repos\/([^/]+\/[^/]+)\/actions\//.exec(request.path);
    const issue = request.body?.inputs?.issue;
    if (match === null || issue === undefined) continue;
    const key = `${match[1]}#${issue}`;
    if (!times.has(key)) times.set(key, request.at.getTime());
  }
  return times;
}

/** Turns on sending the app's own webhooks to `child` for the run, and off again after. */
async function withWebhooks(child, fn) {
  github.state.apps.setWebhook(bench.app, child.webhookUrl, support.SECRET);
  github.webhooks.setAutoDeliver(true);
  try {
    return await fn();
  } finally {
    await quiet(child);
    github.webhooks.setAutoDeliver(false);
  }
}

/** One delivery at a time: post, wait for its dispatch, wait until the app is quiet, pause; latencies. */
async function sequential(child, deliveries, pauseMs) {
  const latencies = [];
  const firstRequest = [];
  const before = new Map();
  let missing = 0;
  for (const delivery of deliveries) {
    const mark = github.requests.all().length;
    const [result] = (await postAll(child.webhookUrl, [delivery], { concurrency: 1 })).results;
    const found = await waitFor(() => dispatchTimes().has(delivery.key), { timeoutMs: 15_000 });
    if (found && result.status === 202) {
      const dispatchedAt = dispatchTimes().get(delivery.key);
      latencies.push(dispatchedAt - result.sentAt);
      // Nothing else is in flight, so the app's requests since the POST are this delivery's.
      const requests = github.requests
        .all()
        .slice(mark)
        .filter((r) => r.auth.kind === 'installation' || r.auth.kind === 'app');
      if (requests.length > 0) firstRequest.push(requests[0].at.getTime() - result.sentAt);
      for (const r of requests) {
        if (r.at.getTime() > dispatchedAt || r.operationId === 'actions/create-workflow-dispatch') break;
        before.set(r.operationId, (before.get(r.operationId) ?? 0) + 1);
      }
    } else missing += 1;
    await quiet(child);
    await sleep(pauseMs);
  }
  const n = Math.max(1, latencies.length);
  const calls = [...before].map(([op, count]) => `${op}${count === n ? '' : ` ×${(count / n).toFixed(1)}`}`);
  return { latency: summary(latencies), firstRequest: summary(firstRequest), before: calls, missing };
}

/** A burst at `CONCURRENCY` in flight: acks, then webhook→dispatch of each, and dispatches/s overall. */
async function burst(child, deliveries) {
  const run = await postAll(child.webhookUrl, deliveries, {
    concurrency: CONCURRENCY,
    deadlineMs: DEADLINE_MS,
  });
  const acked = run.results.filter((r) => r.status === 202);
  const byId = new Map(deliveries.map((d) => [d.id, d]));
  await waitFor(
    () => {
      const times = dispatchTimes();
      return acked.every((r) => times.has(byId.get(r.id).key));
    },
    { timeoutMs: DEADLINE_MS, everyMs: 50 },
  );
  const times = dispatchTimes();
  const latencies = [];
  let last = 0;
  for (const r of acked) {
    const at = times.get(byId.get(r.id).key);
    if (at === undefined) continue;
    latencies.push(at - r.sentAt);
    last = Math.max(last, at);
  }
  const first = Math.min(...run.results.map((r) => r.sentAt));
  return {
    sent: run.results.length,
    acked: acked.length,
    acksPerSecond: (acked.length / run.wallMs) * 1000,
    ack: summary(acked.map((r) => r.ackMs)),
    dispatched: latencies.length,
    dispatchesPerSecond: (latencies.length / (last - first)) * 1000,
    latency: summary(latencies),
  };
}

function verdict(value, target, below = true) {
  return (below ? value <= target : value >= target) ? 'meets' : 'MISSES';
}

function printWork(label, sequentialResult, burstResult) {
  if (sequentialResult !== undefined) {
    const l = sequentialResult.latency;
    console.log(
      `  ${label}, one at a time (${l.n} deliveries${sequentialResult.missing ? `, ${sequentialResult.missing} without dispatch` : ''}): ` +
        `webhook→dispatch p50 ${ms(l.p50)} (${verdict(l.p50, 20)} ≤ 20 ms)  p99 ${ms(l.p99)} (${verdict(l.p99, 100)} ≤ 100 ms)  max ${ms(l.max)}`,
    );
    console.log(
      `    of which webhook → the app's first request to GitHub p50 ${ms(sequentialResult.firstRequest.p50)}; ` +
        `requests before the dispatch (per delivery): ${sequentialResult.before.join(', ') || 'none'}`,
    );
  }
  if (burstResult !== undefined) {
    const b = burstResult;
    console.log(
      `  ${label}, burst of ${b.sent} (${CONCURRENCY} in flight): ${b.acked} acked at ${perSecond(b.acksPerSecond)} ` +
        `(${verdict(b.acksPerSecond, 300, false)} ≥ 300/s), ack p50 ${ms(b.ack.p50)} p99 ${ms(b.ack.p99)}; ` +
        `${b.dispatched} dispatched at ${perSecond(b.dispatchesPerSecond)} (${verdict(b.dispatchesPerSecond, 300, false)} ≥ 300/s); ` +
        `webhook→dispatch p50 ${ms(b.latency.p50)} (${verdict(b.latency.p50, 20)} ≤ 20 ms) p99 ${ms(b.latency.p99)} ` +
        `(${verdict(b.latency.p99, 100)} ≤ 100 ms) max ${ms(b.latency.max)}`,
    );
  }
}

if (PARTS.includes('c') || PARTS.includes('shipped')) {
  console.log(
    `(c) deliveries that start work: issues.labeled with the trigger label, distinct new issues over ` +
      `${WORK_REPOS} repositories of one installation, after ${WORK_WARMUP} warm-up deliveries`,
  );
}
for (const engine of PARTS.includes('c') ? engines : []) {
  console.log(`${engine}, write spacing off (${machine()})`);
  const child = await start('app', engine, false);
  try {
    const warmup = await triggerDeliveries(WORK_WARMUP, WORK_REPOS);
    await withWebhooks(child, () => burst(child, warmup));
    const one = await triggerDeliveries(SEQUENTIAL, WORK_REPOS);
    const seq = await withWebhooks(child, () => sequential(child, one, 200));
    const many = await triggerDeliveries(WORK_N, WORK_REPOS);
    const load = await withWebhooks(child, () => burst(child, many));
    printWork(`${engine}, write spacing off`, seq, load);
  } finally {
    await child.stop();
  }
}
if (PARTS.includes('shipped')) {
  const engine = engines[0];
  console.log(
    `${engine}, as shipped: Probot's default throttling, writes of an installation ≥ 1 s apart (${machine()})`,
  );
  const child = await start('app', engine, true);
  try {
    const warmup = await triggerDeliveries(2, WORK_REPOS);
    await withWebhooks(child, () => sequential(child, warmup, 1500));
    const one = await triggerDeliveries(SEQUENTIAL, WORK_REPOS);
    const seq = await withWebhooks(child, () => sequential(child, one, 1500));
    const many = await triggerDeliveries(SHIPPED_BURST, WORK_REPOS);
    const load = await withWebhooks(child, () => burst(child, many));
    printWork(`${engine}, as shipped`, seq, load);
  } finally {
    await child.stop();
  }
}
if (PARTS.includes('octokit')) {
  console.log(
    `(d) what one GitHub write costs in the app's client: POST …/issues/{n}/labels to the offline GitHub, one ` +
      `after another, in this process (${machine()})`,
  );
  for (const { name, times } of await support.octokitWriteTimes(bench, 30, 3)) {
    const t = summary(times);
    console.log(`  ${name.padEnd(44)} ${String(t.n).padStart(3)} calls  p50 ${ms(t.p50)}  p99 ${ms(t.p99)}`);
  }
}
console.log(`${machine()} at the end`);

await bench.close();
server.dispose();
