import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleContext } from '../../../action/context/assemble.js';
import { TooManyLessonsError } from '../../../action/context/lessons.js';
import { cleanUp, copyFixture, git } from './fixtures.js';

afterAll(cleanUp);

const STORY = `# Add pet insurance to the catalog

As a customer I want to buy pet insurance for my dog or cat next to travel insurance.

Add a \`PetInsurance\` product (like \`createTravelInsurance\`), register it with \`Catalog.addProduct\`
in \`src/index.js\`, and price it in \`priceFor\`: pets older than 8 years cost 20% more.

## Acceptance criteria
- the default catalog lists pet insurance
- \`priceFor\` applies the age surcharge for old pets
- tests in test/pricing.test.js cover the surcharge
`;

const LESSONS = [
  'Run npm test before pushing.',
  'Keep product factories in src/products/.',
  'Round prices to cents.',
];

describe('assembleContext on a realistic repository', () => {
  it('builds a 30-50 line brief with stacks, conventions, relevant files, callers and lessons', async () => {
    const repoDir = copyFixture('node-npm', { git: true });
    const result = await assembleContext({ repoDir, story: STORY, lessons: LESSONS });
    const lines = result.brief.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(30);
    expect(lines.length).toBeLessThanOrEqual(50);
    expect(lines).toContain('Story: Add pet insurance to the catalog');
    expect(lines).toContain('- . [node, npm] test: npm test | lint: npm run lint | build: npm run build');
    expect(lines).toContain('- Tests: 3 files; *.test.js ×3 (e.g. test/cart.test.js); under test/');
    expect(lines).toContain('3. Round prices to cents.');

    const relevant = result.relevantFiles.map((f) => f.path);
    for (const path of [
      'src/index.js',
      'test/pricing.test.js',
      'src/catalog.js',
      'src/pricing.js',
      'src/products/travelInsurance.js',
    ]) {
      expect(relevant.slice(0, 6)).toContain(path);
    }
    expect(result.relevantFiles.find((f) => f.path === 'src/pricing.js')?.reasons).toContain(
      'defines priceFor',
    );
    expect(relevant.length).toBeLessThanOrEqual(15);

    const priceFor = result.callers.find((c) => c.symbol === 'priceFor');
    expect(priceFor?.definedAt).toEqual(['src/pricing.js:2']);
    expect(priceFor?.sites.map((s) => `${s.file}:${s.line}`)).toEqual([
      'src/cart.js:1',
      'src/checkout.js:1',
      'test/pricing.test.js:3',
      'src/cart.js:18',
      'src/checkout.js:7',
      'test/pricing.test.js:6',
    ]);
    expect(result.callers.find((c) => c.symbol === 'PetInsurance')).toMatchObject({ total: 0, sites: [] });
    expect(result.brief).toMatch(/^- PetInsurance \(named in the story\): no uses found$/m);
  });

  it('with a diff: the changed files lead, and the changed symbols get their callers', async () => {
    const repoDir = copyFixture('node-npm', { git: true });
    git(repoDir, 'commit', '-q', '-m', 'base');
    const pricing = join(repoDir, 'src/pricing.js');
    writeFileSync(
      pricing,
      '/** The price a customer pays. */\nexport function priceFor(product, customer, pet) {\n  return product.basePrice + (pet ? 1 : 0);\n}\n',
    );
    const diff = git(repoDir, 'diff');
    const result = await assembleContext({ repoDir, diff });
    expect(result.relevantFiles[0]).toMatchObject({ path: 'src/pricing.js' });
    expect(result.relevantFiles[0]?.reasons[0]).toBe('changed by the diff');
    expect(result.callers.map((c) => [c.symbol, c.source])).toEqual([['priceFor', 'diff']]);
    expect(result.brief).toMatch(/^Diff: 1 file\(s\) changed\.$/m);
    expect(result.brief).toMatch(
      /^- priceFor \(changed by the diff, defined at src\/pricing.js:2\): src\/cart.js:1/m,
    );
  });

  it('without a story or diff: no relevant files or callers, and a brief that does not pretend otherwise', async () => {
    const result = await assembleContext({ repoDir: copyFixture('go', { git: true }) });
    expect(result.relevantFiles).toEqual([]);
    expect(result.callers).toEqual([]);
    expect(result.brief).not.toMatch(/Files relevant/);
    expect(result.conventions.tools).toEqual([{ tool: 'golangci-lint', files: ['.golangci.yml'] }]);
    expect(result.conventions.tests.patterns[0]?.pattern).toBe('*_test.go');
  });

  it('finds relevant files in a monorepo sub-project and lists that stack first', async () => {
    const repoDir = copyFixture('monorepo', { git: true });
    const result = await assembleContext({
      repoDir,
      story: 'Paginate `ListPets` in the pets API (50 per page).',
    });
    expect(result.relevantFiles[0]?.path).toBe('services/api/pets.go');
    expect(result.callers[0]).toMatchObject({ symbol: 'ListPets', definedAt: ['services/api/pets.go:9'] });
    expect(result.brief).toMatch(/Stacks and commands.*:\n- services\/api \[go\]/);
  });

  it('refuses more than five lessons', async () => {
    await expect(
      assembleContext({
        repoDir: copyFixture('empty', { git: true }),
        lessons: ['1', '2', '3', '4', '5', '6'],
      }),
    ).rejects.toThrow(TooManyLessonsError);
  });
});
