import { describe, expect, it } from '@jest/globals';
import { detectConventions, detectTestLayout, testPatternOf } from '../../../action/context/conventions.js';
import { languageMix } from '../../../action/context/languages.js';
import { createRepoView } from '../../../action/context/repo-view.js';

describe('conventions', () => {
  it('names lint/format/type tools from config files and from manifest tables', () => {
    const files = new Map([
      ['package.json', '{ "type": "module", "prettier": {}, "engines": { "node": ">=20" } }'],
      ['pyproject.toml', '[tool.black]\nline-length = 88\n[tool.mypy]\n'],
      ['setup.cfg', '[flake8]\nmax-line-length = 100\n'],
      ['tsconfig.json', '{ "compilerOptions": { "strict": true } }'],
      ['go.mod', 'module x\n\ngo 1.22\n'],
    ]);
    const view = createRepoView(
      [
        ...files.keys(),
        'eslint.config.js',
        '.editorconfig',
        'svc/.golangci.yml',
        'crate/rustfmt.toml',
        'node_modules/x/.eslintrc.json',
      ],
      files,
    );
    const conventions = detectConventions(view);
    expect(conventions.tools).toEqual([
      { tool: 'eslint', files: ['eslint.config.js'] },
      { tool: 'prettier', files: ['package.json "prettier"'] },
      { tool: 'typescript', files: ['tsconfig.json'] },
      { tool: 'black', files: ['pyproject.toml [tool.black]'] },
      { tool: 'flake8', files: ['setup.cfg [flake8]'] },
      { tool: 'mypy', files: ['pyproject.toml [tool.mypy]'] },
      { tool: 'golangci-lint', files: ['svc/.golangci.yml'] },
      { tool: 'rustfmt', files: ['crate/rustfmt.toml'] },
      { tool: 'editorconfig', files: ['.editorconfig'] },
    ]);
    expect(conventions.notes).toEqual([
      'Node modules are ESM (package.json "type": "module")',
      'Node >=20 (package.json engines)',
      'TypeScript strict mode (tsconfig.json)',
      'Go 1.22 (go.mod)',
    ]);
  });

  it.each([
    ['test/core/policy.test.ts', '*.test.ts'],
    ['src/cart.spec.tsx', '*.spec.tsx'],
    ['src/__tests__/cart.js', '__tests__/*.js'],
    ['tests/test_stock.py', 'test_*.py'],
    ['pkg/stock_test.py', '*_test.py'],
    ['internal/store/store_test.go', '*_test.go'],
    ['tests/add.rs', 'tests/*.rs'],
    ['src/test/java/a/GreeterTest.java', '*Test.java'],
    ['src/test/java/a/GreeterIT.java', '*IT.java'],
    ['spec/models/user_spec.rb', '*_spec.rb'],
    ['src/cart.ts', undefined],
    ['docs/testing.md', undefined],
  ])('%s is a test file named %s', (path, pattern) => {
    expect(testPatternOf(path)).toBe(pattern);
  });

  it('summarises the test layout: patterns by count, test folders, and tests beside the code', () => {
    const layout = detectTestLayout([
      'test/a.test.ts',
      'test/b.test.ts',
      'packages/x/test/c.test.ts',
      'internal/store/store_test.go',
      'src/main.go',
      'fixtures/ignored.test.ts',
    ]);
    expect(layout).toEqual({
      dirs: ['test'],
      patterns: [
        { pattern: '*.test.ts', count: 3, example: 'test/a.test.ts' },
        { pattern: '*_test.go', count: 1, example: 'internal/store/store_test.go' },
      ],
      colocated: 1,
      total: 4,
    });
  });

  it('language mix counts code files only, most first, with whole percents', () => {
    expect(languageMix(['a.ts', 'b.ts', 'c.tsx', 'd.py', 'README.md', 'vendor/e.go'], 5)).toEqual([
      { language: 'TypeScript', files: 3, percent: 75 },
      { language: 'Python', files: 1, percent: 25 },
    ]);
  });
});
