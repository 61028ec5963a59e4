/**
 * How many tests passed and failed, read from a test runner's output when it says so in one of the
 * summary lines the common runners print. Pure. A runner whose output says nothing recognisable gives
 * `undefined`: a count is never guessed.
 */
import type { TestResults } from '../../core/results.js';

type Reader = (output: string) => TestResults | undefined;

const int = (text: string | undefined): number => (text === undefined ? 0 : Number.parseInt(text, 10));

/** The last match of `pattern` (global) in `output`: summaries come at the end, after any earlier runs. */
function lastMatch(output: string, pattern: RegExp): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of output.matchAll(pattern)) last = match as RegExpExecArray;
  return last;
}

const READERS: readonly Reader[] = [
  // node --test (TAP): "# pass 3" / "# fail 1"; also "ℹ pass 3" from the spec reporter.
  (output) => {
    const pass = lastMatch(output, /^(?:#|ℹ) pass (\d+)\s*$/gm);
    const fail = lastMatch(output, /^(?:#|ℹ) fail (\d+)\s*$/gm);
    return pass && fail ? { passed: int(pass[1]), failed: int(fail[1]) } : undefined;
  },
  // Jest / Vitest: "Tests:       1 failed, 3 passed, 4 total" or "Tests  3 passed (3)".
  (output) => {
    const line = lastMatch(output, /^\s*Tests:?\s+(.*\b(?:passed|failed)\b.*)$/gm)?.[1];
    if (line === undefined) return undefined;
    return { passed: int(/(\d+) passed/.exec(line)?.[1]), failed: int(/(\d+) failed/.exec(line)?.[1]) };
  },
  // pytest: "==== 3 passed, 1 failed in 0.12s ====".
  (output) => {
    const line = lastMatch(output, /^=+ (.*\b(?:passed|failed|error|errors)\b.*) in [\d.]+s.*=+\s*$/gm)?.[1];
    if (line === undefined) return undefined;
    const errors = int(/(\d+) errors?/.exec(line)?.[1]);
    return {
      passed: int(/(\d+) passed/.exec(line)?.[1]),
      failed: int(/(\d+) failed/.exec(line)?.[1]) + errors,
    };
  },
  // unittest: "Ran 4 tests in 0.001s" then "OK" or "FAILED (failures=1, errors=1)".
  (output) => {
    const ran = lastMatch(output, /^Ran (\d+) tests? in /gm);
    if (ran === undefined) return undefined;
    const verdict = output.slice(ran.index).match(/^(OK|FAILED)\b(?: \((.*)\))?/m);
    if (!verdict) return undefined;
    const details = verdict[2] ?? '';
    const failed = int(/failures=(\d+)/.exec(details)?.[1]) + int(/errors=(\d+)/.exec(details)?.[1]);
    const skipped = int(/skipped=(\d+)/.exec(details)?.[1]);
    return { passed: Math.max(0, int(ran[1]) - failed - skipped), failed };
  },
  // cargo test: "test result: ok. 3 passed; 0 failed; ..." (one per test binary: summed).
  (output) => {
    const results = [...output.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed;/gm)];
    if (results.length === 0) return undefined;
    return results.reduce(
      (sum, match) => ({ passed: sum.passed + int(match[1]), failed: sum.failed + int(match[2]) }),
      { passed: 0, failed: 0 },
    );
  },
  // Mocha: "3 passing (12ms)" and "1 failing".
  (output) => {
    const passing = lastMatch(output, /^\s*(\d+) passing\b/gm);
    if (passing === undefined) return undefined;
    return { passed: int(passing[1]), failed: int(lastMatch(output, /^\s*(\d+) failing\b/gm)?.[1]) };
  },
];

/** The counts the output reports, from the first runner format that recognises it; undefined otherwise. */
export function readTestCounts(output: string): TestResults | undefined {
  for (const read of READERS) {
    const counts = read(output);
    if (counts !== undefined) return counts;
  }
  return undefined;
}
