import { describe, it, expect } from '@jest/globals';
import { testLanguageOf } from '../../core/guards/test-files.js';
import { findAssertionFreeTests } from '../../core/guards/test-quality.js';
import type { ProjectIndex } from '../../core/guards/test-quality.js';

const project = (files: string[], modules: string[] = []): ProjectIndex => ({
  files: new Set(files),
  modules,
});

/** The guard's findings for a complete file `path` holding `lines`. */
function judge(path: string, lines: string[], index: ProjectIndex) {
  return findAssertionFreeTests(
    { path, lines: lines.map((text, i) => ({ line: i + 1, text })), complete: true },
    index,
  );
}

const messages = (found: ReturnType<typeof judge>) =>
  found.map((v) => `${v.line}: ${v.message.replace(/^[^:]+:\d+: /, '')}`);

describe('testLanguageOf', () => {
  it('recognises the default test-file conventions of each ecosystem', () => {
    expect(testLanguageOf('src/sum.test.ts')).toBe('js');
    expect(testLanguageOf('src/sum.spec.jsx')).toBe('js');
    expect(testLanguageOf('src/__tests__/sum.js')).toBe('js');
    expect(testLanguageOf('lib/sum_test.mts')).toBe('js');
    expect(testLanguageOf('tests/test_sum.py')).toBe('python');
    expect(testLanguageOf('pkg/sum_test.py')).toBe('python');
    expect(testLanguageOf('calc/sum_test.go')).toBe('go');
    expect(testLanguageOf('tests/sum.rs')).toBe('rust');
    expect(testLanguageOf('crates/calc/tests/sum.rs')).toBe('rust');
    expect(testLanguageOf('src/test/java/com/acme/SumTest.java')).toBe('jvm');
    expect(testLanguageOf('app/src/test/kotlin/com/acme/SumTests.kt')).toBe('jvm');
    expect(testLanguageOf('src/test/java/com/acme/SumIT.java')).toBe('jvm');
  });

  it('leaves helpers and sources alone', () => {
    for (const path of [
      'src/sum.ts',
      'test/support/helpers.ts',
      'tests/conftest.py',
      'tests/common/mod.rs',
      'src/main/java/com/acme/Testing.java',
      'src/contest.py',
      'src/latest.ts',
    ]) {
      expect({ path, language: testLanguageOf(path) }).toEqual({ path, language: null });
    }
  });
});

describe('assertion-free tests: JavaScript and TypeScript', () => {
  const files = project(['src/sum.ts', 'src/index.ts', 'test/sum.test.ts']);

  it('accepts a real test', () => {
    const lines = [
      "import { describe, it, expect } from '@jest/globals';",
      "import { sum } from '../src/sum.js';",
      "describe('sum', () => {",
      "  it('adds', () => {",
      '    expect(sum(1, 2)).toBe(3);',
      '  });',
      "  it('throws on NaN', () => expect(() => sum(NaN, 1)).toThrow(/NaN/));",
      '});',
    ];
    expect(judge('test/sum.test.ts', lines, files)).toEqual([]);
  });

  it('flags a test that asserts nothing, naming it and its line', () => {
    const lines = [
      "import { sum } from '../src/sum.js';",
      "it('adds', () => {",
      '  expect(sum(1, 2)).toBe(3);',
      '});',
      "it('adds many', () => {",
      '  sum(1, 2, 3);',
      '});',
    ];
    const found = judge('test/sum.test.ts', lines, files);
    expect(found).toEqual([
      {
        guard: 'assertion_free_test',
        file: 'test/sum.test.ts',
        line: 5,
        message: expect.stringContaining('test/sum.test.ts:5: the test "adds many" asserts nothing'),
      },
    ]);
  });

  it('flags tests whose assertions are trivially true', () => {
    const lines = [
      "import { sum } from '../src/sum.js';",
      "test('a', () => { expect(true).toBe(true); });",
      "test('b', () => { const x = sum(1, 2); expect(x).toBe(x); });",
      "test('c', () => { expect(1 + 1).toEqual(2); assert.ok(true); });",
      "test('d', () => { expect(sum(1, 1)).toEqual(2); });",
    ];
    expect(messages(judge('test/sum.test.ts', lines, files))).toEqual([
      expect.stringMatching(/^2: every assertion of the test "a" is true whatever the code does \(line 2/),
      expect.stringMatching(/^3: every assertion of the test "b"/),
      expect.stringMatching(/^4: every assertion of the test "c"/),
    ]);
  });

  it('flags a file that never refers to project code', () => {
    const lines = [
      "import assert from 'node:assert';",
      "test('math', () => { assert.equal(Math.max(1, 2), 2); });",
    ];
    expect(messages(judge('test/math.test.ts', lines, files))).toEqual([
      expect.stringContaining('2: the file never imports or names code of this repository'),
    ]);
  });

  it('counts relative imports that resolve, aliases, the package name, folder imports and named files', () => {
    const body = "test('x', () => { expect(run()).toBe(1); });";
    const ok = (head: string, index = files) =>
      expect(judge('test/x.test.ts', [head, body], index)).toEqual([]);
    ok("import { run } from '../src/index';");
    ok("const { run } = require('../src');");
    ok("import { run } from '@/run';");
    ok("import { run } from 'my-lib/run';", project(['src/index.ts'], ['my-lib']));
    ok("import { run } from 'src/index';");
    ok("const run = () => spawnSync('node', ['src/index.ts']).status;");
    const missing = judge('test/x.test.ts', ["import { run } from '../src/missing.js';", body], files);
    expect(messages(missing)).toEqual([expect.stringContaining('never imports or names code')]);
    const commented = judge('test/x.test.ts', ["// import { run } from '../src/index';", body], files);
    expect(messages(commented)).toEqual([expect.stringContaining('never imports or names code')]);
  });

  it('accepts a test that calls an asserting helper, and leaves helper files alone', () => {
    const lines = [
      "import { sum } from '../src/sum.js';",
      "it('round trips', () => { checkRoundTrip(sum, [1, 2]); });",
    ];
    expect(judge('test/sum.test.ts', lines, files)).toEqual([]);
    expect(judge('test/helpers.test.ts', ['export const fixture = 1;'], files)).toEqual([]);
  });

  it('on a modified file known only by its added lines, judges only trivially true added tests', () => {
    const added = (lines: Array<[number, string]>) =>
      findAssertionFreeTests(
        { path: 'test/sum.test.ts', lines: lines.map(([line, text]) => ({ line, text })), complete: false },
        files,
      );
    expect(added([[40, "it('x', () => { expect(true).toBeTruthy(); });"]])).toHaveLength(1);
    expect(
      added([
        [40, "it('y', () => {"],
        [41, '  run();'],
      ]),
    ).toEqual([]);
    expect(added([[40, "it('z', () => { expect(sum(2, 2)).toBe(4); });"]])).toEqual([]);
  });
});

describe('assertion-free tests: Python', () => {
  const files = project(['src/calc/__init__.py', 'src/calc/ops.py', 'tests/test_ops.py', 'tests/helpers.py']);

  it('accepts a real test importing the package', () => {
    const lines = [
      'from calc.ops import add',
      'import pytest',
      '',
      'def test_add():',
      '    assert add(1, 2) == 3',
      '',
      'def test_bad():',
      '    with pytest.raises(TypeError):',
      '        add(1, None)',
    ];
    expect(judge('tests/test_ops.py', lines, files)).toEqual([]);
  });

  it('flags assert True, 1 == 1, x == x, a missing assertion and a file with no project import', () => {
    const lines = [
      'import math',
      '',
      'def test_a():',
      '    assert True',
      '',
      'def test_b():',
      '    assert 1 == 1, "math works"',
      '',
      'def test_c():',
      '    x = math.floor(2.5)',
      '    assert x == x',
      '',
      'class TestD:',
      '    def test_d(self):',
      '        math.floor(2.5)',
      '',
      '    def test_e(self):',
      '        self.assertTrue(True)',
    ];
    expect(messages(judge('tests/test_ops.py', lines, files))).toEqual([
      expect.stringMatching(/^3: every assertion of the test "test_a"/),
      expect.stringMatching(/^6: every assertion of the test "test_b"/),
      expect.stringMatching(/^9: every assertion of the test "test_c"/),
      expect.stringMatching(/^14: the test "test_d" asserts nothing/),
      expect.stringMatching(/^17: every assertion of the test "test_e"/),
      expect.stringMatching(/^3: the file never imports or names code of this repository/),
    ]);
  });

  it('accepts relative imports and mock-call assertions with constant arguments', () => {
    const lines = [
      'from . import ops',
      'def test_calls(mocker):',
      '    m = mocker.patch("calc.ops.log")',
      '    ops.add(1, 2)',
      '    m.assert_called_once_with(3)',
    ];
    expect(judge('tests/test_ops.py', lines, files)).toEqual([]);
  });
});

describe('assertion-free tests: Go, Rust and the JVM', () => {
  it('Go: a same-package test, a black-box test, an empty test and a trivially true one', () => {
    const files = project(['calc/add.go', 'calc/add_test.go', 'go.mod']);
    const same = [
      'package calc',
      'import "testing"',
      'func TestAdd(t *testing.T) {',
      '\tif Add(1, 2) != 3 {',
      '\t\tt.Errorf("Add(1, 2) = %d", Add(1, 2))',
      '\t}',
      '}',
    ];
    expect(judge('calc/add_test.go', same, files)).toEqual([]);
    const blackBox = [
      'package calc_test',
      'import (',
      '\t"testing"',
      '\t"example.com/m/calc"',
      ')',
      'func TestAdd(t *testing.T) {',
      '\tif calc.Add(1, 2) != 3 {',
      '\t\tt.Fatal("wrong")',
      '\t}',
      '}',
    ];
    expect(judge('calc/add_test.go', blackBox, files)).toEqual([]);
    const empty = [
      'package calc',
      'import "testing"',
      'func TestAdd(t *testing.T) {',
      '\t_ = Add(1, 2)',
      '}',
      'func TestTrue(t *testing.T) {',
      '\tassert.True(t, true)',
      '}',
    ];
    expect(messages(judge('calc/add_test.go', empty, files))).toEqual([
      expect.stringMatching(/^3: the test "TestAdd" asserts nothing/),
      expect.stringMatching(/^6: every assertion of the test "TestTrue"/),
    ]);
    const example = [
      'package calc',
      'func TestShown(t *testing.T) {',
      '\tfmt.Println(Add(1, 2))',
      '\t// Output: 3',
      '}',
    ];
    expect(judge('calc/add_test.go', example, files)).toEqual([]);
  });

  it('Rust: an integration test using the crate, and one asserting only constants', () => {
    const files = project(['Cargo.toml', 'src/lib.rs', 'tests/add.rs'], ['my-calc']);
    const real = ['use my_calc::add;', '', '#[test]', 'fn adds() {', '    assert_eq!(add(1, 2), 3);', '}'];
    expect(judge('tests/add.rs', real, files)).toEqual([]);
    const fake = ['#[test]', 'fn adds() {', '    assert!(true);', '    assert_eq!(1, 1);', '}'];
    expect(messages(judge('tests/add.rs', fake, files))).toEqual([
      expect.stringMatching(/^1: every assertion of the test "adds"/),
      expect.stringMatching(/^1: the file never imports or names code/),
    ]);
  });

  it('JVM: a same-package JUnit test, and a trivially true one', () => {
    const files = project(['src/main/java/com/acme/Calc.java', 'src/test/java/com/acme/CalcTest.java']);
    const real = [
      'package com.acme;',
      'import org.junit.jupiter.api.Test;',
      'import static org.junit.jupiter.api.Assertions.assertEquals;',
      'class CalcTest {',
      '  @Test',
      '  void adds() {',
      '    assertEquals(3, new Calc().add(1, 2));',
      '  }',
      '}',
    ];
    expect(judge('src/test/java/com/acme/CalcTest.java', real, files)).toEqual([]);
    const fake = [
      'package com.other;',
      'class CalcTest {',
      '  @Test',
      '  void adds() {',
      '    assertTrue(true);',
      '  }',
      '}',
    ];
    expect(messages(judge('src/test/java/com/acme/CalcTest.java', fake, files))).toEqual([
      expect.stringMatching(/^3: every assertion of the test "adds"/),
      expect.stringMatching(/^3: the file never imports or names code/),
    ]);
  });
});
