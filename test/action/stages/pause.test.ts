/**
 * The kill switch as the actions see it: while the repository label `ai:paused` exists, no stage writes
 * anything to GitHub (no push, pull request, label, check or comment), whenever the pause began.
 */
import { describe, expect, it } from '@jest/globals';
import { PAUSED_LABEL } from '../../../action/github/pause.js';
import { runImplementStage } from '../../../action/stages/implement.js';
import { runReleaseGateStage } from '../../../action/stages/release-gate.js';
import { runReviewStage } from '../../../action/stages/review.js';
import { runValidateStage } from '../../../action/stages/validate.js';
import { parseStageResult } from '../../../core/results.js';
import type { StageResult } from '../../../core/results.js';
import { useHarness } from './support/fixtures.js';
import { openAiPull } from './support/pulls.js';
import { finish, writeFiles } from './support/scripts.js';
import { stageDeps, stageInputs } from './support/world.js';
import type { World } from './support/world.js';

const harness = useHarness();

const pause = (world: World) =>
  harness.github.state.issues.createLabel(world.repo, {
    name: PAUSED_LABEL,
    color: 'b60205',
    description: 'The AI orchestrator is paused; /resume to continue',
  });

function expectPausedFailure(result: StageResult): string {
  expect(parseStageResult(JSON.parse(JSON.stringify(result)))).toMatchObject({ ok: true });
  expect(result.outcome).toMatchObject({
    status: 'failed',
    reason: expect.stringContaining('the repository is paused'),
  });
  return result.outcome.status === 'failed' ? result.outcome.reason : '';
}

const MULTIPLY = {
  'src/calc.js':
    'export function add(a, b) {\n  return a + b;\n}\n\nexport function multiply(a, b) {\n  return a * b;\n}\n',
};

describe('a paused repository', () => {
  it('gets no write from implement, and the model is not even called', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Add multiply.').number;
    pause(world);
    const result = await runImplementStage(stageInputs(world, { issue }), stageDeps(world, harness.fake));
    expect(expectPausedFailure(result)).toContain('stopped before starting the implement stage');
    expect(harness.fake.requests).toHaveLength(0);
    expect(harness.github.requests.writes()).toEqual([]);
  });

  it('gets no push and no pull request when /pause comes while the developer works', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Add multiply.').number;
    harness.fake.enqueue(() => {
      pause(world);
      return writeFiles(MULTIPLY);
    }, finish('Added `multiply` to `src/calc.js`.'));
    const result = await runImplementStage(stageInputs(world, { issue }), stageDeps(world, harness.fake));
    expect(expectPausedFailure(result)).toContain(`stopped before push ai/${issue}-add-a-multiply-function`);
    expect(harness.github.requests.writes()).toEqual([]);
    expect([...world.repo.branches.keys()]).toEqual(['main']);
    // The work is not lost: it is committed in the checkout, for a /retry after /resume.
    expect(await world.git(['log', '-1', '--format=%s'])).toContain(`feat(#${issue})`);
  });

  it('gets no check from review or the release gate, and no check or comment from validate', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Add multiply.').number;
    const pull = await openAiPull(world, issue, MULTIPLY);
    pause(world);
    harness.github.requests.clear();
    const deps = stageDeps(world, harness.fake);
    expectPausedFailure(
      await runReviewStage({ ...stageInputs(world, { issue }), pr: pull.number, role: 'security' }, deps),
    );
    expectPausedFailure(
      await runReleaseGateStage({ ...stageInputs(world, { issue }), pr: pull.number }, deps),
    );
    await world.git(['switch', '-q', 'main']);
    expectPausedFailure(await runValidateStage(stageInputs(world, { issue }), deps));
    expect(harness.github.requests.writes()).toEqual([]);
    expect(harness.fake.requests).toHaveLength(0);
  });
});
