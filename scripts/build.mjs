// Builds the committed bundles under dist/ (GitHub Actions run them as they are, without npm install)
// and the JSON schema of the configuration file. `npm run check:dist` fails when these are stale.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

// One entry per shipped program: the CLI, the app, one bundle per action. Add an entry with its program.
const entries = [
  { in: 'cli/bin.ts', out: 'cli' },
  { in: 'app/main.ts', out: 'app' },
  { in: 'action/plan/index.ts', out: 'actions/plan' },
  { in: 'action/implement/index.ts', out: 'actions/implement' },
  { in: 'action/review/index.ts', out: 'actions/review' },
  { in: 'action/release-gate/index.ts', out: 'actions/release-gate' },
  { in: 'action/validate/index.ts', out: 'actions/validate' },
];

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.js' },
  loader: { '.yml': 'text' },
  // PGlite loads its WebAssembly and data files from beside its own module (import.meta.url), which a
  // bundle would move away from them; the app is run after `npm ci`, so it is imported from node_modules.
  external: ['@electric-sql/pglite'],
  // Bundled CommonJS dependencies may call require(); give them one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  legalComments: 'linked',
  logLevel: 'warning',
});

mkdirSync('schema', { recursive: true });
const schema = execFileSync(process.execPath, ['dist/cli.js', 'policy', 'schema'], { encoding: 'utf8' });
writeFileSync('schema/ai-orchestrator.schema.json', schema);
