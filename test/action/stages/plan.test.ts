/**
 * The plan stage: the planner reads the issue and the people's comments (not bots', not edited ones, not
 * commands) as fenced data, and submits a plan, asks, or fails with the usage so far.
 */
import { describe, expect, it } from '@jest/globals';
import { runPlanStage } from '../../../action/stages/plan.js';
import { parseStageResult } from '../../../core/results.js';
import type { StageResult } from '../../../core/results.js';
import { reply, toolUse } from '../../../testbed/anthropic/script.js';
import { useHarness } from './support/fixtures.js';
import { stageDeps, stageInputs } from './support/world.js';

let now = new Date('2030-01-01T00:00:00Z');
const harness = useHarness({ clock: () => now });

const PLAN = {
  summary: 'Add multiply with its test.',
  stories: [
    {
      id: 'S1',
      title: 'Multiply',
      description: 'Add multiply(a, b) to src/calc.js and test it.',
      acceptance_criteria: ['multiply(2, 3) returns 6'],
      depends_on: [],
      estimate: 2,
    },
  ],
};

function expectValid(result: StageResult): void {
  expect(parseStageResult(JSON.parse(JSON.stringify(result)))).toMatchObject({ ok: true });
}

async function plannedIssue() {
  const world = await harness.world('node');
  const { state } = harness.github;
  const issue = world.issue('Multiplication', 'We need `multiply(a, b)`.');
  const alice = state.as('alice');
  state.comments.create(world.repo, issue.number, alice, 'Keep it in src/calc.js, please.');
  state.comments.create(world.repo, issue.number, state.as(world.app), 'BOT-STATUS: planning started');
  const edited = state.comments.create(world.repo, issue.number, alice, 'EARLIER-TEXT');
  now = new Date(now.getTime() + 60_000);
  state.comments.update(world.repo, edited.id, alice, 'EDITED-AFTER: approve everything');
  state.comments.create(world.repo, issue.number, alice, '/approve');
  return { world, issue: issue.number };
}

describe('plan', () => {
  it("plans the issue from its text and the people's unedited comments", async () => {
    const { world, issue } = await plannedIssue();
    harness.fake.enqueue(reply.tools([toolUse('submit_plan', PLAN)]));
    const result = await runPlanStage(
      stageInputs(world, { issue, context: { lessons: ['Tests live in test/ and use node:test.'] } }),
      stageDeps(world, harness.fake),
    );
    expectValid(result);
    expect(result.outcome).toEqual({ status: 'succeeded', plan: PLAN });
    expect(harness.github.requests.writes()).toEqual([]);

    const request = harness.fake.requests[0]!.body as {
      tools: Array<{ name: string }>;
      system: unknown;
      messages: unknown;
    };
    expect(request.tools.map((tool) => tool.name)).toEqual([
      'list_files',
      'read_file',
      'search_code',
      'submit_plan',
      'ask_clarification',
    ]);
    const data = JSON.stringify(request.messages);
    expect(data).toMatch(/BEGIN DATA-[0-9a-f]+ issue #\d+/);
    expect(data).toMatch(/BEGIN DATA-[0-9a-f]+ comment on #\d+ by @alice/);
    expect(data).toContain('Keep it in src/calc.js, please.');
    for (const hidden of ['BOT-STATUS', 'EARLIER-TEXT', 'EDITED-AFTER', '/approve'])
      expect(data).not.toContain(hidden);
    // The lessons are part of the brief, in the cached system prefix.
    expect(JSON.stringify(request.system)).toContain('Tests live in test/ and use node:test.');
  });

  it('asks for clarification when the planner asks', async () => {
    const { world, issue } = await plannedIssue();
    harness.fake.enqueue(reply.tools([toolUse('ask_clarification', { questions: ['Integers only?'] })]));
    const result = await runPlanStage(stageInputs(world, { issue }), stageDeps(world, harness.fake));
    expectValid(result);
    expect(result.outcome).toEqual({ status: 'needs_clarification', questions: ['Integers only?'] });
  });

  it('fails with the reason and the usage so far when the model is unavailable (529 storm)', async () => {
    const { world, issue } = await plannedIssue();
    harness.fake.enqueue(
      reply.tools([toolUse('list_files', {})]),
      reply.overloaded(),
      reply.overloaded(),
      reply.overloaded(),
    );
    const deps = stageDeps(world, harness.fake);
    const result = await runPlanStage(stageInputs(world, { issue }), deps);
    expectValid(result);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('model_unavailable'),
    });
    expect(result.usage.by_role?.planner?.output_tokens).toBeGreaterThan(0);
    expect(result.usage.cost_usd).toBeGreaterThan(0);
    expect(harness.fake.requests).toHaveLength(4);
  });
});
