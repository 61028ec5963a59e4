/**
 * The review stage: a reviewer reads the pull request with read-only tools (a forged write is refused),
 * and its verdict is published as the app's check `ai-orchestrator/review: <role>` on the head, with the
 * findings as annotations and the verdict carried for the gate. A reviewer that could not run says so.
 */
import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readEmbeddedDocument } from '../../../action/github/embedded-document.js';
import { runReviewStage } from '../../../action/stages/review.js';
import { parseStageResult, readReviewerDocument } from '../../../core/results.js';
import type { StageResult } from '../../../core/results.js';
import { reply, toolUse } from '../../../testbed/anthropic/script.js';
import { leakedCanaries, useHarness } from './support/fixtures.js';
import { openAiPull, publishTests } from './support/pulls.js';
import type { OpenedPull } from './support/pulls.js';
import { verdict } from './support/scripts.js';
import { stageDeps, stageInputs } from './support/world.js';
import type { World } from './support/world.js';

const harness = useHarness();

const CALC = `/** Adds two numbers. */
export function add(a, b) {
  return a + b;
}

/** Multiplies two numbers. */
export function multiply(a, b) {
  return a * b;
}
`;

async function pullUnderReview(): Promise<{ world: World; pull: OpenedPull; issue: number }> {
  const world = await harness.world('node');
  const issue = world.issue('Add a multiply function', 'Add `multiply(a, b)` to src/calc.js.').number;
  const pull = await openAiPull(world, issue, { 'src/calc.js': CALC });
  await publishTests(world, pull.head, 2, 0);
  // What the set-up wrote is not the stage's doing.
  harness.github.requests.clear();
  return { world, pull, issue };
}

function expectValid(result: StageResult): void {
  expect(parseStageResult(JSON.parse(JSON.stringify(result)))).toMatchObject({ ok: true });
}

/** The check-run writes the fake received, in order. */
const checkWrites = () =>
  harness.github.requests
    .all()
    .filter((request) => request.operationId === 'checks/create' || request.operationId === 'checks/update');

describe('review', () => {
  it('has no write tool, refuses a forged write, and publishes its verdict check with annotations', async () => {
    const { world, pull, issue } = await pullUnderReview();
    harness.fake.enqueue(
      reply.tools([toolUse('write_file', { path: 'src/calc.js', content: 'export const pwned = 1;\n' })]),
      verdict('concerns', 'multiply works; its doc comment could say more.', [
        {
          severity: 'minor',
          category: 'docs',
          message: 'Say what multiply returns.',
          file: 'src/calc.js',
          line: 6,
        },
        {
          severity: 'info',
          category: 'style',
          message: 'A file that does not exist.',
          file: 'src/nope.js',
          line: 1,
        },
        { severity: 'info', category: 'general', message: 'No file at all.' },
      ]),
    );
    const deps = stageDeps(world, harness.fake);
    const result = await runReviewStage(
      { ...stageInputs(world, { issue }), pr: pull.number, role: 'story-alignment' },
      deps,
    );
    expectValid(result);

    // The reviewer was offered no write tool, and the forged call was answered with an error.
    const offered = (harness.fake.requests[0]!.body as { tools: Array<{ name: string }> }).tools.map(
      (tool) => tool.name,
    );
    expect(offered).toEqual(['list_files', 'read_file', 'search_code', 'submit_verdict']);
    const answer = JSON.stringify(
      (harness.fake.requests[1]!.body as { messages: unknown[] }).messages.at(-1),
    );
    expect(answer).toContain('there is no tool \\"write_file\\" for the story-alignment role');
    expect(answer).toContain('"is_error":true');
    expect(await readFile(path.join(world.work, 'src/calc.js'), 'utf8')).toBe(CALC);

    // The reviewer saw the diff and the head's test results.
    const first = JSON.stringify(harness.fake.requests[0]!.body);
    expect(first).toMatch(/BEGIN DATA-[0-9a-f]+ diff of pull request #\d+/);
    expect(first).toContain('+  return a * b;');
    expect(first).toContain("The orchestrator's test run on this head: 2 passed, 0 failed.");

    // The result carries the verdict for the head.
    expect(result.outcome).toMatchObject({
      status: 'succeeded',
      verdict: { role: 'story-alignment', head_sha: pull.head, status: 'concerns' },
    });
    expect(result).toMatchObject({ pr: pull.number, head_sha: pull.head });

    // The check: in progress first, then completed neutral with the one annotation whose file exists.
    const writes = checkWrites();
    expect(writes.map((request) => request.operationId)).toEqual(['checks/create', 'checks/update']);
    expect(writes[0]!.body).toMatchObject({
      name: 'ai-orchestrator/review: story-alignment',
      head_sha: pull.head,
      status: 'in_progress',
    });
    const completion = writes[1]!.body as {
      conclusion: string;
      output: { annotations: Array<Record<string, unknown>>; text: string };
    };
    expect(completion.conclusion).toBe('neutral');
    expect(completion.output.annotations).toEqual([
      {
        path: 'src/calc.js',
        start_line: 6,
        end_line: 6,
        annotation_level: 'warning',
        title: 'minor: docs',
        message: 'Say what multiply returns.',
      },
    ]);
    const { data } = await world.bot.rest.checks.listForRef({
      owner: 'acme',
      repo: 'calc',
      ref: pull.head,
      check_name: 'ai-orchestrator/review: story-alignment',
    });
    expect(data.check_runs).toHaveLength(1);
    const run = data.check_runs[0]!;
    expect([run.status, run.conclusion, run.app?.id]).toEqual(['completed', 'neutral', world.app.id]);
    const carried = readEmbeddedDocument('reviewer-document', run.output.text);
    expect(carried.ok && readReviewerDocument(carried.value)).toEqual({
      kind: 'verdict',
      verdict:
        result.stage === 'review' && result.outcome.status === 'succeeded'
          ? result.outcome.verdict
          : undefined,
    });
    expect(leakedCanaries(harness)).toEqual([]);
  });

  it('adds more than 50 annotations in batches of 50, as GitHub requires', async () => {
    const { world, pull, issue } = await pullUnderReview();
    const findings = Array.from({ length: 120 }, (_, index) => ({
      severity: 'info',
      category: 'nit',
      message: `Nit number ${index + 1}.`,
      file: 'src/calc.js',
      line: (index % 9) + 1,
    }));
    harness.fake.enqueue(verdict('pass', 'Fine, with many nits.', findings));
    const result = await runReviewStage(
      { ...stageInputs(world, { issue }), pr: pull.number, role: 'architecture' },
      stageDeps(world, harness.fake),
    );
    expectValid(result);
    const updates = checkWrites().filter((request) => request.operationId === 'checks/update');
    expect(
      updates.map(
        (request) => (request.body as { output: { annotations: unknown[] } }).output.annotations.length,
      ),
    ).toEqual([50, 50, 20]);
    expect((updates[0]!.body as { conclusion: string }).conclusion).toBe('success');
  });

  it('says "could not run" in a failed check when the model is unavailable, never a pass', async () => {
    const { world, pull, issue } = await pullUnderReview();
    harness.fake.enqueue(
      reply.tools([toolUse('read_file', { path: 'src/calc.js' })]),
      reply.overloaded(),
      reply.overloaded(),
      reply.overloaded(),
    );
    const deps = stageDeps(world, harness.fake);
    const result = await runReviewStage(
      { ...stageInputs(world, { issue }), pr: pull.number, role: 'security' },
      deps,
    );
    expectValid(result);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('could not run'),
    });
    expect(result.outcome.status === 'failed' && result.outcome.reason).toContain('model_unavailable');
    // The usage of the turn that did run is reported; the policy allows 2 retries after the first 529.
    expect(result.usage.by_role?.security?.output_tokens).toBeGreaterThan(0);
    expect(deps.sleeps).toHaveLength(2);

    const { data } = await world.bot.rest.checks.listForRef({
      owner: 'acme',
      repo: 'calc',
      ref: pull.head,
      check_name: 'ai-orchestrator/review: security',
    });
    const run = data.check_runs[0]!;
    expect([run.status, run.conclusion, run.output.title]).toEqual(['completed', 'failure', 'could not run']);
    const carried = readEmbeddedDocument('reviewer-document', run.output.text);
    expect(carried.ok && readReviewerDocument(carried.value)).toMatchObject({
      kind: 'error',
      error: { role: 'security', head_sha: pull.head, error: expect.stringContaining('model_unavailable') },
    });
  });

  it('reviews a depth-1 checkout of the head: the base and the history come from the repository', async () => {
    const { world, pull, issue } = await pullUnderReview();
    const shallow = path.join(world.root, 'shallow');
    await world.git(
      ['clone', '-q', '--depth', '1', '--branch', pull.branch, world.remote, shallow],
      world.root,
    );
    expect((await world.git(['rev-parse', '--is-shallow-repository'], shallow)).trim()).toBe('true');
    harness.fake.enqueue(verdict('pass', 'multiply multiplies.'));
    const result = await runReviewStage(
      { ...stageInputs(world, { issue }), workspace: shallow, pr: pull.number, role: 'test-quality' },
      stageDeps(world, harness.fake),
    );
    expectValid(result);
    expect(result.outcome).toMatchObject({
      status: 'succeeded',
      verdict: { status: 'pass', head_sha: pull.head },
    });
    expect(JSON.stringify(harness.fake.requests[0]!.body)).toContain('+  return a * b;');
  });

  it('does not review a checkout that is not the pull request head', async () => {
    const { world, pull, issue } = await pullUnderReview();
    await world.git(['switch', '-q', 'main']);
    const result = await runReviewStage(
      { ...stageInputs(world, { issue }), pr: pull.number, role: 'test-quality' },
      stageDeps(world, harness.fake),
    );
    expectValid(result);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining("not at the pull request's head"),
    });
    expect(harness.fake.requests).toHaveLength(0);
    const { data } = await world.bot.rest.checks.listForRef({
      owner: 'acme',
      repo: 'calc',
      ref: pull.head,
      check_name: 'ai-orchestrator/review: test-quality',
    });
    expect(data.check_runs.map((run) => run.conclusion)).toEqual(['failure']);
  });
});
