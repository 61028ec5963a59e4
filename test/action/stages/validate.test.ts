/**
 * The validate stage after a merge: the detected tests and the policy's smoke command run on the default
 * branch's checkout; a check and a comment report it; a failure is reported and flagged, never rolled back.
 */
import { describe, expect, it } from '@jest/globals';
import { runValidateStage } from '../../../action/stages/validate.js';
import { VALIDATE_CHECK } from '../../../action/stages/validate.js';
import { CONFIG_FILE_PATH } from '../../../core/policy.js';
import { parseStageResult } from '../../../core/results.js';
import type { StageResult } from '../../../core/results.js';
import { useHarness } from './support/fixtures.js';
import { REPO } from './support/pulls.js';
import { stageDeps, stageInputs } from './support/world.js';
import type { World } from './support/world.js';

const harness = useHarness();

const POLICY_WITH_SMOKE = `version: 1
review:
  reviewers:
    - role: security
      required: true
validate:
  smoke_command: node -e "console.log('smoke ok')"
`;

/** Puts `files` on main as alice would by merging, and brings the checkout up to date. */
async function mergeToMain(world: World, files: Record<string, string>): Promise<string> {
  const { state } = harness.github;
  const sha = state.repos.commitFiles(world.repo, 'main', state.as('alice'), files);
  await world.git(['pull', '-q', 'origin', 'main']);
  return sha;
}

async function validate(world: World, issue: number, runKey = 'run-7'): Promise<StageResult> {
  const result = await runValidateStage(
    { ...stageInputs(world, { issue, runKey }), pr: 2 },
    stageDeps(world, harness.fake),
  );
  expect(parseStageResult(JSON.parse(JSON.stringify(result)))).toMatchObject({ ok: true });
  return result;
}

async function checksOn(world: World, sha: string) {
  const { data } = await world.bot.rest.checks.listForRef({ ...REPO, ref: sha, check_name: VALIDATE_CHECK });
  return data.check_runs;
}

describe('validate', () => {
  it('runs the tests and the smoke command on the default branch and reports a check and a comment', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Story').number;
    const head = await mergeToMain(world, { [CONFIG_FILE_PATH]: POLICY_WITH_SMOKE });
    const result = await validate(world, issue);
    expect(result.outcome).toEqual({
      status: 'succeeded',
      validation: { tests: { passed: 1, failed: 0 }, smoke_ok: true },
    });
    expect(result).toMatchObject({ head_sha: head, pr: 2 });
    expect((await checksOn(world, head)).map((run) => [run.conclusion, run.app?.id])).toEqual([
      ['success', world.app.id],
    ]);
    const comments = harness.github.state.comments.list(world.repo, issue);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Validation passed on `main`');
    expect(comments[0]!.body).toContain('<!-- ai-orchestrator:validate:run-7 -->');

    // The same run again (a retried step) edits its comment instead of adding one.
    await validate(world, issue);
    expect(harness.github.state.comments.list(world.repo, issue)).toHaveLength(1);
  });

  it('reports a failure with the trimmed output and flags it, without rolling anything back', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Story').number;
    const head = await mergeToMain(world, {
      'test/broken.test.js':
        "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { add } from '../src/calc.js';\n\ntest('add is broken', () => {\n  assert.equal(add(1, 1), 3);\n});\n",
    });
    const result = await validate(world, issue);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('validation failed on main'),
    });
    expect(result.outcome.status === 'failed' && result.outcome.reason).toContain('add is broken');
    expect((await checksOn(world, head)).map((run) => run.conclusion)).toEqual(['failure']);
    const [comment] = harness.github.state.comments.list(world.repo, issue);
    expect(comment!.body).toContain('Validation **failed**');
    expect(comment!.body).toContain('Nothing was rolled back');
    // The default branch is where the merge left it.
    expect(harness.github.state.repos.branchSha(world.repo, 'main')).toBe(head);
  });
});
