import { describe, expect, it } from '@jest/globals';
import { outcomeOfRun } from '../../../app/conductor/result-event.js';
import type { RunContext } from '../../../app/conductor/result-event.js';
import type { StoryItem } from '../../../core/workflow.js';

const HEAD = 'a'.repeat(40);
const RUN = { id: 77, url: 'https://github.com/acme/widgets/actions/runs/77', conclusion: 'success' };
const USAGE = {
  input_tokens: 10,
  output_tokens: 5,
  cache_read_input_tokens: 2,
  cache_creation_input_tokens: 1,
  cost_usd: 0.5,
};

const story = (state: StoryItem['state']): StoryItem => ({
  kind: 'story',
  state,
  issue: 9,
  epic: 3,
  story: 'B',
  revision_round: 0,
  pr: 14,
  head_sha: HEAD,
});

function context(
  stage: string,
  item: RunContext['item'] = { kind: 'epic', state: 'planning', issue: 3 },
): RunContext {
  return { repository: 'acme/widgets', itemId: 'item-1', runKey: 'key-1', stage, item };
}

const base = { schema_version: 1, run_key: 'key-1', repository: 'acme/widgets', issue: 3, usage: USAGE };

describe('what a finished run means', () => {
  it('no artifact, or an invalid one: stage_failed naming why, with the run link', () => {
    const missing = outcomeOfRun(context('plan'), RUN, {
      ok: false,
      reason: 'the run uploaded no "ai-orchestrator-result" artifact',
    });
    expect(missing.event).toEqual({
      type: 'stage_failed',
      stage: 'plan',
      reason:
        'the plan run ended (success) without a valid result: the run uploaded no "ai-orchestrator-result" artifact',
      run_url: RUN.url,
    });
    const invalid = outcomeOfRun(context('plan'), RUN, {
      ok: true,
      document: {
        ...base,
        stage: 'plan',
        outcome: { status: 'succeeded', plan: { summary: 'x', stories: [] } },
      },
    });
    expect(invalid.event).toMatchObject({
      type: 'stage_failed',
      reason: expect.stringContaining('outcome.plan.stories: expected a list of 1 to 50 stories'),
    });
  });

  it('a result for another run, repository, issue, stage or story is not applied', () => {
    const plan = { ...base, stage: 'plan', outcome: { status: 'failed', reason: 'x' } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...plan, run_key: 'other' }, 'names run_key "other"'],
      [{ ...plan, repository: 'evil/repo' }, 'names repository evil/repo'],
      [{ ...plan, issue: 4 }, 'names issue #4, not #3'],
      [{ ...base, stage: 'validate', outcome: { status: 'failed', reason: 'x' } }, 'it is a validate result'],
    ];
    for (const [document, why] of cases) {
      expect(outcomeOfRun(context('plan'), RUN, { ok: true, document }).event).toMatchObject({
        type: 'stage_failed',
        reason: expect.stringContaining(why),
      });
    }
    const other = {
      ...base,
      issue: 9,
      story: 'C',
      stage: 'implement',
      outcome: { status: 'failed', reason: 'x' },
    };
    expect(
      outcomeOfRun(context('implement', story('implementing')), RUN, { ok: true, document: other }).event,
    ).toMatchObject({
      reason: expect.stringContaining('names story "C", not "B"'),
    });
  });

  it('failed and needs_clarification outcomes become stage_failed and questions', () => {
    const failed = outcomeOfRun(context('plan'), RUN, {
      ok: true,
      document: { ...base, stage: 'plan', outcome: { status: 'failed', reason: 'no idea' } },
    });
    expect(failed.event).toEqual({
      type: 'stage_failed',
      stage: 'plan',
      reason: 'no idea',
      run_url: RUN.url,
    });
    const asked = outcomeOfRun(context('plan'), RUN, {
      ok: true,
      document: { ...base, stage: 'plan', outcome: { status: 'needs_clarification', questions: ['Which?'] } },
    });
    expect(asked.event).toEqual({ type: 'questions', questions: ['Which?'] });
  });

  it('an implement result opens the pull request, or is a new head while revising', () => {
    const document = {
      ...base,
      issue: 9,
      story: 'B',
      stage: 'implement',
      outcome: { status: 'succeeded', pr: { number: 14, head_sha: HEAD, branch: 'ai/9-b' } },
    };
    expect(
      outcomeOfRun(context('implement', story('implementing')), RUN, { ok: true, document }).event,
    ).toEqual({ type: 'pr_opened', pr: 14, head_sha: HEAD });
    expect(outcomeOfRun(context('implement', story('revising')), RUN, { ok: true, document }).event).toEqual({
      type: 'head_pushed',
      head_sha: HEAD,
      by_human: false,
    });
  });

  it('the review run ends with the gate: a blocked gate is believed even from a failed job, a success is not', () => {
    const gate = (decision: string) => ({
      ...base,
      issue: 9,
      pr: 14,
      stage: 'release-gate',
      outcome: { status: 'succeeded', gate: { decision, reasons: ['why'], head_sha: HEAD, reviewers: [] } },
    });
    const failedJob = { ...RUN, conclusion: 'failure' };
    expect(
      outcomeOfRun(context('review', story('reviewing')), failedJob, { ok: true, document: gate('blocked') })
        .event,
    ).toEqual({
      type: 'gate_result',
      decision: 'blocked',
      head_sha: HEAD,
      reasons: ['why'],
    });
    expect(
      outcomeOfRun(context('review', story('reviewing')), failedJob, { ok: true, document: gate('approved') })
        .event,
    ).toMatchObject({
      type: 'stage_failed',
      stage: 'review',
      reason: 'the review run concluded failure, although its result says it succeeded',
    });
  });

  it('validation fails on failed tests or a failed smoke command', () => {
    const document = {
      ...base,
      issue: 9,
      stage: 'validate',
      outcome: { status: 'succeeded', validation: { tests: { passed: 3, failed: 1 }, smoke_ok: false } },
    };
    expect(outcomeOfRun(context('validate', story('validating')), RUN, { ok: true, document }).event).toEqual(
      {
        type: 'validated',
        ok: false,
        reason: '1 of 4 tests failed; the smoke command failed',
      },
    );
  });

  it('books usage per role, keyed by the run', () => {
    const document = {
      ...base,
      stage: 'plan',
      usage: { ...USAGE, by_role: { planner: USAGE } },
      outcome: { status: 'failed', reason: 'x' },
    };
    expect(outcomeOfRun(context('plan'), RUN, { ok: true, document }).usage).toEqual([
      {
        repository: 'acme/widgets',
        itemId: 'item-1',
        stage: 'plan',
        role: 'planner',
        runKey: 'key-1',
        tokensIn: 10,
        tokensOut: 5,
        cacheReadTokens: 2,
        cacheWriteTokens: 1,
        costUsd: 0.5,
      },
    ]);
  });
});
