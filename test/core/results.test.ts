import { describe, expect, it } from '@jest/globals';
import {
  parseStageResult,
  PlanSchema,
  readReviewerDocument,
  severityRank,
  UsageSchema,
  VerdictSchema,
} from '../../core/results.js';
import { finding, HEAD, usage, verdict } from '../support/verdicts.js';

const story = (id: string, depends_on: string[] = []) => ({
  id,
  title: `story ${id}`,
  description: 'change things',
  acceptance_criteria: ['it works'],
  depends_on,
  estimate: 3,
});

const base = {
  schema_version: 1,
  run_key: 'run-42-plan-1',
  repository: 'acme/shop',
  issue: 42,
  usage: usage(),
};

function errorsOf(json: unknown): string[] {
  const parsed = parseStageResult(json);
  if (parsed.ok) throw new Error('expected the document to be refused');
  return parsed.errors;
}

describe('usage', () => {
  it('accepts totals with a per-role breakdown and refuses negative or unknown roles', () => {
    expect(
      UsageSchema.safeParse({ ...usage(), by_role: { planner: usage(), security: usage() } }).success,
    ).toBe(true);
    expect(UsageSchema.safeParse({ ...usage(), cost_usd: -1 }).success).toBe(false);
    expect(UsageSchema.safeParse({ ...usage(), by_role: { janitor: usage() } }).success).toBe(false);
    expect(UsageSchema.safeParse({ ...usage(), output_tokens: 1.5 }).success).toBe(false);
  });
});

describe('plan', () => {
  it('accepts a DAG of stories and fills in depends_on', () => {
    const { depends_on: _omitted, ...first } = story('A');
    const parsed = PlanSchema.safeParse({ summary: 'two steps', stories: [first, story('B', ['A'])] });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.stories[0]?.depends_on).toEqual([]);
  });

  it('refuses duplicate ids, unknown and self dependencies, cycles, bad ids and estimates', () => {
    const refused = (stories: unknown[]) => {
      const parsed = PlanSchema.safeParse({ summary: 's', stories });
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
    };
    expect(refused([story('A'), story('B', ['A']), story('C', ['A']), story('D', ['B', 'C'])])).toEqual([]);
    expect(refused([story('A'), story('A')])).toEqual(['story "A" is defined 2 times']);
    expect(refused([story('A', ['Z'])])).toEqual(['story "A" depends on unknown story "Z"']);
    expect(refused([story('A', ['A'])])).toEqual(['story "A" depends on itself']);
    expect(refused([story('A', ['C']), story('B', ['A']), story('C', ['B'])])).toEqual([
      expect.stringMatching(/^cycle: /),
    ]);
    expect(refused([story('-bad')])).toHaveLength(1);
    expect(refused([{ ...story('A'), estimate: 21 }])).toEqual([
      'expected story points, an integer from 1 to 13',
    ]);
    expect(refused([{ ...story('A'), acceptance_criteria: [] }])).toHaveLength(1);
    expect(refused([])).toHaveLength(1);
  });
});

describe('verdicts and reviewer documents', () => {
  it('orders severities info < minor < major < blocker', () => {
    expect(
      ['blocker', 'info', 'major', 'minor'].sort(
        (a, b) => severityRank(a as never) - severityRank(b as never),
      ),
    ).toEqual(['info', 'minor', 'major', 'blocker']);
  });

  it('reads a verdict, with findings, and a reviewer error', () => {
    const withFinding = verdict('security', { findings: [finding({ file: 'src/a.ts', line: 3 })] });
    expect(readReviewerDocument(withFinding)).toEqual({ kind: 'verdict', verdict: withFinding });
    expect(readReviewerDocument({ role: 'security', error: 'model overloaded' })).toEqual({
      kind: 'error',
      error: { role: 'security', error: 'model overloaded' },
    });
  });

  it('accepts short and full lowercase SHAs only', () => {
    expect(VerdictSchema.safeParse(verdict('security', { head_sha: 'abc1234' })).success).toBe(true);
    expect(VerdictSchema.safeParse(verdict('security', { head_sha: HEAD.toUpperCase() })).success).toBe(
      false,
    );
    expect(VerdictSchema.safeParse(verdict('security', { head_sha: 'abc12' })).success).toBe(false);
  });

  it('finds unreadable: extra fields, prose, markdown-wrapped JSON, wrong types, empty values', () => {
    const unreadable = (raw: unknown) => {
      const document = readReviewerDocument(raw);
      return document.kind === 'unreadable' ? document.errors : [];
    };
    expect(unreadable({ ...verdict('security'), approved: true })).toEqual(['approved: unknown key']);
    expect(unreadable('APPROVED')).toEqual(['(top level): expected a verdict (a mapping), got "APPROVED"']);
    expect(unreadable('```json\n' + JSON.stringify(verdict('security')) + '\n```')).toHaveLength(1);
    expect(unreadable(JSON.stringify(verdict('security')))).toHaveLength(1);
    expect(unreadable({ ...verdict('security'), status: 'approved' })).toEqual([
      'status: expected one of pass, concerns, block, got "approved"',
    ]);
    expect(unreadable({ ...verdict('security'), findings: [{ ...finding(), line: 0 }] })).toEqual([
      'findings[0].line: expected a positive integer, got 0',
    ]);
    expect(unreadable('')).toHaveLength(1);
    expect(unreadable({})).not.toHaveLength(0);
    expect(unreadable(null)).toHaveLength(1);
    expect(unreadable({ role: 'security', error: '' })).toEqual([
      'error: expected a non-empty string of at most 4000 characters, got ""',
    ]);
  });
});

describe('stage results', () => {
  it('accepts each stage with what it produced', () => {
    const documents = [
      {
        ...base,
        stage: 'plan',
        outcome: { status: 'succeeded', plan: { summary: 's', stories: [story('A')] } },
      },
      {
        ...base,
        stage: 'implement',
        story: 'A',
        outcome: { status: 'succeeded', pr: { number: 7, head_sha: HEAD, branch: 'ai/42-add-insurance' } },
      },
      {
        ...base,
        stage: 'review',
        pr: 7,
        head_sha: HEAD,
        outcome: { status: 'succeeded', verdict: verdict('security') },
      },
      {
        ...base,
        stage: 'release-gate',
        pr: 7,
        outcome: {
          status: 'succeeded',
          gate: { decision: 'approved', reasons: ['all passed'], head_sha: HEAD, reviewers: [] },
        },
      },
      {
        ...base,
        stage: 'validate',
        outcome: { status: 'succeeded', validation: { tests: { passed: 10, failed: 0 }, smoke_ok: null } },
      },
      { ...base, stage: 'plan', outcome: { status: 'needs_clarification', questions: ['Which currency?'] } },
      { ...base, stage: 'implement', outcome: { status: 'failed', reason: 'tests kept failing' } },
    ];
    for (const document of documents) {
      const parsed = parseStageResult(document);
      expect(parsed).toEqual({ ok: true, result: expect.objectContaining({ stage: document.stage }) });
    }
  });

  it('checks what a succeeded stage produced against the stage, with paths', () => {
    expect(
      errorsOf({
        ...base,
        stage: 'plan',
        outcome: { status: 'succeeded', pr: { number: 1, head_sha: HEAD, branch: 'x' } },
      }),
    ).toEqual(['outcome.plan: expected a plan (a mapping), got nothing', 'outcome.pr: unknown key']);
    expect(
      errorsOf({
        ...base,
        stage: 'plan',
        outcome: { status: 'succeeded', plan: { summary: 's', stories: [{ ...story('A'), estimate: 40 }] } },
      }),
    ).toEqual(['outcome.plan.stories[0].estimate: expected story points, an integer from 1 to 13, got 40']);
  });

  it('refuses unknown stages, outcomes, versions and extra fields', () => {
    expect(errorsOf({ ...base, stage: 'deploy', outcome: { status: 'failed', reason: 'x' } })).toHaveLength(
      1,
    );
    expect(errorsOf({ ...base, stage: 'plan', outcome: { status: 'done' } })).toHaveLength(1);
    expect(
      errorsOf({ ...base, schema_version: 2, stage: 'plan', outcome: { status: 'failed', reason: 'x' } }),
    ).toEqual(['schema_version: expected 1, got 2']);
    expect(
      errorsOf({ ...base, stage: 'plan', extra: 1, outcome: { status: 'failed', reason: 'x' } }),
    ).toEqual(['extra: unknown key']);
    expect(errorsOf('not a document')).toEqual([
      '(top level): expected a stage result document (a mapping), got "not a document"',
    ]);
  });

  it('bounds clarification questions to 1..10 non-empty strings', () => {
    const asking = (questions: unknown) => ({
      ...base,
      stage: 'plan',
      outcome: { status: 'needs_clarification', questions },
    });
    expect(parseStageResult(asking(['Why?'])).ok).toBe(true);
    expect(errorsOf(asking([]))).toEqual([
      'outcome.questions: expected a list of 1 to 10 questions, got a list',
    ]);
    expect(errorsOf(asking(Array.from({ length: 11 }, () => 'Why?')))).toHaveLength(1);
    expect(errorsOf(asking(['  ']))).toEqual([
      'outcome.questions[0]: expected a non-empty string of at most 2000 characters, got "  "',
    ]);
  });

  it('refuses a document that contradicts itself or a review without its pull request', () => {
    expect(
      errorsOf({
        ...base,
        stage: 'review',
        pr: 7,
        head_sha: 'fedcba9',
        outcome: { status: 'succeeded', verdict: verdict('security') },
      }),
    ).toEqual([`outcome.verdict.head_sha: head "${HEAD}" differs from the document's "fedcba9"`]);
    expect(
      errorsOf({
        ...base,
        stage: 'implement',
        pr: 8,
        outcome: { status: 'succeeded', pr: { number: 7, head_sha: HEAD, branch: 'ai/42-x' } },
      }),
    ).toEqual(["outcome.pr.number: pull request 7 differs from the document's 8"]);
    expect(errorsOf({ ...base, stage: 'review', outcome: { status: 'failed', reason: 'x' } })).toEqual([
      'pr: a review result names its pull request',
    ]);
  });

  it('refuses bad repositories, branch names and issue numbers', () => {
    expect(
      errorsOf({ ...base, repository: 'shop', stage: 'plan', outcome: { status: 'failed', reason: 'x' } }),
    ).toEqual(['repository: expected a repository as owner/name, got "shop"']);
    expect(
      errorsOf({ ...base, issue: 0, stage: 'plan', outcome: { status: 'failed', reason: 'x' } }),
    ).toEqual(['issue: expected a positive integer, got 0']);
    expect(
      errorsOf({
        ...base,
        stage: 'implement',
        outcome: { status: 'succeeded', pr: { number: 7, head_sha: HEAD, branch: 'ai/../main' } },
      }),
    ).toHaveLength(1);
  });
});
