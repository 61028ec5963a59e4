/**
 * The implement stage end to end: the Anthropic fake plays the developer, the offline GitHub serves the
 * repository over git and the API, and the checks really run (`npm test`, `make test`).
 */
import { describe, expect, it } from '@jest/globals';
import { runImplementStage } from '../../../action/stages/implement.js';
import { TESTS_CHECK } from '../../../action/stages/test-results-check.js';
import { parseStageResult } from '../../../core/results.js';
import type { StageResult } from '../../../core/results.js';
import { AI_GENERATED_LABEL } from '../../../core/roles.js';
import { reply, toolUse } from '../../../testbed/anthropic/script.js';
import { leakedCanaries, useHarness } from './support/fixtures.js';
import { editFile, finish, writeFiles } from './support/scripts.js';
import { stageDeps, stageInputs } from './support/world.js';
import type { World } from './support/world.js';

const harness = useHarness();

const NODE_CALC = `/** Adds two numbers. */
export function add(a, b) {
  return a + b;
}

/** Multiplies two numbers. */
export function multiply(a, b) {
  return a + b;
}
`;
const NODE_TESTS = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, multiply } from '../src/calc.js';

test('add sums two numbers', () => {
  assert.equal(add(2, 3), 5);
});

test('multiply multiplies two numbers', () => {
  assert.equal(multiply(2, 3), 6);
});
`;
const PYTHON_CALC = `"""A tiny calculator library."""


def add(a, b):
    """Adds two numbers."""
    return a + b


def multiply(a, b):
    """Multiplies two numbers."""
    return a + b
`;
const PYTHON_TESTS = `import unittest

from calc import add, multiply


class CalcTest(unittest.TestCase):
    def test_add_sums_two_numbers(self):
        self.assertEqual(add(2, 3), 5)

    def test_multiply_multiplies_two_numbers(self):
        self.assertEqual(multiply(2, 3), 6)


if __name__ == "__main__":
    unittest.main()
`;

/** A token-shaped secret in the developer's report. */
const LEAKED_TOKEN = `ghp_${'x1Y2'.repeat(9)}`;

/** What a test checks of a document: it validates, and its outcome. */
function expectValid(result: StageResult): StageResult['outcome'] {
  expect(parseStageResult(JSON.parse(JSON.stringify(result)))).toMatchObject({ ok: true });
  return result.outcome;
}

/** The check runs on `sha`, as the app sees them. */
async function checksOn(world: World, sha: string) {
  const { data } = await world.bot.rest.checks.listForRef({
    owner: 'acme',
    repo: 'calc',
    ref: sha,
    filter: 'all',
  });
  return data.check_runs;
}

async function implementMultiply(world: World, fixture: 'node' | 'python') {
  const issue = world.issue(
    'Add a multiply function',
    'Add `multiply(a, b)` next to `add`.\n\n- multiply(2, 3) returns 6',
  );
  const [source, tests] =
    fixture === 'node' ? ['src/calc.js', 'test/calc.test.js'] : ['calc.py', 'test_calc.py'];
  const [calc, testText] = fixture === 'node' ? [NODE_CALC, NODE_TESTS] : [PYTHON_CALC, PYTHON_TESTS];
  // The bug the tests catch is the body of multiply: `a + b`; its fix is `a * b`.
  const bug =
    fixture === 'node'
      ? 'export function multiply(a, b) {\n  return a + b;'
      : 'Multiplies two numbers."""\n    return a + b';
  harness.fake.enqueue(
    writeFiles({ [source]: calc, [tests]: testText }),
    finish(`Added \`multiply\` to \`${source}\` and its test to \`${tests}\`.`),
    // The fix round: the checks failed, the developer corrects the bug.
    editFile(source, bug, bug.replace('a + b', 'a * b')),
    // The report carries a token-shaped secret it found somewhere: it must not reach GitHub.
    finish(
      `Fixed \`multiply\` in \`${source}\`: it added instead of multiplying. Saw ${LEAKED_TOKEN} in a log.`,
    ),
  );
  const deps = stageDeps(world, harness.fake);
  const result = await runImplementStage(stageInputs(world, { issue: issue.number, story: 'S1' }), deps);
  return { issue, result, deps, source };
}

describe('implement', () => {
  it.each(['node', 'python'] as const)(
    'on the %s repository: the tests fail once, the fix makes them pass, the branch is pushed and the labelled pull request opened',
    async (fixture) => {
      const world = await harness.world(fixture);
      const { issue, result, deps } = await implementMultiply(world, fixture);

      const outcome = expectValid(result);
      const branch = `ai/${issue.number}-add-a-multiply-function`;
      expect(outcome).toEqual({
        status: 'succeeded',
        pr: { number: expect.any(Number), head_sha: expect.stringMatching(/^[0-9a-f]{40}$/), branch },
      });
      if (
        outcome.status !== 'succeeded' ||
        result.stage !== 'implement' ||
        result.outcome.status !== 'succeeded'
      )
        return;
      const { pr } = result.outcome;
      expect(result).toMatchObject({
        pr: pr.number,
        head_sha: pr.head_sha,
        story: 'S1',
        issue: issue.number,
      });
      expect(result.usage.by_role?.developer?.cost_usd).toBeGreaterThan(0);

      // The branch on GitHub is the commit the stage made: a Conventional Commit with the issue key.
      const { state } = harness.github;
      expect(state.repos.branchSha(world.repo, branch)).toBe(pr.head_sha);
      await world.git(['fetch', '-q', 'origin', branch]);
      const [subject, author] = (await world.git(['log', '-1', '--format=%s%n%an', pr.head_sha]))
        .trim()
        .split('\n');
      expect(subject).toBe(`feat(#${issue.number}): add a multiply function`);
      expect(author).toBe('ai-orchestrator[bot]');
      expect(await world.git(['diff', '--name-only', 'origin/main', pr.head_sha])).toContain(
        fixture === 'node' ? 'src/calc.js' : 'calc.py',
      );

      // The pull request: from the branch into main, labelled, saying what changed and how it was tested.
      const { pull, issue: pullIssue } = state.pulls.get(world.repo, pr.number);
      expect(pull).toMatchObject({ headRef: branch, baseRef: 'main', headSha: pr.head_sha });
      expect(pullIssue.title).toBe(`feat(#${issue.number}): add a multiply function`);
      expect(state.issues.labelsOf(world.repo, pullIssue).map((label) => label.name)).toEqual([
        AI_GENERATED_LABEL,
      ]);
      expect(pullIssue.body).toContain(`Implements #${issue.number}`);
      expect(pullIssue.body).toContain('## How it was tested');
      expect(pullIssue.body).toContain('Tests: 2 passed, 0 failed. The checks passed after 1 fix round.');
      expect(pullIssue.body).toContain(fixture === 'node' ? '`npm test`' : '`make test`');

      // The fix round got the failing output, fenced as data.
      const fixRequest = JSON.stringify(harness.fake.requests[2]!.body);
      expect(fixRequest).toContain('failed with exit code');
      expect(fixRequest).toMatch(/BEGIN DATA-[0-9a-f]+ output of test/);

      // The head's test results are the app's own check.
      const checks = await checksOn(world, pr.head_sha);
      expect(checks.map((check) => [check.name, check.conclusion, check.app?.id])).toEqual([
        [TESTS_CHECK, 'success', world.app.id],
      ]);
      expect(deps.lines).toContain(
        `implement: test (\`${fixture === 'node' ? 'npm test' : 'make test'}\`) failed with exit code ${fixture === 'node' ? 1 : 2}; fix attempt 1`,
      );
      expect(leakedCanaries(harness)).toEqual([]);
      // The secret-shaped text of the report was redacted from the commit, the pull request and every request.
      expect(await world.git(['log', '-1', '--format=%B', pr.head_sha])).not.toContain(LEAKED_TOKEN);
      expect(JSON.stringify(harness.github.requests.all().map((request) => request.body))).not.toContain(
        LEAKED_TOKEN,
      );
      expect(pullIssue.body).toContain('Saw');
    },
  );

  it('a revision pushes to the same branch and updates the same pull request', async () => {
    const world = await harness.world('node');
    const first = await implementMultiply(world, 'node');
    if (first.result.stage !== 'implement' || first.result.outcome.status !== 'succeeded')
      throw new Error('no first round');
    const { pr } = first.result.outcome;

    harness.fake.enqueue(
      editFile(
        'src/calc.js',
        '/** Multiplies two numbers. */',
        '/** Multiplies two numbers; `multiply(a, 0)` is 0. */',
      ),
      finish('Documented `multiply` in `src/calc.js` as the finding asked.'),
    );
    const revisionDeps = stageDeps(world, harness.fake);
    const revision = await runImplementStage(
      stageInputs(world, {
        issue: first.issue.number,
        pr: pr.number,
        runKey: 'run-2',
        context: { findings: ['story-alignment: document what multiply does with zero'] },
      }),
      revisionDeps,
    );
    const outcome = expectValid(revision);
    expect(outcome).toMatchObject({ status: 'succeeded', pr: { number: pr.number, branch: pr.branch } });
    const head = harness.github.state.repos.branchSha(world.repo, pr.branch)!;
    expect(head).not.toBe(pr.head_sha);
    expect(
      (await world.git(['fetch', '-q', 'origin', pr.branch]),
      await world.git(['rev-parse', `${head}~1`])).trim(),
    ).toBe(pr.head_sha);
    expect(harness.github.state.pulls.get(world.repo, pr.number).pull.headSha).toBe(head);
    expect(harness.github.state.pulls.list(world.repo)).toHaveLength(1);
    // The findings reached the developer as data, and the task says it is a revision.
    const request = JSON.stringify(harness.fake.requests[4]!.body);
    expect(request).toContain(`This is a revision of pull request #${pr.number}`);
    expect(request).toMatch(/BEGIN DATA-[0-9a-f]+ review findings that blocked the release gate/);
  });

  it('asks a person when the developer asks, and writes nothing', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Make it faster', 'Make calc faster.');
    harness.fake.enqueue(
      reply.tools([toolUse('ask_clarification', { questions: ['Which operation is slow?'] })]),
    );
    const result = await runImplementStage(
      stageInputs(world, { issue: issue.number }),
      stageDeps(world, harness.fake),
    );
    expect(expectValid(result)).toEqual({
      status: 'needs_clarification',
      questions: ['Which operation is slow?'],
    });
    expect(harness.github.requests.writes()).toEqual([]);
  });
});
