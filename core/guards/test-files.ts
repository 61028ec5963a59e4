/**
 * Which files are tests, by the path conventions of each ecosystem's default test runner. Pure.
 *
 * Only conventions a runner uses to collect tests count, so helpers beside the tests (`test/support/x.ts`,
 * `conftest.py`, `tests/common/mod.rs`) are not mistaken for tests.
 */

export type TestLanguage = 'js' | 'python' | 'go' | 'rust' | 'jvm';

const JS_EXT = String.raw`\.[cm]?[jt]sx?$`;

const CONVENTIONS: ReadonlyArray<readonly [RegExp, TestLanguage]> = [
  // Jest, Vitest, Mocha, node:test, Deno: `x.test.ts`, `x.spec.js`, `x_test.ts`, anything in `__tests__/`.
  [new RegExp(String.raw`(?:^|/)__tests__/.+${JS_EXT}|[._](?:test|spec)${JS_EXT}`), 'js'],
  // pytest: `test_*.py` and `*_test.py`.
  [/(?:^|\/)test_[^/]*\.py$|_test\.py$/, 'python'],
  // go test: `*_test.go`.
  [/_test\.go$/, 'go'],
  // cargo: each file directly under a crate's `tests/` is an integration-test crate.
  [/(?:^|\/)tests\/[^/]+\.rs$/, 'rust'],
  // Maven Surefire/Failsafe and Gradle: Test*, *Test, *Tests, *TestCase, *IT, *Spec under src/<test set>/.
  [
    /(?:^|\/)src\/(?:test|androidTest|integrationTest|testFixtures)\/.*\/(?:Test[^/]*|[^/]*(?:Test|Tests|TestCase|IT|Spec))\.(?:java|kt|groovy|scala)$/,
    'jvm',
  ],
];

/** The language of `path` if it is a test file by convention, else null. */
export function testLanguageOf(path: string): TestLanguage | null {
  for (const [pattern, language] of CONVENTIONS) if (pattern.test(path)) return language;
  return null;
}
