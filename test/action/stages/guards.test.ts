/**
 * The guards inside the implement stage: a change that leaves a marker of unfinished work, adds a test
 * without assertions or touches a workflow is sent back to the developer once, and the stage then fails
 * naming the guard. Nothing is committed, pushed or opened.
 */
import { describe, expect, it } from '@jest/globals';
import { runImplementStage } from '../../../action/stages/implement.js';
import { parseStageResult } from '../../../core/results.js';
import type { ScriptedResponse } from '../../../testbed/anthropic/script.js';
import { reply, toolUse } from '../../../testbed/anthropic/script.js';
import { useHarness } from './support/fixtures.js';
import { finish, UNFINISHED, writeFiles } from './support/scripts.js';
import { stageDeps, stageInputs } from './support/world.js';

const harness = useHarness();

const CALC = (extra: string) => `/** Adds two numbers. */
export function add(a, b) {
  return a + b;
}

/** Multiplies two numbers. */
export function multiply(a, b) {
${extra}  return a * b;
}
`;
const GOOD_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multiply } from '../src/calc.js';

test('multiply multiplies two numbers', () => {
  assert.equal(multiply(2, 3), 6);
});
`;

/** Runs implement with `first` as the developer's work; the developer then only calls finish again. */
async function implementWith(first: ScriptedResponse[]) {
  const world = await harness.world('node');
  const issue = world.issue('Add a multiply function', 'Add `multiply(a, b)` to src/calc.js.');
  harness.fake.enqueue(
    ...first,
    finish('Added `multiply` to `src/calc.js`.'),
    // Sent back once: the developer insists.
    finish('The change is complete as it is.'),
  );
  const result = await runImplementStage(
    stageInputs(world, { issue: issue.number }),
    stageDeps(world, harness.fake),
  );
  expect(parseStageResult(JSON.parse(JSON.stringify(result)))).toMatchObject({ ok: true });
  // Nothing left the checkout: no push, no pull request, no check, no comment, no label.
  expect(harness.github.requests.writes()).toEqual([]);
  expect([...world.repo.branches.keys()]).toEqual(['main']);
  // The second developer run was told what the guards found, as data.
  const secondRun = JSON.stringify(harness.fake.requests[first.length + 1]!.body);
  expect(secondRun).toContain("The orchestrator's guards refused your change");
  expect(secondRun).toMatch(/BEGIN DATA-[0-9a-f]+ guard findings/);
  expect(harness.fake.remaining()).toBe(0);
  return { result, secondRun };
}

describe('the guards of the implement stage', () => {
  it('send back a marker of unfinished work on an added line once, then fail naming the guard', async () => {
    const { result, secondRun } = await implementWith([
      writeFiles({
        'src/calc.js': CALC(`  // ${UNFINISHED}: handle big numbers\n`),
        'test/multiply.test.js': GOOD_TEST,
      }),
    ]);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('unfinished_work'),
    });
    expect(result.outcome.status === 'failed' && result.outcome.reason).toContain('src/calc.js');
    expect(secondRun).toContain('unfinished_work');
  });

  it('send back a test without assertions once, then fail naming the guard', async () => {
    const { result } = await implementWith([
      writeFiles({
        'src/calc.js': CALC(''),
        'test/multiply.test.js': `import { test } from 'node:test';
import { multiply } from '../src/calc.js';

test('multiply runs', () => {
  multiply(2, 3);
});
`,
      }),
    ]);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('assertion_free_test'),
    });
  });

  it('send back a change to .github/workflows/x.yml once, then fail naming the guard', async () => {
    const { result } = await implementWith([
      // The write tool refuses the protected path outright…
      reply.tools([toolUse('write_file', { path: '.github/workflows/x.yml', content: 'on: push\n' })]),
      // …so the developer makes the test script write it, which only the guard can see.
      writeFiles({
        'src/calc.js': CALC(''),
        'test/multiply.test.js': GOOD_TEST,
        'package.json': `${JSON.stringify(
          {
            name: 'calc',
            private: true,
            type: 'module',
            scripts: {
              test: "node --test && mkdir -p .github/workflows && printf 'on: push\\n' > .github/workflows/x.yml",
            },
          },
          null,
          2,
        )}\n`,
      }),
    ]);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('protected_path'),
    });
    expect(result.outcome.status === 'failed' && result.outcome.reason).toContain('.github/workflows/x.yml');
    const refused = (harness.fake.requests[1]!.body as { messages: Array<{ content: unknown }> }).messages.at(
      -1,
    );
    expect(JSON.stringify(refused)).toMatch(/"is_error":true/);
  });
});
