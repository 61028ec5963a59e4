/**
 * Bench: the wall time of a plan's stories against its critical path (design §10: wall time = critical
 * path; independent stories run in parallel).
 *
 *   node bench/dag.mjs
 *   BENCH_STAGE_MS=2000 BENCH_CONFIGS=off node bench/dag.mjs
 *
 * The plan of the end-to-end test: A; B→A; C→A; D→B,C, with the default policy (max_parallel_stories 2).
 * The app runs as `npm start` runs it, in a process of its own (bench/server.ts: startApp with the conductor,
 * PGlite in a data folder, webhooks posted by the offline GitHub to its HTTP endpoint). In this process, a
 * stand-in runner (the conductor tests' `Scenario`) picks up each dispatched run as it is requested and
 * completes it T ms later (BENCH_STAGE_MS, default 1000): implement pushes the branch and opens the pull
 * request when it picks the run up, review sets a green release gate, validate passes. bob `/approve`s each pull request as soon as the app labels its story `ai:awaiting-approval`.
 * Both react to the offline GitHub's state events, so nothing polls.
 *
 * Measured from alice's `/approve` of the plan to the app labelling the epic `ai:done`. A
 * story runs three stages (implement, review, validate), so the critical path A → B (or C) → D is 3 × 3 × T
 * and doing the four stories one after another would take 4 × 3 × T. What is above the critical path is the
 * app's own time: taking in each result, moving the items, dispatching the next run, and merging.
 *
 * Two configurations: Probot's Octokit with the write spacing off (as the conductor tests run; the app's own
 * overhead), and as shipped (Probot's default throttling: the writes of one installation ≥ 1 s apart).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, importBundled } from './bundle.mjs';
import { clearTimeout, setImmediate, setTimeout } from 'node:timers';
import { machine, quiet, startServer } from './common.mjs';

const T = Number(process.env.BENCH_STAGE_MS ?? 1000);
const CONFIGS = (process.env.BENCH_CONFIGS ?? 'off,shipped').split(',');
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 600_000);
const DIAMOND = [
  { id: 'A' },
  { id: 'B', depends_on: ['A'] },
  { id: 'C', depends_on: ['A'] },
  { id: 'D', depends_on: ['B', 'C'] },
];
const STAGES_PER_STORY = 3;
const EVENTS = [
  'implement dispatched',
  'implement completed',
  'review dispatched',
  'review completed',
  'approved',
  'validate dispatched',
  'validate completed',
];
const CRITICAL_STORIES = 3;

const support = await importBundled('bench/support.ts');
const server = await bundle('bench/server.ts');

async function measure(writeSpacing) {
  const bench = await support.startBenchGitHub({ autoDeliver: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-orchestrator-bench-pglite-'));
  const app = await startServer(server.file, {
    ...bench.env,
    DATA_DIR: dataDir,
    BENCH_SERVER: 'app',
    BENCH_WRITE_SPACING: writeSpacing ? 'on' : 'off',
  });
  bench.github.state.apps.setWebhook(bench.app, `${app.url}/api/github/webhooks`, support.SECRET);
  const timers = new Set();
  try {
    // The conductor tests' scenario; its store is the app's, in the other process, and not used here.
    const scenario = new support.Scenario(support.worldOf(bench, undefined));
    const { state } = bench.github;
    const epicIssue = scenario.openIssue();
    scenario.label(epicIssue);
    await quiet(bench.github, app);
    const [planRun] = scenario.queuedRuns();
    if (planRun === undefined) throw new Error('no plan run was dispatched');
    scenario.complete(planRun, scenario.planResult(planRun, DIAMOND));
    await quiet(bench.github, app);

    let failure;
    // What the runner does when it picks a run up (implement pushes its branch and opens the pull request
    // then; git runs synchronously, so not on the timer) and when the run's T ms are up.
    const pushed = new Map();
    const pickUp = (run) => {
      state.actions.startRun(scenario.repo, run.id);
      if (scenario.inputs(run).stage === 'implement') pushed.set(run.id, scenario.implement(run).result);
    };
    const finish = (run) => {
      const stage = scenario.inputs(run).stage;
      if (stage === 'implement') scenario.complete(run, pushed.get(run.id));
      else if (stage === 'review') scenario.complete(run, scenario.review(run));
      else if (stage === 'validate') scenario.complete(run, scenario.validateResult(run));
      else throw new Error(`unexpected ${stage} run`);
    };
    /** story → event → when (ms since the epoch): runs completed by the runner, approvals given. */
    const timeline = new Map();
    const note = (story, what) => {
      const entry = timeline.get(story) ?? {};
      entry[what] ??= Date.now();
      timeline.set(story, entry);
    };
    const later = (fn) =>
      setImmediate(() => {
        try {
          fn();
        } catch (error) {
          failure ??= error;
        }
      });

    // The runner and bob react to what happens in the offline GitHub, as it happens (subscribers run
    // synchronously with each change; what they do is deferred so the change finishes first).
    const reviewOf = new Map(); // story issue → { pr, story } of its review run
    let doneAt;
    let finishedNow;
    const finished = new Promise((resolve) => {
      finishedNow = resolve;
    });
    const unsubscribe = state.subscribe((event) => {
      if (event.repo.id !== scenario.repo.id) return;
      if (event.kind === 'workflow_run' && event.action === 'requested') {
        const run = event.run;
        const { stage, story, issue, pr } = scenario.inputs(run);
        if (stage === 'review') reviewOf.set(Number(issue), { pr: Number(pr), story });
        later(() => pickUp(run));
        const timer = setTimeout(() => {
          timers.delete(timer);
          try {
            finish(run);
            note(story, `${stage} completed`);
          } catch (error) {
            failure ??= error;
            finishedNow();
          }
        }, T);
        timers.add(timer);
      } else if (event.kind === 'issues' && event.action === 'labeled') {
        const label = event.label?.name;
        const review = reviewOf.get(event.issue.number);
        if (label === 'ai:awaiting-approval' && review !== undefined) {
          reviewOf.delete(event.issue.number);
          later(() => {
            scenario.comment(review.pr, '/approve', 'bob');
            note(review.story, 'approved');
          });
        } else if ((label === 'ai:done' || label === 'ai:failed') && event.issue.number === epicIssue) {
          doneAt = Date.now();
          finishedNow();
        }
      }
    });

    const startedAt = Date.now();
    scenario.comment(epicIssue, '/approve', 'alice');
    const deadline = setTimeout(finishedNow, DEADLINE_MS);
    await finished;
    clearTimeout(deadline);
    unsubscribe();
    if (failure !== undefined) throw failure;
    await quiet(bench.github, app);
    const labels = scenario.labels(epicIssue);
    const done = labels.includes('ai:done') ? 'done' : labels.includes('ai:failed') ? 'failed' : 'unfinished';
    const wallMs = done === 'done' && doneAt !== undefined ? doneAt - startedAt : Number.NaN;
    // When each dispatch reached the offline GitHub (its request log), by story and stage.
    for (const request of bench.github.requests.filter('actions/create-workflow-dispatch')) {
      const inputs = request.body?.inputs;
      if (request.status < 300 && inputs?.story) {
        const entry = timeline.get(inputs.story) ?? {};
        entry[`${inputs.stage} dispatched`] ??= request.at.getTime();
        timeline.set(inputs.story, entry);
      }
    }
    const rows = DIAMOND.map(({ id }) => ({ story: id, times: timeline.get(id) ?? {} }));
    return {
      state: done,
      wallMs,
      rows,
      startedAt,
      doneAt: startedAt + wallMs,
      merged: scenario.mergedPulls().length,
      // The app's requests between the plan's approval and the epic being done.
      requests: bench.github.requests
        .all()
        .filter(
          (r) =>
            r.auth.kind === 'installation' &&
            r.at.getTime() >= startedAt &&
            r.at.getTime() <= startedAt + wallMs,
        ),
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await app.stop();
    await bench.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `node ${process.version}; plan A; B→A; C→A; D→B,C; max_parallel_stories 2; each stage's run takes T = ${T} ms`,
);
const critical = CRITICAL_STORIES * STAGES_PER_STORY * T;
const serial = DIAMOND.length * STAGES_PER_STORY * T;
let failed = false;
for (const config of CONFIGS) {
  const label = config === 'shipped' ? 'as shipped (writes ≥ 1 s apart)' : 'write spacing off';
  console.log(`${label} (${machine()})`);
  const result = await measure(config === 'shipped');
  failed ||= result.state !== 'done';
  const s = (value) => `${(value / 1000).toFixed(2)} s`;
  console.log(
    `  epic ${result.state}, ${result.merged} pull requests merged; wall ${s(result.wallMs)}; critical path ` +
      `3 stories × 3 stages × T = ${s(critical)}; wall − critical path = ${s(result.wallMs - critical)} ` +
      `(${((result.wallMs / critical - 1) * 100).toFixed(0)} % over); one story after another would be ≥ ${s(serial)}`,
  );
  const writes = result.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length;
  console.log(
    `    the app made ${result.requests.length} requests to GitHub meanwhile, ${writes} of them writes ` +
      `(as shipped, the writes of an installation go at most one a second)`,
  );
  const at = (time) => (time === undefined ? '—' : s(time - result.startedAt).padStart(6));
  console.log(`    story  ${EVENTS.map((event) => event.padStart(20)).join('')}`);
  for (const { story, times } of result.rows) {
    console.log(`    ${story.padEnd(5)}  ${EVENTS.map((event) => at(times[event]).padStart(20)).join('')}`);
  }
  // The app's time between an event and the next thing it does, averaged over the stories.
  const gap = (from, to) =>
    result.rows.map(({ times }) => times[to] - times[from]).filter((value) => Number.isFinite(value));
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const gaps = [
    ['implement completed', 'review dispatched'],
    ['review completed', 'approved'],
    ['approved', 'validate dispatched'],
  ].map(([from, to]) => `${from} → ${to} ${(mean(gap(from, to)) / 1000).toFixed(2)} s`);
  const first = result.rows[0].times['implement dispatched'];
  const next = (story, after) => {
    const times = result.rows.find((row) => row.story === story).times;
    return times['implement dispatched'] - after;
  };
  const aDone = result.rows[0].times['validate completed'];
  const bcDone = Math.max(
    result.rows[1].times['validate completed'],
    result.rows[2].times['validate completed'],
  );
  const dDone = result.rows[3].times['validate completed'];
  console.log(
    `    the app's time, mean per story: ${gaps.join('; ')}; plan /approve → A dispatched ` +
      `${s(first - result.startedAt)}; A validated → B, C dispatched ${s(next('B', aDone))}, ${s(next('C', aDone))}; ` +
      `B and C validated → D dispatched ${s(next('D', bcDone))}; D validated → epic done ${s(result.doneAt - dDone)}`,
  );
}
console.log(`${machine()} at the end`);
server.dispose();
if (failed) process.exitCode = 1;
