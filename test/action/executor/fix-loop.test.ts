import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithFixes } from '../../../action/executor/fix-loop.js';
import type { FixRequest } from '../../../action/executor/fix-loop.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fix-loop-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };

/** A tiny project whose node:test suite fails until `sum` is fixed. */
function writeProject(): void {
  writeFileSync(join(dir, 'sum.mjs'), 'export const sum = (a, b) => a - b;\n');
  writeFileSync(
    join(dir, 'sum.test.mjs'),
    [
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { sum } from './sum.mjs';",
      "test('adds two numbers', () => {",
      '  assert.equal(sum(1, 2), 3);',
      '});',
    ].join('\n'),
  );
}

const nodeTest = [
  { name: 'test', command: 'node --test --test-reporter=tap sum.test.mjs', timeoutMs: 30_000 },
];

describe('runWithFixes', () => {
  it('runs a real failing test, hands the trimmed failure to the fixer, and passes after the fix', async () => {
    writeProject();
    const requests: FixRequest[] = [];
    const outcome = await runWithFixes({
      commands: nodeTest,
      fixAttempts: 1,
      cwd: dir,
      env,
      fix: async (request) => {
        requests.push(request);
        writeFileSync(join(dir, 'sum.mjs'), 'export const sum = (a, b) => a + b;\n');
      },
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.fixesApplied).toBe(1);
    expect(outcome.rounds.map((r) => r.ok)).toEqual([false, true]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      attempt: 1,
      remaining: 0,
      summary: expect.stringContaining('test (`node --test'),
    });
    expect(requests[0]?.failed.exitCode).toBe(1);
    expect(requests[0]?.failed.output).toContain('not ok 1 - adds two numbers');
    expect(requests[0]?.failed.output).toMatch(/-1 !== 3|Expected values to be strictly equal/);
    expect(outcome.rounds[1]?.results[0]?.ok).toBe(true);
  });

  it('fails explicitly with the last output when the fixes never work', async () => {
    writeProject();
    let calls = 0;
    const outcome = await runWithFixes({
      commands: nodeTest,
      fixAttempts: 2,
      cwd: dir,
      env,
      fix: async () => {
        calls += 1;
        writeFileSync(join(dir, 'sum.mjs'), `export const sum = (a, b) => a * b + ${calls + 1};\n`);
      },
    });
    expect(calls).toBe(2);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.fixesApplied).toBe(2);
    expect(outcome.rounds).toHaveLength(3);
    expect(outcome.reason).toBe(
      'test (`node --test --test-reporter=tap sum.test.mjs`) failed with exit code 1 (after 2 fix attempts)',
    );
    // The last output is the third run's: sum(1, 2) = 1 * 2 + 3 = 5.
    expect(outcome.failed.output).toMatch(/5 !== 3/);
  });

  it('with no fix attempts, runs once and fails without calling the fixer', async () => {
    let called = false;
    const outcome = await runWithFixes({
      commands: [{ name: 'lint', command: 'echo "src/a.ts:1:1: error: bad" >&2; exit 2', timeoutMs: 5000 }],
      fixAttempts: 0,
      cwd: dir,
      env,
      fix: async () => {
        called = true;
      },
    });
    expect(called).toBe(false);
    expect(outcome).toMatchObject({
      ok: false,
      fixesApplied: 0,
      reason:
        'lint (`echo "src/a.ts:1:1: error: bad" >&2; exit 2`) failed with exit code 2 (no fix attempts allowed)',
    });
  });

  it('passes at once without calling the fixer', async () => {
    const outcome = await runWithFixes({
      commands: [{ name: 'build', command: 'true', timeoutMs: 5000 }],
      fixAttempts: 3,
      cwd: dir,
      env,
      fix: async () => {
        throw new Error('the fixer must not be called');
      },
    });
    expect(outcome).toMatchObject({ ok: true, fixesApplied: 0 });
    expect(outcome.rounds).toHaveLength(1);
  });

  it('lets an error of the fixer through, and refuses a bad attempt count', async () => {
    const failing = [{ name: 'test', command: 'exit 1', timeoutMs: 5000 }];
    await expect(
      runWithFixes({
        commands: failing,
        fixAttempts: 1,
        cwd: dir,
        env,
        fix: async () => Promise.reject(new Error('model unavailable')),
      }),
    ).rejects.toThrow('model unavailable');
    await expect(
      runWithFixes({ commands: failing, fixAttempts: -1, cwd: dir, env, fix: async () => undefined }),
    ).rejects.toThrow(RangeError);
    await expect(
      runWithFixes({ commands: failing, fixAttempts: 1.5, cwd: dir, env, fix: async () => undefined }),
    ).rejects.toThrow(RangeError);
  });
});
