/**
 * Bench: GitHub API calls the app makes for one story, from the trigger label to the merge (design §10:
 * ≤ 40; the rate limit is 5,000 requests an hour per installation).
 *
 *   node bench/api-calls.mjs
 *   BENCH_WRITE_SPACING=off node bench/api-calls.mjs    # the same count, without the 1 s between writes
 *
 * Runs the app as `npm start` does (startApp with the conductor and Probot's Octokit, an in-memory PGlite
 * store, webhooks posted by the offline GitHub to its HTTP endpoint) against the offline GitHub, and drives
 * one single-story lifecycle the way test/app/conductor does: alice labels an issue; the plan run
 * completes with a one-story plan; alice `/approve`s the plan; the implement run pushes the branch, opens
 * the pull request and completes; the review run sets the release-gate check and completes with an
 * approving gate; bob `/approve`s the pull request; the app merges; the validate run completes. The people
 * and the stand-in runner act through the offline GitHub's state API (as in the conductor tests), so the
 * request log holds only the app's own requests (made with the App's JWT or an installation token), which
 * are counted by operation and by step after each step has settled (every webhook answered, the queue and
 * the outbox drains idle).
 *
 * Not counted: the calls the agents make from the workflow jobs (checkout, app token, artifact upload,
 * pushing the branch, opening the pull request, the release-gate check run, …); the stand-in runner does
 * those through the state API. Nor the webhooks GitHub sends (they cost no API quota).
 */
import { performance } from 'node:perf_hooks';
import { importBundled } from './bundle.mjs';
import { machine } from './common.mjs';

const TARGET = 40;
const writeSpacing = (process.env.BENCH_WRITE_SPACING ?? 'on') !== 'off';

const support = await importBundled('bench/support.ts');
const bench = await support.startBenchGitHub({ autoDeliver: true });
const store = await support.openStore({ dataDir: 'memory://' });
const app = await support.startBenchApp(bench, store, { writeSpacing });
const { github } = bench;
const scenario = new support.Scenario(support.worldOf(bench, store));

/** The one queued run of `stage`, or an error saying what is queued instead. */
function queued(stage) {
  const runs = scenario.queuedRuns().filter((run) => scenario.inputs(run).stage === stage);
  if (runs.length !== 1) {
    const have = scenario.queuedRuns().map((run) => scenario.inputs(run).stage);
    throw new Error(`expected one queued ${stage} run, found: ${have.join(', ') || 'none'}`);
  }
  return runs[0];
}

const steps = [];
let mark = 0;
/** Runs one step of the lifecycle, waits until everything settled, and books the app's requests to it. */
async function step(name, act) {
  const started = performance.now();
  await act();
  await app.settle();
  const all = github.requests.all();
  const requests = all.slice(mark).filter((r) => r.auth.kind === 'app' || r.auth.kind === 'installation');
  mark = all.length;
  steps.push({ name, requests, ms: performance.now() - started });
}

console.log(
  `node ${process.version}; ${machine()}; write spacing ${writeSpacing ? 'on (as shipped)' : 'off'}`,
);
const issue = scenario.openIssue();
await app.settle();
mark = github.requests.all().length;
const openedBefore = github.requests
  .all()
  .filter((r) => r.auth.kind === 'app' || r.auth.kind === 'installation').length;

let pr;
await step('label → plan dispatched', () => scenario.label(issue));
await step('plan run completed → plan posted', () => {
  const run = queued('plan');
  scenario.complete(run, scenario.planResult(run, [{ id: 'A' }]));
});
await step('/approve plan → implement dispatched', () => scenario.comment(issue, '/approve', 'alice'));
await step('implement run completed (PR opened) → review dispatched', () => {
  const run = queued('implement');
  const implemented = scenario.implement(run);
  pr = implemented.pr;
  scenario.complete(run, implemented.result);
});
await step('review run completed (gate green) → awaiting approval', () => {
  const run = queued('review');
  scenario.complete(run, scenario.review(run));
});
await step('/approve PR → merged', () => scenario.comment(pr, '/approve', 'bob'));
const merged = scenario.mergedPulls().includes(pr);
const toMerge = steps.reduce((sum, s) => sum + s.requests.length, 0);
await step('merged → validate run completed → done', async () => {
  await app.settle();
  const run = queued('validate');
  scenario.complete(run, scenario.validateResult(run));
});
const epic = await scenario.item(issue);
const total = steps.reduce((sum, s) => sum + s.requests.length, 0);

/** operation → count over `requests`, most frequent first. */
function byOperation(requests) {
  const counts = new Map();
  for (const r of requests) {
    const name = `${r.operationId ?? `${r.method} ${r.path}`}${r.status >= 400 ? ` (${r.status})` : ''}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const all = steps.flatMap((s) => s.requests);
console.log('\napp requests by operation, label → done');
console.log(`${'operation'.padEnd(44)} ${'count'.padStart(5)}  kind`);
for (const [operation, count] of byOperation(all)) {
  const sample = all.find(
    (r) => (r.operationId ?? `${r.method} ${r.path}`) === operation.replace(/ \(\d+\)$/, ''),
  );
  const kind =
    sample === undefined ? '' : sample.method === 'GET' || sample.method === 'HEAD' ? 'read' : 'write';
  console.log(`${operation.padEnd(44)} ${String(count).padStart(5)}  ${kind}`);
}
console.log(`${'total'.padEnd(44)} ${String(total).padStart(5)}`);

console.log('\nby step');
for (const s of steps) {
  const writes = s.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length;
  const ops = byOperation(s.requests)
    .map(([operation, count]) => (count > 1 ? `${operation} ×${count}` : operation))
    .join(', ');
  console.log(
    `  ${s.name.padEnd(58)} ${String(s.requests.length).padStart(3)} (${writes} writes) ${(s.ms / 1000).toFixed(1).padStart(5)} s  ${ops}`,
  );
}
console.log(
  `\nlabel → merge: ${toMerge} requests (${toMerge <= TARGET ? 'within' : 'OVER'} the ≤ ${TARGET} target; ` +
    `pull request ${merged ? 'merged' : 'NOT merged'}); label → done (validated): ${total}; epic ${epic?.state ?? 'missing'}`,
);
console.log(
  `before the label (the issue opened, nothing to do): ${openedBefore} requests. Counted: requests with the App's JWT ` +
    'or an installation token; not counted: the agents\u2019 calls in the workflow jobs (simulated through the state API).',
);

await app.running.stop();
await store.close();
await bench.close();
if (!merged || epic?.state !== 'done') process.exitCode = 1;
