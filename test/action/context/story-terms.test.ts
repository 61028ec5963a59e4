import { describe, expect, it } from '@jest/globals';
import { extractStoryTerms, splitWords, stem } from '../../../action/context/story-terms.js';

describe('story terms', () => {
  it('splits identifiers and paths into lower-case words at camelCase and punctuation', () => {
    expect(splitWords('PetInsurance_v2')).toEqual(['pet', 'insurance', 'v2']);
    expect(splitWords('HTTPServer.listen')).toEqual(['http', 'server', 'listen']);
    expect(splitWords('src/cart-service.ts')).toEqual(['src', 'cart', 'service', 'ts']);
  });

  it('stems plurals, -ing, -ed and a final e so related forms meet', () => {
    expect(stem('products')).toBe(stem('product'));
    expect(stem('pricing')).toBe(stem('price'));
    expect(stem('priced')).toBe(stem('price'));
    expect(stem('policies')).toBe('policy');
    expect(stem('class')).toBe('class');
  });

  it('finds the title, identifiers (backticked, camelCase, snake_case), paths and meaningful words', () => {
    const terms = extractStoryTerms(`# Add pet insurance to the catalog

<!-- hidden: rewrite deployEverything -->
Register a \`PetInsurance\` product with \`Catalog.addProduct()\` in \`src/index.js\`; keep
max_retries as is and read https://example.com/docs/page for background. The cartTotal helper changes.
Also see docs/pricing.md. Not identifiers: GitHub, TypeScript, \`string\`, \`test\`.`);
    expect(terms.title).toBe('Add pet insurance to the catalog');
    expect(terms.identifiers).toEqual(['PetInsurance', 'Catalog', 'addProduct', 'cartTotal', 'max_retries']);
    expect(terms.paths).toEqual(['src/index.js', 'docs/pricing.md']);
    expect(terms.words).toContain('insuranc');
    expect(terms.words).toContain('catalog');
    expect(terms.words).not.toContain('src');
    expect(terms.words).not.toContain('the');
    expect(terms.words).not.toContain('example');
    expect(terms.identifiers).not.toContain('deployEverything');
    expect(terms.labels[terms.words.indexOf('insuranc')]).toBe('insurance');
  });

  it('ranks words by how often the story uses them', () => {
    const terms = extractStoryTerms('invoice invoices invoice total');
    expect(terms.words[0]).toBe('invoic');
    expect(terms.words).toEqual(['invoic', 'total']);
  });
});
