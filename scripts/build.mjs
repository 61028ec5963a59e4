// Builds the committed bundles under dist/ (GitHub Actions run them as they are, without npm install)
// and the JSON schema of the configuration file. `npm run check:dist` fails when these are stale.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

// One entry per shipped program: the CLI, the app, one bundle per action. Add an entry with its program.
const entries = [{ in: 'cli/bin.ts', out: 'cli' }];

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.js' },
  loader: { '.yml': 'text' },
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
