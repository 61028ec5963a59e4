/**
 * Bench: start-up time of each bundled action entry (design target: ≤ 300 ms).
 *
 *   npm run bench:startup             # 11 runs per entry
 *   BENCH_RUNS=31 npm run bench:startup
 *
 * Runs `node dist/actions/<stage>.js` as its composite action does (GITHUB_ACTION_PATH, RUNNER_TEMP and
 * GITHUB_OUTPUT set, in a scratch folder) but with no inputs, the way a misconfigured workflow would, and
 * times it to exit. That is the whole start-up path (load and evaluate the bundle, read
 * the inputs) and it must end fast, with a non-zero exit and an `::error::` line saying what is missing.
 * Prints the median, min and max per entry next to a bare `node -e ''` for scale. Exits 1 if a bundle is
 * missing or does not fail that way; the times are reported, not enforced (they depend on the machine).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 11);
const TARGET_MS = 300;
const STAGES = ['plan', 'implement', 'review', 'release-gate', 'validate'];

const scratch = mkdtempSync(join(tmpdir(), 'ai-orchestrator-startup-'));
const output = join(scratch, 'output');

/** What the runner sets for a composite action's step; no INPUT_*, no token. */
const runnerEnv = (stage) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  RUNNER_TEMP: scratch,
  GITHUB_OUTPUT: output,
  GITHUB_ACTION_PATH: join(root, 'action', stage),
});

function time(args, stage) {
  writeFileSync(output, '');
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: scratch, env: runnerEnv(stage), encoding: 'utf8' });
  return {
    ms: performance.now() - started,
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
  };
}

function measure(args, stage) {
  const samples = Array.from({ length: runs }, () => time(args, stage));
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted.at(-1),
    last: samples.at(-1),
  };
}

const fmt = (ms) => `${ms.toFixed(0)} ms`;
let failed = false;

const baseline = measure(['-e', ''], 'plan');
console.log(`node ${process.version}, ${runs} runs each; bare node start-up: median ${fmt(baseline.median)}`);
for (const stage of STAGES) {
  const bundle = join('dist/actions', `${stage}.js`);
  if (!existsSync(join(root, bundle))) {
    console.log(`${stage.padEnd(13)} missing: ${bundle} (run npm run build)`);
    failed = true;
    continue;
  }
  const result = measure([join(root, bundle)], stage);
  const error = result.last.output.split('\n').find((line) => line.startsWith('::error')) ?? '';
  const clear = result.last.status !== 0 && error !== '';
  failed ||= !clear;
  console.log(
    `${stage.padEnd(13)} median ${fmt(result.median).padStart(7)}  min ${fmt(result.min).padStart(7)}  ` +
      `max ${fmt(result.max).padStart(7)}  ${result.median <= TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target  ` +
      `exit ${result.last.status}  ${clear ? error.slice(0, 100) : 'NO ::error:: LINE: it did not fail clearly'}`,
  );
}
rmSync(scratch, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
