/** Jest runs the TypeScript sources as ESM (Probot 14 and @actions/* are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'yml'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    // Sources import siblings as `./x.js` (NodeNext); jest resolves the `.ts` file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
    // YAML files are imported as text, the same way the esbuild bundle embeds them.
    '^.+\\.yml$': '<rootDir>/test/support/text-transform.cjs',
  },
  testTimeout: 30000,
  // Jest's default is one worker per core minus one: a single worker on a 2-core machine. Much of the
  // suite waits on child processes (git, node, servers on loopback), so two workers keep both cores busy.
  maxWorkers: 2,
};
