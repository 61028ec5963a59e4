/**
 * The policy: every knob of the orchestrator, as one zod schema.
 *
 * `policies/default.yml` holds the defaults; a repository's `.github/ai-orchestrator.yml` is deep-merged
 * over it (mappings merge key by key, lists and single values replace) and the result is validated.
 * Unknown keys are errors, because a misspelt key that silently does nothing is worse than a refusal.
 */
import { z } from 'zod';
import { parseDocument } from 'yaml';
import defaultPolicyText from '../policies/default.yml';
import { COMMAND_NAMES, PERMISSION_LEVELS, REVIEWER_ROLES } from './roles.js';

export const CONFIG_FILE_PATH = '.github/ai-orchestrator.yml';

/** The state labels the app sets; the trigger label must not be one of them. */
export const STATE_LABELS = [
  'ai:planning',
  'ai:awaiting-approval',
  'ai:needs-clarification',
  'ai:in-progress',
  'ai:in-review',
  'ai:blocked',
  'ai:failed',
  'ai:done',
] as const;

// Each validator carries one message for all of its checks, so an error reads
// `implement.fix_attempts: expected an integer from 0 to 5, got "many"` whatever check failed.
function int(min: number, max: number, description: string) {
  const error = `expected an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).describe(description);
}

function positiveNumber(max: number, description: string) {
  const error = `expected a number above 0 and at most ${max}`;
  return z.number({ error }).gt(0, { error }).max(max, { error }).describe(description);
}

function bool(description: string) {
  return z.boolean({ error: 'expected true or false' }).describe(description);
}

function text(description: string, max = 200) {
  const error = `expected a non-empty string of at most ${max} characters`;
  return z.string({ error }).trim().min(1, { error }).max(max, { error }).describe(description);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` }).describe(description);
}

function list<T extends z.ZodType>(item: T, what: string, description: string, max = 100) {
  return z
    .array(item, { error: `expected a list of ${what}` })
    .max(max, { error: `expected at most ${max} ${what}` })
    .describe(description);
}

const glob = text('A glob, matched against repository-relative paths (picomatch syntax, dotfiles included).');
const permission = (description: string) => oneOf(PERMISSION_LEVELS, description);
const model = (role: string) => text(`The Anthropic model of the ${role}.`, 100);

const section = <T extends z.ZodRawShape>(shape: T, description: string) =>
  z.strictObject(shape, { error: 'expected a mapping' }).describe(description);

const ReviewerSchema = section(
  {
    role: oneOf(REVIEWER_ROLES, 'The reviewer role.'),
    required: bool('Whether the release gate blocks when this reviewer is missing or could not run.'),
  },
  'One independent reviewer.',
);

const BotSchema = section(
  {
    login: z
      .string({ error: 'expected a bot login such as renovate[bot]' })
      .regex(/^[A-Za-z0-9-]+\[bot\]$/, { error: 'expected a bot login such as renovate[bot]' })
      .describe('The bot account, e.g. renovate[bot].'),
    commands: list(
      oneOf(COMMAND_NAMES, 'A command.'),
      'command names',
      'The commands this bot may run (never approve).',
    ),
  },
  'A bot whose commands are not ignored.',
);

export const PolicySchema = section(
  {
    version: z.literal(1, { error: 'expected 1' }).describe('The version of this file format.'),
    trigger: section(
      { label: text('Adding this label to an issue starts the work.', 50) },
      'How work starts.',
    ),
    plan: section(
      {
        require_approval: bool('Wait for a human /approve on the plan before any code is written.'),
        max_stories: int(1, 20, 'A plan with more stories is refused.'),
      },
      'Planning.',
    ),
    implement: section(
      {
        max_parallel_stories: int(1, 10, 'Stories of one plan that may run at the same time.'),
        fix_attempts: int(0, 5, 'Rounds in which failing build/test/lint output goes back to the developer.'),
        allowed_commands: list(
          text('A command line.', 300),
          'command lines',
          'Commands the developer may run besides the detected build, test and lint commands.',
        ),
        command_timeout_minutes: int(1, 60, 'Time limit of one build, test or lint command.'),
      },
      'Implementation.',
    ),
    review: section(
      {
        revision_rounds: int(0, 5, 'Rounds in which blocking findings go back to the developer.'),
        reviewers: list(ReviewerSchema, 'reviewers', 'The independent reviewers.', REVIEWER_ROLES.length),
      },
      'Review.',
    ),
    gate: section(
      {
        concerns: oneOf(['allow', 'block'], 'What a `concerns` verdict does at the gate.'),
        block_on_severity: oneOf(
          ['minor', 'major', 'blocker'],
          'Findings at or above this severity block, whatever the verdict.',
        ),
        require_test_results: bool('Block when the gate gets no test results.'),
        skip: section(
          {
            paths: list(glob, 'globs', 'When every changed file matches one of these, the gate is skipped.'),
            non_ai_authored: bool('Skip the gate on pull requests the orchestrator did not write.'),
          },
          'When the gate is skipped (neutral).',
        ),
      },
      'The release gate (the one required check).',
    ),
    protected_paths: list(glob, 'globs', 'Files the agents may never change.'),
    limits: section(
      {
        max_changed_files: int(1, 1000, 'Most files one change may touch.'),
        max_changed_lines: int(1, 100000, 'Most lines one change may add and remove.'),
      },
      'Diff size limits.',
    ),
    authorization: section(
      {
        commands: section(
          Object.fromEntries(
            COMMAND_NAMES.map((name) => [name, permission(`The lowest permission that may run /${name}.`)]),
          ) as Record<(typeof COMMAND_NAMES)[number], ReturnType<typeof permission>>,
          'The lowest repository permission that may run each command.',
        ),
        users: list(
          text('A GitHub login.', 39),
          'logins',
          'When not empty, only these users (or team members) may run approve, reject, clarify, retry and cancel.',
        ),
        teams: list(
          z
            .string({ error: 'expected a team as org/team' })
            .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: 'expected a team as org/team' })
            .describe('A team, org/team.'),
          'teams',
          'Teams whose members may run approve, reject, clarify, retry and cancel.',
        ),
        allow_requester_approval: bool('Whether the person who labelled the issue may approve it.'),
        allowed_bots: list(BotSchema, 'bots', 'Bots whose commands are not ignored.'),
      },
      'Who may command the orchestrator.',
    ),
    merge: section(
      { method: oneOf(['merge', 'squash', 'rebase'], 'How /approve merges a pull request.') },
      'Merging.',
    ),
    models: section(
      {
        planner: model('planner'),
        developer: model('developer'),
        'story-alignment': model('story-alignment reviewer'),
        'test-quality': model('test-quality reviewer'),
        architecture: model('architecture reviewer'),
        security: model('security reviewer'),
      },
      'The model of each role.',
    ),
    budget: section(
      {
        max_tokens_per_story: int(1000, 100_000_000, 'Model tokens one story may use, all roles and rounds.'),
        max_cost_usd_per_story: positiveNumber(
          10_000,
          'US dollars one story may cost, all roles and rounds.',
        ),
        max_turns: int(1, 500, 'Model turns of one agent run.'),
      },
      'Spending limits.',
    ),
    retries: section(
      {
        github_requests: int(0, 10, 'Retries of a failed GitHub request.'),
        model_requests: int(0, 10, 'Retries of a failed model request.'),
        max_retry_after_seconds: int(1, 600, 'A retry-after longer than this fails the request instead.'),
        dispatch: int(0, 5, 'Re-dispatches of a workflow run that never started.'),
      },
      'Bounded retries.',
    ),
    heartbeat: section(
      {
        enabled: bool('Run the reconciler.'),
        interval_minutes: int(1, 1440, 'Minutes between two beats.'),
        run_start_timeout_minutes: int(1, 1440, 'A run not started after this long is dispatched again.'),
        run_stuck_minutes: int(1, 4320, 'A run still going after this long is failed.'),
        merge_reminder_hours: int(1, 720, 'A pull request waiting for /approve longer than this is flagged.'),
      },
      'The heartbeat (reconciler).',
    ),
    lessons: section({ max: int(0, 5, 'Lessons kept per repository.') }, 'Learning.'),
    validate: section(
      {
        smoke_command: text('A command run on the default branch after a merge.', 300)
          .nullable()
          .describe('A command run on the default branch after a merge, or null.'),
      },
      'Validation after a merge.',
    ),
  },
  'The AI orchestrator policy (.github/ai-orchestrator.yml).',
).superRefine((policy, ctx) => {
  const seen = new Set<string>();
  policy.review.reviewers.forEach((reviewer, index) => {
    if (seen.has(reviewer.role)) {
      ctx.addIssue({
        code: 'custom',
        path: ['review', 'reviewers', index, 'role'],
        message: `"${reviewer.role}" is listed twice; list each reviewer role once`,
      });
    }
    seen.add(reviewer.role);
  });
  if ((STATE_LABELS as readonly string[]).includes(policy.trigger.label)) {
    ctx.addIssue({
      code: 'custom',
      path: ['trigger', 'label'],
      message: `"${policy.trigger.label}" is a state label the app sets itself; choose another trigger label`,
    });
  }
  policy.authorization.allowed_bots.forEach((bot, index) => {
    const at = bot.commands.indexOf('approve');
    if (at >= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['authorization', 'allowed_bots', index, 'commands', at],
        message: '/approve can only come from a human; remove it from the bot',
      });
    }
  });
});

export type Policy = z.infer<typeof PolicySchema>;

/** One bad field: where it is and what was wrong, e.g. `implement.fix_attempts` / `expected ..., got "many"`. */
export interface PolicyError {
  path: string;
  message: string;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; errors: PolicyError[] };

type Plain = Record<string, unknown>;
const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep merge: mappings merge key by key; lists and single values of `override` replace those of `base`. */
export function mergePolicy(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergePolicy(base[key], value);
  return merged;
}

/** `review.reviewers[0].role` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** How a value is named in an error: strings quoted, containers by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part as string];
  }
  return current;
}

/** The keys the schema allows at a path, to suggest the intended one for a typo. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = PolicySchema;
  for (const part of path) {
    const unwrapped = unwrap(schema);
    if (unwrapped instanceof z.ZodObject) schema = unwrapped.shape[part as string] as z.ZodType;
    else if (unwrapped instanceof z.ZodArray) schema = unwrapped.element as z.ZodType;
    else return [];
    if (!schema) return [];
  }
  const target = unwrap(schema);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodNullable ||
    current instanceof z.ZodOptional ||
    current instanceof z.ZodPipe
  ) {
    current = (current instanceof z.ZodPipe ? current.in : current.unwrap()) as z.ZodType;
  }
  return current;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function unknownKeyMessage(key: string, known: string[]): string {
  const closest = known
    .map((candidate) => ({ candidate, distance: editDistance(key, candidate) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint =
    closest && closest.distance <= Math.max(2, Math.floor(key.length / 3))
      ? `did you mean "${closest.candidate}"?`
      : `expected one of ${known.join(', ')}`;
  return `unknown key; ${hint}`;
}

/** Turns zod issues into one error per bad field, naming the path, what was expected and what was given. */
export function explainIssues(issues: readonly z.core.$ZodIssue[], input: unknown): PolicyError[] {
  const errors: PolicyError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path);
      for (const key of issue.keys) {
        errors.push({ path: formatPath([...issue.path, key]), message: unknownKeyMessage(key, known) });
      }
      continue;
    }
    const path = formatPath(issue.path) || '(top level)';
    const message =
      issue.code === 'custom'
        ? issue.message
        : `${issue.message}, got ${describeValue(valueAt(input, issue.path))}`;
    errors.push({ path, message });
  }
  // One message per field: a field failing several checks says what was expected once.
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates a complete policy object. */
export function validatePolicy(candidate: unknown): PolicyResult {
  const parsed = PolicySchema.safeParse(candidate);
  return parsed.success
    ? { ok: true, policy: parsed.data }
    : { ok: false, errors: explainIssues(parsed.error.issues, candidate) };
}

export class PolicySyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = 'PolicySyntaxError';
  }
}

/**
 * Parses the YAML text of a configuration file into a plain mapping.
 * An empty file is an empty mapping. Throws PolicySyntaxError (naming `source` and the line) when the text
 * is not YAML, repeats a key, or is not a mapping at the top level.
 */
export function parseConfigYaml(text: string, source: string): Plain {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problem = document.errors[0];
  if (problem)
    throw new PolicySyntaxError(
      source,
      `not valid YAML: ${problem.message.split('\n')[0]?.replace(/:$/, '')}`,
    );
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new PolicySyntaxError(
      source,
      `expected a mapping of settings at the top level, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** The default policy object, as written in policies/default.yml (validated once, on first use). */
let defaults: Policy | undefined;
export function defaultPolicy(): Policy {
  if (!defaults) {
    const result = validatePolicy(parseConfigYaml(defaultPolicyText, 'policies/default.yml'));
    if (!result.ok) {
      throw new Error(
        `policies/default.yml is invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    defaults = result.policy;
  }
  return structuredClone(defaults);
}

/** The effective policy of a repository: its configuration (a parsed mapping) merged over the default. */
export function resolvePolicy(repositoryConfig: unknown): PolicyResult {
  if (repositoryConfig !== undefined && repositoryConfig !== null && !isPlainObject(repositoryConfig)) {
    return {
      ok: false,
      errors: [
        {
          path: '(top level)',
          message: `expected a mapping of settings, got ${describeValue(repositoryConfig)}`,
        },
      ],
    };
  }
  return validatePolicy(mergePolicy(defaultPolicy(), repositoryConfig ?? {}));
}

/** The JSON schema of `.github/ai-orchestrator.yml` for editors: every key optional, since defaults fill in. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicySchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const dropRequired = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(dropRequired);
    else if (isPlainObject(node)) {
      delete node.required;
      Object.values(node).forEach(dropRequired);
    }
  };
  dropRequired(schema);
  return {
    ...schema,
    title: 'AI orchestrator configuration (.github/ai-orchestrator.yml)',
  };
}
