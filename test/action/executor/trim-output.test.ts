import { describe, it, expect } from '@jest/globals';
import { cleanOutput, findFailures, headAndTail, trimOutput } from '../../../action/executor/trim-output.js';

const passingNoise = (n: number, prefix = 'PASS') =>
  Array.from({ length: n }, (_, i) => `${prefix} test/module${i}.test.ts (${(i % 7) + 1}.2 s)`).join('\n');

const jestOutput = [
  '\u001b[1m\u001b[32mPASS\u001b[39m\u001b[22m test/a.test.ts',
  passingNoise(400),
  'FAIL test/sum.test.ts',
  '  ● sum › adds two numbers',
  '',
  '    expect(received).toBe(expected) // Object.is equality',
  '',
  '    Expected: 3',
  '    Received: 4',
  '',
  '      3 | it("adds two numbers", () => {',
  '    > 4 |   expect(sum(1, 2)).toBe(3);',
  '        |                     ^',
  '',
  '      at Object.<anonymous> (test/sum.test.ts:4:21)',
  '',
  passingNoise(400),
  'Test Suites: 1 failed, 801 passed, 802 total',
  'Tests:       1 failed, 2400 passed, 2401 total',
  'Time:        42.1 s',
].join('\n');

const pytestOutput = [
  '============================= test session starts ==============================',
  'platform linux -- Python 3.12.1, pytest-8.0.0',
  'collected 600 items',
  '',
  ...Array.from(
    { length: 300 },
    (_, i) => `tests/test_mod${i}.py ..                                          [ ${i % 100}%]`,
  ),
  '=================================== FAILURES ===================================',
  '___________________________________ test_add ___________________________________',
  '',
  '    def test_add():',
  '>       assert add(1, 2) == 3',
  'E       assert 4 == 3',
  'E        +  where 4 = add(1, 2)',
  '',
  'tests/test_ops.py:5: AssertionError',
  '=========================== short test summary info ============================',
  'FAILED tests/test_ops.py::test_add - assert 4 == 3',
  '========================= 1 failed, 599 passed in 3.21s =========================',
].join('\n');

describe('cleanOutput', () => {
  it('drops colour codes and keeps what a progress bar finally showed', () => {
    expect(cleanOutput('\u001b[31mred\u001b[0m\r\n10%\r50%\r100%\ndone')).toBe('red\n100%\ndone');
  });
});

describe('trimOutput', () => {
  it('returns short output whole (cleaned)', () => {
    expect(trimOutput('\u001b[32mok\u001b[0m 1 test passed\n', 1000)).toBe('ok 1 test passed\n');
  });

  it('puts a jest failure first, with its expected and received values, within the bound', () => {
    expect(jestOutput.length).toBeGreaterThan(20_000);
    const trimmed = trimOutput(jestOutput, 4000);
    expect(trimmed.length).toBeLessThanOrEqual(4000 + 200);
    expect(trimmed.startsWith('=== Failures (jest) ===\n')).toBe(true);
    const failureAt = trimmed.indexOf('● sum › adds two numbers');
    expect(failureAt).toBeGreaterThan(0);
    expect(trimmed.indexOf('Received: 4')).toBeGreaterThan(failureAt);
    expect(trimmed).toContain('Tests:       1 failed, 2400 passed, 2401 total');
    expect(trimmed).toContain('=== Output (start and end) ===');
    expect(trimmed).toMatch(/\[… \d+ lines omitted …\]/);
    expect(trimmed).not.toContain('\u001b[');
  });

  it('puts the pytest failures and the short summary first', () => {
    const trimmed = trimOutput(pytestOutput, 3000);
    expect(trimmed.startsWith('=== Failures (pytest) ===')).toBe(true);
    expect(trimmed).toContain('E       assert 4 == 3');
    expect(trimmed).toContain('FAILED tests/test_ops.py::test_add - assert 4 == 3');
    expect(trimmed.indexOf('E       assert 4 == 3')).toBeLessThan(
      trimmed.indexOf('=== Output (start and end) ==='),
    );
    expect(trimmed.length).toBeLessThanOrEqual(3200);
  });

  it('keeps whole failure blocks in order and counts the ones that do not fit', () => {
    const many = Array.from(
      { length: 50 },
      (_, i) => `  ● suite › case ${i}\n\n    Expected: ${i}\n    Received: ${i + 1}\n`,
    ).join('\n');
    const trimmed = trimOutput(`${passingNoise(200)}\n${many}\n${passingNoise(200)}`, 2000);
    expect(trimmed).toContain('● suite › case 0');
    expect(trimmed).toMatch(/\[… \d+ more failures omitted …\]/);
    expect(trimmed.indexOf('case 0')).toBeLessThan(trimmed.indexOf('case 1\n'));
  });

  it('refuses a bound too small to be useful', () => {
    expect(() => trimOutput('x', 10)).toThrow(RangeError);
  });
});

describe('findFailures recognises the common formats', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'vitest',
      [
        ' ✓ test/a.test.ts (3 tests) 4ms',
        ' FAIL  test/sum.test.ts > sum > adds',
        'AssertionError: expected 4 to be 3',
        ' ❯ test/sum.test.ts:4:21',
        '⎯⎯⎯⎯⎯⎯⎯',
        ' Tests  1 failed | 2 passed (3)',
      ].join('\n'),
      ['AssertionError: expected 4 to be 3', 'Tests  1 failed'],
    ],
    [
      'node:test',
      [
        'TAP version 13',
        '# Subtest: adds',
        'not ok 1 - adds',
        '  ---',
        '  error: |-',
        '    Expected values to be strictly equal:',
        '    4 !== 3',
        '  ...',
        'ok 2 - subtracts',
        '1..2',
        '# fail 1',
      ].join('\n'),
      ['not ok 1 - adds', '4 !== 3', '# fail 1'],
    ],
    [
      'go test',
      [
        '=== RUN   TestAdd',
        '--- FAIL: TestAdd (0.00s)',
        '    add_test.go:9: Add(1, 2) = 4, want 3',
        '=== RUN   TestSub',
        '--- PASS: TestSub (0.00s)',
        'FAIL',
        'FAIL\texample.com/calc\t0.003s',
      ].join('\n'),
      ['--- FAIL: TestAdd', 'Add(1, 2) = 4, want 3', 'FAIL\texample.com/calc'],
    ],
    [
      'cargo test',
      [
        'running 2 tests',
        'test tests::adds ... FAILED',
        'test tests::subs ... ok',
        '',
        'failures:',
        '',
        '---- tests::adds stdout ----',
        "thread 'tests::adds' panicked at src/lib.rs:9:9:",
        'assertion `left == right` failed',
        '  left: 4',
        ' right: 3',
        '',
        'failures:',
        '    tests::adds',
        '',
        'test result: FAILED. 1 passed; 1 failed',
      ].join('\n'),
      ['test tests::adds ... FAILED', 'assertion `left == right` failed', 'test result: FAILED'],
    ],
    [
      'maven surefire',
      [
        '[INFO] Running com.acme.CalcTest',
        '[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE! - in com.acme.CalcTest',
        '[ERROR] adds  Time elapsed: 0.01 s  <<< FAILURE!',
        'org.opentest4j.AssertionFailedError: expected: <3> but was: <4>',
        '\tat com.acme.CalcTest.adds(CalcTest.java:9)',
        '',
        '[ERROR] Failures: ',
        '[ERROR]   CalcTest.adds:9 expected: <3> but was: <4>',
        '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
      ].join('\n'),
      ['expected: <3> but was: <4>', 'CalcTest.adds:9'],
    ],
    [
      'error lines',
      [
        '> tsc --noEmit',
        'src/sum.ts(3,7): error TS2322: Type "string" is not assignable to type "number".',
        'Found 1 error.',
      ].join('\n'),
      ['error TS2322'],
    ],
  ];

  it.each(cases)('%s', (format, output, expected) => {
    const { formats, blocks } = findFailures(output);
    expect(formats).toContain(format);
    const text = blocks.join('\n');
    for (const piece of expected) expect(text).toContain(piece);
  });

  it('takes eslint findings as error lines', () => {
    const { blocks } = findFailures(
      [
        '/repo/src/a.ts',
        '  12:5  error  Unexpected any  @typescript-eslint/no-explicit-any',
        '',
        '✖ 1 problem (1 error, 0 warnings)',
      ].join('\n'),
    );
    expect(blocks.join('\n')).toContain('12:5  error  Unexpected any');
  });

  it('finds nothing in a clean run', () => {
    expect(findFailures('PASS test/a.test.ts\nTests: 3 passed, 3 total')).toEqual({
      formats: [],
      blocks: [],
    });
  });
});

describe('headAndTail', () => {
  it('keeps the first and last lines and counts the ones left out', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const kept = headAndTail(text, 600);
    expect(kept.startsWith('line 0\nline 1\n')).toBe(true);
    expect(kept.endsWith('line 998\nline 999')).toBe(true);
    expect(kept).toMatch(/\[… \d+ lines omitted …\]/);
    expect(kept.length).toBeLessThanOrEqual(650);
  });

  it('keeps both ends of one huge line', () => {
    const kept = headAndTail(`start${'x'.repeat(10_000)}end`, 300);
    expect(kept.startsWith('start')).toBe(true);
    expect(kept.endsWith('end')).toBe(true);
    expect(kept.length).toBeLessThan(400);
  });
});
