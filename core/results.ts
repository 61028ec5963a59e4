/**
 * The documents that cross the boundary between the actions (where models run) and the app: a stage's
 * result document, a reviewer's verdict, a plan (design §5). Every one is a zod schema; the types are
 * derived from the schemas so the two can't drift.
 *
 * Everything here is read from model output or from a workflow artifact, so it is untrusted: objects are
 * strict (a verdict with an extra field is unreadable, and an unreadable verdict blocks the gate) and
 * strings and lists are bounded.
 */
import { z } from 'zod';
import { validateDag } from './dag.js';
import { describeValue, formatPath } from './policy.js';
import { AGENT_ROLES, REVIEWER_ROLES } from './roles.js';
import type { Stage } from './roles.js';

// Each validator carries one message for all of its checks, so an error reads
// `outcome.pr.number: expected a positive integer, got -1` whatever check failed.
function count(description: string) {
  const error = 'expected a non-negative integer';
  return z.number({ error }).int({ error }).min(0, { error }).describe(description);
}

function positiveInt(description: string) {
  const error = 'expected a positive integer';
  return z.number({ error }).int({ error }).positive({ error }).describe(description);
}

function text(description: string, max: number) {
  const error = `expected a non-empty string of at most ${max} characters`;
  return z.string({ error }).trim().min(1, { error }).max(max, { error }).describe(description);
}

function list<T extends z.ZodType>(item: T, what: string, min: number, max: number, description: string) {
  const error =
    min > 0 ? `expected a list of ${min} to ${max} ${what}` : `expected a list of at most ${max} ${what}`;
  return z.array(item, { error }).min(min, { error }).max(max, { error }).describe(description);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` }).describe(description);
}

/** A commit SHA as git prints it: 7 to 40 lowercase hex digits. */
export const ShaSchema = z
  .string({ error: 'expected a commit SHA (7 to 40 lowercase hex digits)' })
  .regex(/^[0-9a-f]{7,40}$/, { error: 'expected a commit SHA (7 to 40 lowercase hex digits)' })
  .describe('A commit SHA.');

const UsageFieldsSchema = z.strictObject(
  {
    input_tokens: count('Input tokens not served from the prompt cache.'),
    output_tokens: count('Output tokens.'),
    cache_read_input_tokens: count('Input tokens served from the prompt cache.'),
    cache_creation_input_tokens: count('Input tokens written to the prompt cache.'),
    cost_usd: z
      .number({ error: 'expected a non-negative number' })
      .min(0, { error: 'expected a non-negative number' })
      .describe('What the tokens cost, in US dollars.'),
  },
  { error: 'expected a mapping of token counts and cost' },
);
export type UsageFields = z.infer<typeof UsageFieldsSchema>;

/** Model usage of a run: totals, and optionally the same figures per agent role. */
export const UsageSchema = UsageFieldsSchema.extend({
  by_role: z
    .partialRecord(
      z.enum(AGENT_ROLES, { error: `expected a role: ${AGENT_ROLES.join(', ')}` }),
      UsageFieldsSchema,
      {
        error: 'expected a mapping of role to usage',
      },
    )
    .optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const STORY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const StoryIdSchema = z
  .string({
    error: 'expected a story id (letters, digits, _ and -, at most 32, starting with a letter or digit)',
  })
  .regex(STORY_ID_PATTERN, {
    error: 'expected a story id (letters, digits, _ and -, at most 32, starting with a letter or digit)',
  });

/** One story of a plan; `estimate` is in story points so the plan's critical path can be weighed. */
export const StorySchema = z.strictObject(
  {
    id: StoryIdSchema,
    title: text('A short title.', 200),
    description: text('What the story changes and why.', 10_000),
    acceptance_criteria: list(
      text('One checkable criterion.', 1000),
      'criteria',
      1,
      30,
      'How a reviewer knows it is done.',
    ),
    depends_on: list(StoryIdSchema, 'story ids', 0, 50, 'Stories that must be done first.').default([]),
    estimate: z
      .number({ error: 'expected story points, an integer from 1 to 13' })
      .int({ error: 'expected story points, an integer from 1 to 13' })
      .min(1, { error: 'expected story points, an integer from 1 to 13' })
      .max(13, { error: 'expected story points, an integer from 1 to 13' })
      .describe('Story points, 1 to 13.'),
  },
  { error: 'expected a story (a mapping)' },
);
export type Story = z.infer<typeof StorySchema>;

/**
 * A plan: its stories form a DAG. Ids are unique, every dependency names another story of the plan and
 * there is no cycle, because a plan that can't be scheduled must be refused when it arrives, not later.
 */
export const PlanSchema = z
  .strictObject(
    {
      summary: text('The plan in a few sentences.', 5000),
      stories: list(StorySchema, 'stories', 1, 50, 'The stories; the policy bounds how many are accepted.'),
    },
    { error: 'expected a plan (a mapping)' },
  )
  .superRefine((plan, ctx) => {
    for (const problem of validateDag(plan.stories)) {
      ctx.addIssue({ code: 'custom', path: ['stories'], message: problem.message });
    }
  });
export type Plan = z.infer<typeof PlanSchema>;

export const SEVERITIES = ['info', 'minor', 'major', 'blocker'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Severities compare in the order of SEVERITIES: info < minor < major < blocker. */
export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export const FindingSchema = z.strictObject(
  {
    severity: oneOf(SEVERITIES, 'How bad it is.'),
    category: text('What kind of problem, e.g. security or test-coverage.', 100),
    message: text('What is wrong and what to do about it.', 4000),
    file: text('The repository-relative file, where known.', 500).optional(),
    line: positiveInt('The line, where known.').optional(),
  },
  { error: 'expected a finding (a mapping)' },
);
export type Finding = z.infer<typeof FindingSchema>;

export const VERDICT_STATUSES = ['pass', 'concerns', 'block'] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

const reviewerRole = oneOf(REVIEWER_ROLES, 'The reviewer role.');

/** A reviewer's verdict on one head commit. */
export const VerdictSchema = z.strictObject(
  {
    role: reviewerRole,
    head_sha: ShaSchema,
    status: oneOf(VERDICT_STATUSES, 'pass, concerns or block.'),
    summary: text('The verdict in a few sentences.', 4000),
    findings: list(FindingSchema, 'findings', 0, 200, 'What the reviewer found.'),
    usage: UsageSchema,
  },
  { error: 'expected a verdict (a mapping)' },
);
export type Verdict = z.infer<typeof VerdictSchema>;

/** What the review stage writes instead of a verdict when the reviewer could not run: never a "yes". */
export const ReviewerErrorSchema = z.strictObject(
  {
    role: reviewerRole,
    head_sha: ShaSchema.optional(),
    error: text('Why the reviewer could not run.', 4000),
  },
  { error: 'expected a reviewer error (a mapping)' },
);
export type ReviewerError = z.infer<typeof ReviewerErrorSchema>;

/** A raw reviewer document read: a verdict, an error, or unreadable with the reasons (paths included). */
export type ReviewerDocument =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'error'; error: ReviewerError }
  | { kind: 'unreadable'; errors: string[] };

/**
 * Reads one raw reviewer document (already JSON-parsed). Only a JSON object that is exactly a Verdict or
 * exactly a ReviewerError is readable; strings (prose, markdown-wrapped JSON), extra fields, wrong types
 * and empty values are unreadable. Text is never searched for JSON: a model's words are not a verdict.
 */
export function readReviewerDocument(raw: unknown): ReviewerDocument {
  const verdict = VerdictSchema.safeParse(raw);
  if (verdict.success) return { kind: 'verdict', verdict: verdict.data };
  const error = ReviewerErrorSchema.safeParse(raw);
  if (error.success) return { kind: 'error', error: error.data };
  // Explain against the schema the document looks like it meant, so the reasons are the useful ones.
  const meantError = isRecord(raw) && Object.hasOwn(raw, 'error') && !Object.hasOwn(raw, 'status');
  return { kind: 'unreadable', errors: issuesToLines((meantError ? error : verdict).error.issues, raw) };
}

export const TestResultsSchema = z.strictObject(
  { passed: count('Tests that passed.'), failed: count('Tests that failed.') },
  { error: 'expected test results {passed, failed}' },
);
export type TestResults = z.infer<typeof TestResultsSchema>;

export const GATE_DECISIONS = ['approved', 'skipped', 'blocked'] as const;
export const REVIEWER_GATE_STATUSES = [
  ...VERDICT_STATUSES,
  'missing',
  'error',
  'unreadable',
  'stale',
  'conflicting',
] as const;
export type ReviewerGateStatus = (typeof REVIEWER_GATE_STATUSES)[number];

/** The release gate's decision: also what the release-gate stage reports as its product. */
export const GateDecisionSchema = z.strictObject({
  decision: oneOf(GATE_DECISIONS, 'approved, skipped or blocked.'),
  reasons: z.array(z.string()),
  head_sha: ShaSchema.optional(),
  reviewers: z.array(
    z.strictObject({
      role: z.string(),
      required: z.boolean(),
      status: oneOf(REVIEWER_GATE_STATUSES, 'What the gate made of this reviewer.'),
      findings: count('Findings on the head.'),
      summary: z.string().optional(),
    }),
  ),
});
export type GateDecision = z.infer<typeof GateDecisionSchema>;
export type GateReviewerRow = GateDecision['reviewers'][number];

const BRANCH_ERROR = 'expected a branch name (letters, digits, ., _, - and /, no "..")';
const PullRequestSchema = z.strictObject(
  {
    number: positiveInt('The pull request number.'),
    head_sha: ShaSchema,
    branch: z
      .string({ error: BRANCH_ERROR })
      .regex(/^(?!.*\.\.)[A-Za-z0-9._-][A-Za-z0-9._/-]{0,199}$/, { error: BRANCH_ERROR }),
  },
  { error: 'expected a pull request {number, head_sha, branch}' },
);

const ValidationSchema = z.strictObject(
  {
    tests: TestResultsSchema,
    smoke_ok: z
      .boolean({ error: 'expected true, false or null' })
      .nullable()
      .describe('Whether the smoke command succeeded; null when the policy has none.'),
  },
  { error: 'expected validation results {tests, smoke_ok}' },
);

const NeedsClarificationSchema = z.strictObject({
  status: z.literal('needs_clarification'),
  questions: list(
    text('One question for a human.', 2000),
    'questions',
    1,
    10,
    'What the agent needs to know.',
  ),
});

const FailedSchema = z.strictObject({
  status: z.literal('failed'),
  reason: text('Why the stage failed.', 4000),
});

/** What every stage's result document carries, besides its stage and outcome. */
const resultFields = {
  schema_version: z.literal(1, { error: 'expected 1' }),
  run_key: text('The run_key the app dispatched the run with.', 200),
  repository: z
    .string({ error: 'expected a repository as owner/name' })
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: 'expected a repository as owner/name' }),
  issue: positiveInt('The issue of the work item.'),
  story: StoryIdSchema.optional(),
  pr: positiveInt('The pull request under work.').optional(),
  head_sha: ShaSchema.optional(),
  usage: UsageSchema,
};

/** The result document of one stage: `outcome.status === 'succeeded'` carries what that stage produced. */
function stageResult<const S extends Stage, P extends z.ZodRawShape>(stage: S, produced: P) {
  return z.strictObject({
    ...resultFields,
    stage: z.literal(stage),
    outcome: z.discriminatedUnion(
      'status',
      [
        z.strictObject({ status: z.literal('succeeded'), ...produced }),
        NeedsClarificationSchema,
        FailedSchema,
      ],
      { error: 'expected an outcome with status succeeded, needs_clarification or failed' },
    ),
  });
}

const stageResults = [
  stageResult('plan', { plan: PlanSchema }),
  stageResult('implement', { pr: PullRequestSchema }),
  stageResult('review', { verdict: VerdictSchema }),
  stageResult('release-gate', { gate: GateDecisionSchema }),
  stageResult('validate', { validation: ValidationSchema }),
] as const;

// Keep the stage list of roles.ts and the schemas above in step: a stage without a schema fails to compile.
type StageWithoutSchema = Exclude<Stage, z.infer<(typeof stageResults)[number]>['stage']>;
const _everyStageHasASchema: [StageWithoutSchema] extends [never] ? true : never = true;

export const StageResultSchema = z
  .discriminatedUnion('stage', stageResults, {
    // The same option carries both failures: a document that is no mapping, and an unknown stage.
    error: (issue) =>
      isRecord(issue.input)
        ? `expected a stage: ${stageResults.map((schema) => schema.shape.stage.value).join(', ')}`
        : 'expected a stage result document (a mapping)',
  })
  .superRefine((result, ctx) => {
    // The same fact said twice must be said the same way, or the document contradicts itself.
    const mismatch = (path: (string | number)[], what: string, inner: unknown, outer: unknown) => {
      if (outer !== undefined && inner !== outer) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${what} ${describeValue(inner)} differs from the document's ${describeValue(outer)}`,
        });
      }
    };
    if ((result.stage === 'review' || result.stage === 'release-gate') && result.pr === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['pr'],
        message: `a ${result.stage} result names its pull request`,
      });
    }
    if (result.outcome.status !== 'succeeded') return;
    switch (result.stage) {
      case 'implement':
        mismatch(['outcome', 'pr', 'number'], 'pull request', result.outcome.pr.number, result.pr);
        mismatch(['outcome', 'pr', 'head_sha'], 'head', result.outcome.pr.head_sha, result.head_sha);
        break;
      case 'review':
        mismatch(
          ['outcome', 'verdict', 'head_sha'],
          'head',
          result.outcome.verdict.head_sha,
          result.head_sha,
        );
        break;
      case 'release-gate':
        mismatch(['outcome', 'gate', 'head_sha'], 'head', result.outcome.gate.head_sha, result.head_sha);
        break;
      case 'plan':
      case 'validate':
        break;
    }
  });
export type StageResult = z.infer<typeof StageResultSchema>;

export type StageResultParse = { ok: true; result: StageResult } | { ok: false; errors: string[] };

/**
 * Validates a stage's result document (already JSON-parsed). On failure, every problem is one string
 * `path: what was expected, got what`, e.g. `outcome.plan.stories[0].estimate: expected story points, an
 * integer from 1 to 13, got 40`.
 */
export function parseStageResult(json: unknown): StageResultParse {
  const parsed = StageResultSchema.safeParse(json);
  return parsed.success
    ? { ok: true, result: parsed.data }
    : { ok: false, errors: issuesToLines(parsed.error.issues, json) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** One line per problem, `path: message, got value`; unknown keys each get their own line. */
export function issuesToLines(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key`);
      continue;
    }
    const where = formatPath(issue.path) || '(top level)';
    lines.push(
      issue.code === 'custom'
        ? `${where}: ${issue.message}`
        : `${where}: ${issue.message}, got ${describeValue(valueAt(input, issue.path))}`,
    );
  }
  return [...new Set(lines)];
}
