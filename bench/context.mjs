/**
 * Bench: context assembly on a generated 50,000-file git repository (design target: ≤ 2 s).
 *
 *   node bench/context.mjs            # 50,000 files
 *   BENCH_FILES=100000 node bench/context.mjs
 *
 * Generates a TypeScript monorepo in a temp folder (one `git add` for the lot), bundles
 * action/context/index.ts with esbuild (the same code the action runs), then times assembleContext
 * without a story, with a story, with a story and a diff, and as a plain folder walk (no git).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const totalFiles = Number(process.env.BENCH_FILES ?? 50_000);
const runs = 5;
const FILES_PER_FOLDER = 200;

function git(dir, ...args) {
  execFileSync('git', ['-C', dir, ...args], {
    stdio: 'ignore',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

/** Writes `count` files: packages of 200 TypeScript modules and tests, each calling its neighbours. */
function generate(dir, count) {
  const started = performance.now();
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'bench-monorepo',
        private: true,
        type: 'module',
        workspaces: ['packages/*'],
        scripts: { test: 'vitest run', lint: 'eslint .', build: 'tsc -b', typecheck: 'tsc --noEmit' },
      },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion":3}\n');
  writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
  writeFileSync(join(dir, 'eslint.config.js'), 'export default [];\n');
  let written = 4;
  for (let p = 0; written < count; p++) {
    const pkg = `packages/pkg${p}`;
    mkdirSync(join(dir, pkg, 'src'), { recursive: true });
    mkdirSync(join(dir, pkg, 'test'), { recursive: true });
    writeFileSync(
      join(dir, pkg, 'package.json'),
      JSON.stringify({ name: `@bench/pkg${p}`, scripts: { test: 'vitest run', build: 'tsc' } }),
    );
    written++;
    for (let m = 0; m < FILES_PER_FOLDER && written < count; m++) {
      const isTest = m % 5 === 4;
      const name = isTest ? `test/module${m}.test.ts` : `src/module${m}.ts`;
      // One module in the whole repository defines applyDiscount; one in fifty packages calls it.
      const extra =
        p === 7 && m === 3
          ? 'export function applyDiscount(price: number, rate: number): number {\n  return price * (1 - rate);\n}\n'
          : p % 50 === 0 && m === 10
            ? "import { applyDiscount } from '../../pkg7/src/module3.js';\nexport const sale = applyDiscount(100, 0.1);\n"
            : '';
      const body =
        `import { helper${m} } from './helper.js';\n` +
        `/** Computes the ${isTest ? 'expected' : 'order'} total for package ${p}, module ${m}. */\n` +
        `export function total${p}_${m}(items: number[]): number {\n` +
        `  return items.reduce((sum, item) => sum + helper${m}(item), 0);\n}\n${extra}`;
      writeFileSync(join(dir, pkg, name), body);
      written++;
    }
  }
  return performance.now() - started;
}

const STORY = `# Apply a loyalty discount at checkout

Customers with a loyalty card get 5% off. Use \`applyDiscount\` from the pricing module and call it from
\`total7_3\` in packages/pkg7; update the order total tests.
`;

const DIFF = `diff --git a/packages/pkg7/src/module3.ts b/packages/pkg7/src/module3.ts
--- a/packages/pkg7/src/module3.ts
+++ b/packages/pkg7/src/module3.ts
@@ -5,3 +5,3 @@ export function total7_3(items: number[]): number {
-export function applyDiscount(price: number, rate: number): number {
+export function applyDiscount(price: number, rate: number, floor = 0): number {
   return price * (1 - rate);
`;

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    first: times[0],
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

async function time(label, fn) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await fn();
    times.push(performance.now() - started);
  }
  const s = stats(times);
  const fmt = (ms) => `${ms.toFixed(0)} ms`;
  console.log(
    `${label.padEnd(28)} first ${fmt(s.first).padStart(8)}  median ${fmt(s.median).padStart(8)}  ` +
      `min ${fmt(s.min).padStart(8)}  max ${fmt(s.max).padStart(8)}  ${s.max <= 2000 ? 'within' : 'OVER'} the 2 s target`,
  );
  return result;
}

const work = mkdtempSync(join(tmpdir(), 'bench-context-'));
try {
  const repo = join(work, 'repo');
  mkdirSync(repo);
  const generation = generate(repo, totalFiles);
  const addStarted = performance.now();
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  console.log(
    `generated ${totalFiles} files in ${(generation / 1000).toFixed(1)} s, git add in ${((performance.now() - addStarted) / 1000).toFixed(1)} s`,
  );

  const bundle = join(work, 'context.mjs');
  await build({
    entryPoints: [join(root, 'action/context/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const { assembleContext } = await import(pathToFileURL(bundle).href);

  const plain = await time('no story', () => assembleContext({ repoDir: repo }));
  const withStory = await time('story', () => assembleContext({ repoDir: repo, story: STORY }));
  const withDiff = await time('story + diff', () =>
    assembleContext({ repoDir: repo, story: STORY, diff: DIFF }),
  );
  renameSync(join(repo, '.git'), join(work, 'git-aside'));
  const walked = await time('story, folder walk (no git)', () =>
    assembleContext({ repoDir: repo, story: STORY }),
  );

  console.log(
    `tracked files: ${plain.trackedFiles.count} (${plain.trackedFiles.source}); stacks: ${plain.stacks.length}; ` +
      `relevant files: ${withStory.relevantFiles.length}; callers of applyDiscount: ` +
      `${withDiff.callers.find((c) => c.symbol === 'applyDiscount')?.total ?? 0}; walk saw ${walked.trackedFiles.count} files; ` +
      `brief: ${withDiff.brief.split('\n').length} lines`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
