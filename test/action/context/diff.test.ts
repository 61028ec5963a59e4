import { describe, expect, it } from '@jest/globals';
import { definedNames } from '../../../action/context/definitions.js';
import { summarizeDiff } from '../../../action/context/diff.js';

describe('definedNames', () => {
  it.each([
    ['export function priceFor(product, customer) {', ['priceFor']],
    ['export default class Catalog extends Base {', ['Catalog']],
    ['export interface Stack {', ['Stack']],
    ['export type StackKind = "node";', ['StackKind']],
    ['export const assemble = async (options) => {', ['assemble']],
    ['  addProduct(product) {', ['addProduct']],
    ['  private async load(id: string): Promise<void> {', ['load']],
    ['  handler = (event) => this.emit(event);', ['handler']],
    ['def reserve(stock, sku, quantity):', ['reserve']],
    ['class Greeter:', ['Greeter']],
    ['func (s *Store) Put(k, v string) {', ['Put']],
    ['func New() *Store {', ['New']],
    ['pub fn add(a: u64, b: u64) -> u64 {', ['add']],
    ['pub struct Config {', ['Config']],
    ['  public String greet(String name) {', ['greet']],
    ['fun greeting(name: String) = "Hello"', ['greeting']],
    ['MAX_SIZE = 10', ['MAX_SIZE']],
  ])('%s defines %j', (line, names) => {
    expect(definedNames(line)).toEqual(names);
  });

  it('can leave out variables declared on indented lines (locals)', () => {
    expect(definedNames('  const discount = 0.1;', true)).toEqual([]);
    expect(definedNames('  const discount = 0.1;')).toEqual(['discount']);
    expect(definedNames('export const rate = 0.1;', true)).toEqual(['rate']);
    expect(definedNames('  addProduct(product) {', true)).toEqual(['addProduct']);
  });

  it.each(['  if (ready) {', '  for (x of xs) total += x;', 'return priceFor(p, c);', 'cart.add(id);'])(
    '%s defines nothing',
    (line) => {
      expect(definedNames(line)).toEqual([]);
    },
  );
});

describe('summarizeDiff', () => {
  it('lists changed files and the symbols defined on changed lines or around a hunk', () => {
    const diff = `diff --git a/src/pricing.js b/src/pricing.js
index 1..2 100644
--- a/src/pricing.js
+++ b/src/pricing.js
@@ -1,4 +1,3 @@
 /** The price. */
-export function priceFor(product, customer) {
+export function priceFor(product, customer, pet) {
   const discount = customer.member ? 0.1 : 0;
--- a comment line that starts with dashes
@@ -10,2 +10,3 @@ export class Catalog {
   list() {
+    return [];
   }
diff --git a/src/old.js b/src/old.js
deleted file mode 100644
--- a/src/old.js
+++ /dev/null
@@ -1,1 +0,0 @@
-export const legacyTotal = 1;
`;
    const summary = summarizeDiff(diff);
    expect(summary.files).toEqual(['src/pricing.js', 'src/old.js']);
    expect(summary.symbols).toEqual(['priceFor', 'Catalog', 'legacyTotal']);
  });

  it('reads a removed line that starts with "--" as part of the hunk, not as a file header', () => {
    const diff = `--- a/x.sql
+++ b/x.sql
@@ -1,2 +1,1 @@
--- drop the old view
 CREATE VIEW totals AS SELECT 1;
`;
    expect(summarizeDiff(diff).files).toEqual(['x.sql']);
  });

  it('yields nothing for text that is not a diff', () => {
    expect(summarizeDiff('just words\nfunction nope() {}')).toEqual({ files: [], symbols: [] });
  });
});
