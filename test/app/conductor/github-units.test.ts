import { describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { createOnce } from '../../../app/github/create-once.js';
import {
  boundedRateLimitHandlers,
  hasMarker,
  marker,
  MAX_RESULT_BYTES,
  parseResultZip,
  runKeyFromTitle,
  withMarker,
  workflowInputs,
} from '../../../app/github/index.js';
import { MAX_CONTEXT_CHARS } from '../../../app/github/workflow.js';
import { lessonsOf } from '../../../app/conductor/lessons.js';
import type { ItemDocument } from '../../../app/conductor/document.js';

const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

describe('hidden markers', () => {
  it('mark a text and find it again; keys that could break out of the comment are refused', () => {
    const body = withMarker('Hello', 'post:item-1:2:0');
    expect(body).toBe('Hello\n\n<!-- ai-orchestrator:post:item-1:2:0 -->');
    expect(hasMarker(body, 'post:item-1:2:0')).toBe(true);
    expect(hasMarker(body, 'post:item-1:2:1')).toBe(false);
    expect(() => marker('x --><script>')).toThrow(RangeError);
  });
});

describe('createOnce', () => {
  it('after a 5xx, finds what the failed POST stored instead of posting again', async () => {
    let posts = 0;
    let stored: string | undefined;
    const result = await createOnce({
      mayExist: false,
      attempts: 4,
      backoffMs: () => 0,
      create: async () => {
        posts += 1;
        stored = 'comment-1';
        throw httpError(502);
      },
      find: async () => stored,
    });
    expect(result).toBe('comment-1');
    expect(posts).toBe(1);
  });

  it('looks first when an earlier attempt may have created it, and gives up after the bounded attempts', async () => {
    let posts = 0;
    expect(
      await createOnce({ mayExist: true, attempts: 3, create: async () => 'new', find: async () => 'old' }),
    ).toBe('old');
    await expect(
      createOnce({
        mayExist: false,
        attempts: 3,
        backoffMs: () => 0,
        create: async () => {
          posts += 1;
          throw httpError(503);
        },
        find: async () => undefined,
      }),
    ).rejects.toThrow('HTTP 503');
    expect(posts).toBe(3);
  });

  it('does not retry GitHub refusals (4xx)', async () => {
    let posts = 0;
    await expect(
      createOnce({
        mayExist: false,
        attempts: 3,
        create: async () => {
          posts += 1;
          throw httpError(422);
        },
        find: async () => undefined,
      }),
    ).rejects.toThrow('HTTP 422');
    expect(posts).toBe(1);
  });
});

describe('workflow inputs', () => {
  it('are six strings, with the context as bounded JSON', () => {
    const inputs = workflowInputs({
      stage: 'implement',
      issue: 12,
      pr: 14,
      story: 'B',
      runKey: 'implement-12-B-abc',
      context: {
        answer: 'x'.repeat(200_000),
        findings: Array.from({ length: 500 }, (_, i) => `finding ${i}`),
        lessons: ['keep it small'],
      },
    });
    expect(Object.keys(inputs)).toEqual(['stage', 'issue', 'pr', 'story', 'run_key', 'context']);
    expect(inputs).toMatchObject({
      stage: 'implement',
      issue: '12',
      pr: '14',
      story: 'B',
      run_key: 'implement-12-B-abc',
    });
    expect(inputs.context!.length).toBeLessThanOrEqual(MAX_CONTEXT_CHARS);
    const context = JSON.parse(inputs.context!) as { answer: string; findings: string[]; lessons: string[] };
    expect(context.answer.endsWith('…')).toBe(true);
    expect(context.findings.at(-1)).toMatch(/^… \d+ more$/);
    expect(context.lessons).toEqual(['keep it small']);
  });

  it('the run key is read back from the run title the workflow sets', () => {
    expect(runKeyFromTitle('ai-orchestrator plan plan-12-0a1b2c3d4e5f')).toBe('plan-12-0a1b2c3d4e5f');
    expect(runKeyFromTitle('CI')).toBeUndefined();
    expect(runKeyFromTitle(null)).toBeUndefined();
  });
});

describe('bounded rate-limit handlers', () => {
  it('retry up to maxRetries and never wait longer than maxRetryAfterSeconds', () => {
    const { onRateLimit, onSecondaryRateLimit } = boundedRateLimitHandlers({
      maxRetries: 2,
      maxRetryAfterSeconds: 60,
    });
    const options = { method: 'POST', url: '/repos/{owner}/{repo}/issues' };
    expect([0, 1, 2].map((count) => onRateLimit(5, options, undefined, count))).toEqual([true, true, false]);
    expect(onRateLimit(3600, options, undefined, 0)).toBe(false);
    expect(onSecondaryRateLimit(60, options, undefined, 0)).toBe(true);
    expect(onSecondaryRateLimit(61, options, undefined, 0)).toBe(false);
  });
});

describe('result artifacts', () => {
  it('read result.json from the zip', () => {
    const zip = zipSync({ 'result.json': strToU8('{"stage":"plan"}') });
    expect(parseResultZip(zip)).toEqual({ ok: true, document: { stage: 'plan' } });
  });

  it('refuse what is not a readable, bounded JSON result', () => {
    expect(parseResultZip(strToU8('not a zip'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a readable zip'),
    });
    expect(parseResultZip(zipSync({ 'other.json': strToU8('{}') }))).toEqual({
      ok: false,
      reason: 'the artifact holds no result.json',
    });
    expect(parseResultZip(zipSync({ 'result.json': strToU8('{') }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not valid JSON'),
    });
    // Highly compressible: tiny zipped, over the limit unpacked; refused from the header, not inflated.
    const bomb = zipSync({ 'result.json': new Uint8Array(MAX_RESULT_BYTES + 1) }, { level: 9 });
    expect(bomb.byteLength).toBeLessThan(10_000);
    expect(parseResultZip(bomb)).toEqual({
      ok: false,
      reason: `result.json is larger than ${MAX_RESULT_BYTES} bytes`,
    });
  });
});

describe('lessons', () => {
  const epic = (extra: Partial<ItemDocument> = {}): ItemDocument => ({
    item: { kind: 'epic', state: 'awaiting_plan_approval', issue: 3 },
    outbox: [],
    entered_at: '2026-01-01T00:00:00.000Z',
    ...extra,
  });

  it('come from rejections, failures, retries and approvals, one line and bounded', () => {
    expect(
      lessonsOf(
        epic(),
        { type: 'reject', reason: 'too\nbig' },
        { kind: 'epic', state: 'planning', issue: 3 },
      ),
    ).toEqual([{ source: 'rejection', text: 'A plan was rejected by a human because: too big' }]);
    expect(
      lessonsOf(
        epic({ last_rejection: 'too big' }),
        { type: 'approve', actor: { login: 'alice', human: true } },
        { kind: 'epic', state: 'implementing', issue: 3 },
      ),
    ).toEqual([
      { source: 'approval', text: 'A plan was approved once it addressed the earlier rejection: too big' },
    ]);
    const failed = lessonsOf(
      epic({ item: { kind: 'epic', state: 'planning', issue: 3 } }),
      { type: 'stage_failed', stage: 'plan', reason: 'y'.repeat(2000) },
      { kind: 'epic', state: 'failed', issue: 3 },
    );
    expect(failed[0]?.source).toBe('failure');
    expect(failed[0]?.text.length).toBe(1000);
    expect(
      lessonsOf(
        epic({ item: { kind: 'epic', state: 'failed', issue: 3, last_reason: 'timeout' } }),
        { type: 'retry' },
        { kind: 'epic', state: 'planning', issue: 3 },
      ),
    ).toEqual([{ source: 'retry', text: 'A human retried the plan after it failed: timeout' }]);
    expect(lessonsOf(epic(), { type: 'cancel' }, { kind: 'epic', state: 'cancelled', issue: 3 })).toEqual([]);
  });
});
