import { describe, expect, it } from '@jest/globals';
import {
  definitionsByFile,
  groupCallers,
  keepSpecificSymbols,
  pickSymbols,
} from '../../../action/context/callers.js';
import {
  contentCandidates,
  contentMatcher,
  rankPaths,
  rankRelevant,
  stemPattern,
} from '../../../action/context/relevance.js';
import { extractStoryTerms } from '../../../action/context/story-terms.js';

describe('path ranking', () => {
  const files = [
    'src/billing/invoice.ts',
    'src/billing/invoiceTotals.ts',
    'src/billing/tax.ts',
    'src/shipping/label.ts',
    'src/api/routes.ts',
    'src/api/invoices.ts',
    'docs/invoices.md',
    'assets/logo.png',
    'package-lock.json',
  ];

  it('ranks file names above folders, rare words above common ones, and skips binaries and lockfiles', () => {
    const terms = extractStoryTerms('Show the tax on each invoice in the billing API');
    const ranked = rankPaths(files, terms, 10);
    // tax (one file) outweighs invoice (four); api (two folders' files) outweighs billing (three).
    expect(ranked.map((m) => m.path)).toEqual([
      'src/billing/tax.ts',
      'src/api/invoices.ts',
      'src/billing/invoice.ts',
      'src/billing/invoiceTotals.ts',
      'docs/invoices.md',
      'src/api/routes.ts',
    ]);
    expect(ranked[0]?.words).toEqual(['tax', 'billing']);
  });

  it('a mentioned file or folder and a file named after an identifier count most', () => {
    const terms = extractStoryTerms(
      'Change `shipping/label.ts` and the `RoutesTable` in routes; see src/api/',
    );
    const ranked = rankPaths(files, terms, 3);
    expect(ranked.map((m) => [m.path, m.mentioned, m.named])).toEqual([
      ['src/shipping/label.ts', 'file', false],
      ['src/api/routes.ts', 'folder', false],
      ['src/api/invoices.ts', 'folder', false],
    ]);
  });

  it('the stem pattern finds word forms and camelCase parts, not longer words', () => {
    const re = stemPattern('pric');
    expect(['price', 'pricing', 'priceFor', 'unitPrice'].every((w) => re.test(w))).toBe(true);
    expect(stemPattern('cat').test('catalog')).toBe(false);
  });

  it('content candidates: diff files, path matches, symbol files, then everything when the repository is small', () => {
    const terms = extractStoryTerms('invoice totals');
    const ranked = rankPaths(files, terms, 10);
    const picked = contentCandidates(files, ranked, ['src/api/routes.ts'], ['src/billing/tax.ts'], 100);
    expect(picked.slice(0, 2)).toEqual(['src/billing/tax.ts', 'src/billing/invoiceTotals.ts']);
    expect(picked).toContain('src/shipping/label.ts');
    expect(picked).not.toContain('assets/logo.png');
    expect(contentCandidates(files, ranked, [], [], 2)).toHaveLength(2);
  });
});

describe('final ranking', () => {
  it('combines the diff, definitions, uses, path and text, and drops files with one stray word', () => {
    const terms = extractStoryTerms('Round `invoiceTotal` to cents for every invoice currency');
    const match = contentMatcher(terms);
    const ranked = rankRelevant(
      [
        {
          path: 'src/invoice.ts',
          defines: ['invoiceTotal'],
          inDiff: false,
          content: match('export function invoiceTotal() {}'),
        },
        {
          path: 'src/report.ts',
          defines: [],
          inDiff: false,
          content: match('const t = invoiceTotal(x); // currency'),
        },
        { path: 'src/changed.ts', defines: [], inDiff: true },
        { path: 'src/other.ts', defines: [], inDiff: false, content: match('the currency') },
        { path: 'src/two.ts', defines: [], inDiff: false, content: match('currency in cents') },
      ],
      10,
    );
    expect(ranked.map((f) => f.path)).toEqual([
      'src/changed.ts',
      'src/invoice.ts',
      'src/report.ts',
      'src/two.ts',
    ]);
    expect(ranked[1]?.reasons).toEqual(['defines invoiceTotal']);
    expect(ranked[2]?.reasons).toEqual(['uses invoiceTotal', 'text: currency']);
    expect(rankRelevant([{ path: 'a', defines: [], inDiff: true }], 0)).toEqual([]);
  });
});

describe('callers', () => {
  it('puts diff symbols before story identifiers, without duplicates or short names', () => {
    expect(pickSymbols(['priceFor', 'id'], ['Catalog', 'priceFor'])).toEqual([
      { name: 'priceFor', source: 'diff' },
      { name: 'Catalog', source: 'story' },
    ]);
  });

  it('splits definitions from uses, lists distinct files first and caps the sites', () => {
    const hits = [
      { file: 'src/pricing.js', line: 2, text: 'export function priceFor(product, customer) {' },
      { file: 'src/cart.js', line: 1, text: "import { priceFor } from './pricing.js';" },
      { file: 'src/cart.js', line: 18, text: '    return priceFor(p, c);' },
      { file: 'src/checkout.js', line: 7, text: 'price: priceFor(product, customer),' },
      { file: 'src/other.js', line: 3, text: 'const priceForever = 1;' },
    ];
    const [group] = groupCallers([{ name: 'priceFor', source: 'story' }], hits, 2);
    expect(group).toEqual({
      symbol: 'priceFor',
      source: 'story',
      definedAt: ['src/pricing.js:2'],
      sites: [
        { file: 'src/cart.js', line: 1, text: "import { priceFor } from './pricing.js';" },
        { file: 'src/checkout.js', line: 7, text: 'price: priceFor(product, customer),' },
      ],
      total: 3,
    });
    expect(definitionsByFile(group ? [group] : [])).toEqual(new Map([['src/pricing.js', ['priceFor']]]));
  });

  it('drops plain-word story symbols defined nowhere or in many files, keeps the rest', () => {
    const group = (symbol: string, source: 'story' | 'diff', definedAt: string[]) => ({
      symbol,
      source,
      definedAt,
      sites: [],
      total: 0,
    });
    const kept = keepSpecificSymbols([
      group('block', 'story', ['a.ts:1', 'b.ts:2', 'c.ts:3']),
      group('title', 'story', ['notes/__init__.py:1']),
      group('pending', 'story', []),
      group('render', 'diff', []),
      group('PetInsurance', 'story', []),
    ]);
    expect(kept.map((g) => g.symbol)).toEqual(['title', 'render', 'PetInsurance']);
  });
});
