/**
 * Bundles a TypeScript entry of the project with esbuild for the benches (plain node scripts), the way
 * scripts/build.mjs bundles the shipped programs: ESM, node20, `.yml` imported as text, a `require` for
 * bundled CommonJS code, PGlite left external (it loads its WebAssembly from beside its own module).
 *
 * The bundle is written under node_modules/.cache/ai-orchestrator-bench/, inside the project, so what it
 * leaves external and what it resolves at run time (`require.resolve` of @octokit/openapi's description)
 * are found in the project's node_modules, and neither git, ESLint nor Prettier look at it. Each bundle
 * gets a fresh folder; `dispose()` removes it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `entry` (a path relative to the project root); returns the bundle's path and how to remove it. */
export async function bundle(entry) {
  const parent = join(root, 'node_modules', '.cache', 'ai-orchestrator-bench');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'bundle-'));
  const file = join(dir, 'bundle.mjs');
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    loader: { '.yml': 'text' },
    external: ['@electric-sql/pglite'],
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  return {
    file,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Bundles `entry` and imports it; the bundle's folder is removed once the module is loaded. */
export async function importBundled(entry) {
  const bundled = await bundle(entry);
  try {
    return await import(pathToFileURL(bundled.file).href);
  } finally {
    bundled.dispose();
  }
}
