/**
 * Workflow files and action metadata (`action.yml`) parsed into what the runner executes, strictly: a key
 * the runner does not implement is refused with its location, never skipped, so a workflow can't run
 * here differently from how it runs on GitHub without anyone noticing. Every expression is parsed and
 * checked against the contexts its place allows when the file is read, not when a run reaches it.
 */
import { parse } from 'yaml';
import { checkExpression, checkTemplate, ExpressionError, parseCondition } from './expressions.js';
import type { Allowed, Condition, ContextName } from './expressions.js';

/** A workflow or action file the runner refuses; the message names the file and the place. */
export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

/** A permission level of a GITHUB_TOKEN scope, as `permissions:` writes it. */
export type PermissionLevel = 'read' | 'write';
/** Scopes (underscored, as the REST API names them) → level; `none` is absent. */
export type Permissions = Record<string, PermissionLevel>;

/** The `permissions:` scopes a GITHUB_TOKEN can carry that the offline GitHub models. */
export const TOKEN_SCOPES = [
  'actions',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'issues',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;

/** A `workflow_dispatch` input (a string input: the only type the runner supports). */
export interface DispatchInput {
  name: string;
  required: boolean;
  default: string | undefined;
}

export interface StepSpec {
  /** Where the step is, for messages: `jobs.plan.steps[1]` or `runs.steps[0]`. */
  where: string;
  /** The `id:` given, or GitHub's generated one (`__run`, `__actions_checkout`, `__run_2`…). */
  id: string;
  /** False for a generated id: such a step can't be referenced from expressions. */
  explicitId: boolean;
  name: string | undefined;
  condition: Condition | undefined;
  uses: string | undefined;
  with: Record<string, string>;
  env: Record<string, string>;
  run: string | undefined;
  /** The bash command line, `{0}` standing for the script file. */
  shell: string[] | undefined;
}

export interface JobSpec {
  id: string;
  name: string | undefined;
  condition: Condition | undefined;
  needs: string[];
  timeoutMinutes: number;
  /** Undefined: the workflow's (or GitHub's default). */
  permissions: Permissions | undefined;
  /** Matrix keys → values; undefined without a matrix. */
  matrix: Record<string, (string | number | boolean)[]> | undefined;
  env: Record<string, string>;
  steps: StepSpec[];
}

export interface WorkflowSpec {
  file: string;
  name: string;
  runName: string | undefined;
  inputs: DispatchInput[];
  permissions: Permissions | undefined;
  concurrency: { group: string } | undefined;
  env: Record<string, string>;
  jobs: JobSpec[];
}

export interface ActionSpec {
  file: string;
  name: string;
  inputs: { name: string; required: boolean; default: string | undefined }[];
  outputs: { name: string; value: string }[];
  steps: StepSpec[];
}

/** GitHub's default job timeout, in minutes. */
const DEFAULT_TIMEOUT_MINUTES = 360;
/** What `shell: bash` runs, as GitHub's runner spells it. */
export const BASH = ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'];
/** What a workflow `run:` step without `shell:` runs on Linux. */
export const DEFAULT_BASH = ['bash', '-e', '{0}'];

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the file's text strictly (a duplicate key is an error, as on GitHub). */
function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text, { uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    throw new WorkflowError(`${file}: ${(error as Error).message}`);
  }
}

class Reader {
  constructor(readonly file: string) {}

  fail(where: string, message: string): never {
    throw new WorkflowError(`${this.file}: ${where === '' ? '' : `${where}: `}${message}`);
  }

  mapping(value: unknown, where: string): Mapping {
    if (!isMapping(value)) this.fail(where, 'expected a mapping');
    return value;
  }

  /** Refuses every key not in `known`. */
  keys(value: Mapping, where: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(where, `the local runner does not support the key ${key}`);
    }
  }

  string(value: unknown, where: string): string {
    if (typeof value !== 'string') this.fail(where, 'expected a string');
    return value;
  }

  optionalString(value: unknown, where: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, where);
  }

  /** A scalar as GitHub passes it to `with:` and `env:`: always text. */
  scalar(value: unknown, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === null) return '';
    this.fail(where, 'expected a string, number or boolean');
  }

  template(value: string, where: string, allowed: Allowed): string {
    try {
      checkTemplate(value, allowed);
    } catch (error) {
      if (error instanceof ExpressionError) this.fail(where, error.message);
      throw error;
    }
    return value;
  }

  condition(value: unknown, where: string, allowed: Allowed): Condition | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' && typeof value !== 'boolean') this.fail(where, 'expected an expression');
    try {
      const condition = parseCondition(value);
      checkExpression(condition.node, condition.text, allowed);
      return condition;
    } catch (error) {
      if (error instanceof ExpressionError) this.fail(where, error.message);
      throw error;
    }
  }

  env(value: unknown, where: string, allowed: Allowed): Record<string, string> {
    if (value === undefined) return {};
    const mapping = this.mapping(value, where);
    return Object.fromEntries(
      Object.entries(mapping).map(([key, raw]) => [
        key,
        this.template(this.scalar(raw, `${where}.${key}`), `${where}.${key}`, allowed),
      ]),
    );
  }

  permissions(value: unknown, where: string): Permissions | undefined {
    if (value === undefined) return undefined;
    if (value === 'read-all' || value === 'write-all') {
      const level = value === 'read-all' ? 'read' : 'write';
      return Object.fromEntries(TOKEN_SCOPES.map((scope) => [scope.replace(/-/g, '_'), level]));
    }
    const mapping = this.mapping(value, where);
    const permissions: Permissions = {};
    for (const [scope, level] of Object.entries(mapping)) {
      if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
        this.fail(`${where}.${scope}`, 'the offline GitHub does not model this permission');
      }
      if (level === 'none') continue;
      if (level !== 'read' && level !== 'write')
        this.fail(`${where}.${scope}`, 'expected read, write or none');
      permissions[scope.replace(/-/g, '_')] = level;
    }
    return permissions;
  }
}

/** Contexts by place, as GitHub's context availability table gives them (minus the unmodelled ones). */
const WORKFLOW_LEVEL: Allowed = { contexts: ['github', 'inputs', 'vars'], statusFunctions: false };
const JOB_IF: Allowed = { contexts: ['github', 'needs', 'vars', 'inputs'], statusFunctions: true };
const JOB_ENV: Allowed = {
  contexts: ['github', 'needs', 'matrix', 'vars', 'secrets', 'inputs'],
  statusFunctions: false,
};
const WORKFLOW_ENV: Allowed = { contexts: ['github', 'secrets', 'inputs', 'vars'], statusFunctions: false };
const STEP_CONTEXTS: ContextName[] = [
  'github',
  'needs',
  'matrix',
  'runner',
  'vars',
  'secrets',
  'steps',
  'inputs',
];
const STEP_IF: Allowed = {
  contexts: STEP_CONTEXTS.filter((name) => name !== 'secrets'),
  statusFunctions: true,
};
const STEP_VALUES: Allowed = { contexts: STEP_CONTEXTS, statusFunctions: false };
/** In an action, the caller's secrets are out of reach: only its inputs, as on GitHub. */
const ACTION_CONTEXTS: ContextName[] = ['github', 'runner', 'steps', 'inputs'];
const ACTION_IF: Allowed = { contexts: ACTION_CONTEXTS, statusFunctions: true };
const ACTION_VALUES: Allowed = { contexts: ACTION_CONTEXTS, statusFunctions: false };
const ACTION_INPUT_DEFAULT: Allowed = { contexts: ['github', 'runner'], statusFunctions: false };

const STEP_KEYS = ['id', 'name', 'if', 'uses', 'with', 'env', 'run', 'shell'];

function parseSteps(
  reader: Reader,
  value: unknown,
  where: string,
  scope: { values: Allowed; condition: Allowed; composite: boolean },
): StepSpec[] {
  if (!Array.isArray(value) || value.length === 0) reader.fail(where, 'expected a list of steps');
  const generated = new Map<string, number>();
  const explicit = new Set<string>();
  const steps = value.map((raw, index): StepSpec => {
    const at = `${where}[${index}]`;
    const step = reader.mapping(raw, at);
    reader.keys(step, at, STEP_KEYS);
    const uses = reader.optionalString(step.uses, `${at}.uses`);
    const run = reader.optionalString(step.run, `${at}.run`);
    if ((uses === undefined) === (run === undefined))
      reader.fail(at, 'a step needs exactly one of uses: and run:');
    if (uses !== undefined && step.shell !== undefined) reader.fail(at, 'shell: belongs to run: steps');
    if (run !== undefined && step.with !== undefined) reader.fail(at, 'with: belongs to uses: steps');
    let shell: string[] | undefined;
    if (run !== undefined) {
      if (step.shell === undefined) {
        // GitHub requires the shell of an action's run steps; a workflow's default is `bash -e {0}`.
        if (scope.composite) reader.fail(`${at}.shell`, 'a composite action’s run step needs shell:');
        shell = DEFAULT_BASH;
      } else if (step.shell === 'bash') {
        shell = BASH;
      } else {
        reader.fail(`${at}.shell`, `the local runner runs only bash, not ${JSON.stringify(step.shell)}`);
      }
      reader.template(run, `${at}.run`, scope.values);
    }
    const id = reader.optionalString(step.id, `${at}.id`);
    if (id !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id))
        reader.fail(`${at}.id`, `invalid step id ${JSON.stringify(id)}`);
      if (explicit.has(id.toLowerCase())) reader.fail(`${at}.id`, `the step id ${id} is used twice`);
      explicit.add(id.toLowerCase());
    }
    const base =
      uses === undefined
        ? '__run'
        : `__${uses
            .split('@')[0]
            ?.split('/')
            .slice(0, 2)
            .join('_')
            .replace(/[^A-Za-z0-9_]/g, '_')}`;
    const seen = (generated.get(base) ?? 0) + 1;
    generated.set(base, seen);
    const withValues = step.with === undefined ? {} : reader.mapping(step.with, `${at}.with`);
    return {
      where: at,
      id: id ?? (seen === 1 ? base : `${base}_${seen}`),
      explicitId: id !== undefined,
      name: reader.optionalString(step.name, `${at}.name`),
      condition: reader.condition(step.if, `${at}.if`, scope.condition),
      uses,
      with: Object.fromEntries(
        Object.entries(withValues).map(([key, raw]) => [
          key,
          reader.template(reader.scalar(raw, `${at}.with.${key}`), `${at}.with.${key}`, scope.values),
        ]),
      ),
      env: reader.env(step.env, `${at}.env`, scope.values),
      run,
      shell,
    };
  });
  return steps;
}

function parseMatrix(reader: Reader, strategy: unknown, where: string): JobSpec['matrix'] {
  if (strategy === undefined) return undefined;
  const mapping = reader.mapping(strategy, where);
  reader.keys(mapping, where, ['matrix', 'fail-fast']);
  // fail-fast cancels the other matrix jobs when one fails; the runner does not cancel jobs, so it runs
  // only matrices that ask for no cancellation.
  if (mapping['fail-fast'] !== false) {
    reader.fail(`${where}.fail-fast`, 'the local runner runs matrices with fail-fast: false only');
  }
  const matrix = reader.mapping(mapping.matrix, `${where}.matrix`);
  const result: Record<string, (string | number | boolean)[]> = {};
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') {
      reader.fail(`${where}.matrix.${key}`, 'the local runner does not support matrix include/exclude');
    }
    if (!Array.isArray(values) || values.length === 0)
      reader.fail(`${where}.matrix.${key}`, 'expected a list');
    result[key] = values.map((value, index) => {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
      return reader.fail(`${where}.matrix.${key}[${index}]`, 'expected a string, number or boolean');
    });
  }
  if (Object.keys(result).length === 0) reader.fail(`${where}.matrix`, 'an empty matrix');
  return result;
}

function parseInputs(reader: Reader, on: unknown): DispatchInput[] {
  // The runner starts runs from dispatches only; a workflow other events start would run here never.
  const named = typeof on === 'string' ? [on] : Array.isArray(on) ? on : undefined;
  if (named !== undefined) {
    const others = named.filter((event) => event !== 'workflow_dispatch');
    if (others.length > 0 || named.length === 0) {
      reader.fail('on', `the local runner runs workflow_dispatch only, not ${others.map(String).join(', ')}`);
    }
    return [];
  }
  const triggers = reader.mapping(on, 'on');
  for (const event of Object.keys(triggers)) {
    if (event !== 'workflow_dispatch')
      reader.fail('on', `the local runner runs workflow_dispatch only, not ${event}`);
  }
  const dispatch = triggers.workflow_dispatch;
  if (dispatch === null || dispatch === undefined) return [];
  const spec = reader.mapping(dispatch, 'on.workflow_dispatch');
  reader.keys(spec, 'on.workflow_dispatch', ['inputs']);
  if (spec.inputs === undefined || spec.inputs === null) return [];
  return Object.entries(reader.mapping(spec.inputs, 'on.workflow_dispatch.inputs')).map(([name, raw]) => {
    const where = `on.workflow_dispatch.inputs.${name}`;
    const input = reader.mapping(raw, where);
    reader.keys(input, where, ['description', 'required', 'type', 'default']);
    // Boolean, number and choice inputs have typed values and validation at dispatch that the runner does
    // not model; our workflow's inputs are all strings.
    const type = input.type ?? 'string';
    if (type !== 'string') {
      reader.fail(
        `${where}.type`,
        `the local runner supports string inputs only, not ${JSON.stringify(type)}`,
      );
    }
    const fallback =
      input.default === undefined ? undefined : reader.scalar(input.default, `${where}.default`);
    return { name, required: input.required === true, default: fallback };
  });
}

/** Parses a workflow file's text. `file` names it in messages. Throws a WorkflowError. */
export function parseWorkflow(text: string, file: string): WorkflowSpec {
  const reader: Reader = new Reader(file);
  const root = reader.mapping(parseYaml(text, file), '');
  reader.keys(root, '', ['name', 'run-name', 'on', 'permissions', 'concurrency', 'env', 'jobs']);
  const inputs = parseInputs(reader, root.on);
  let concurrency: WorkflowSpec['concurrency'];
  if (root.concurrency !== undefined) {
    if (typeof root.concurrency === 'string') {
      concurrency = { group: reader.template(root.concurrency, 'concurrency', WORKFLOW_LEVEL) };
    } else {
      const spec = reader.mapping(root.concurrency, 'concurrency');
      reader.keys(spec, 'concurrency', ['group', 'cancel-in-progress']);
      // Cancelling a run in progress would need the runner to stop jobs midway, which it does not do.
      if (spec['cancel-in-progress'] !== undefined && spec['cancel-in-progress'] !== false) {
        reader.fail(
          'concurrency.cancel-in-progress',
          'the local runner supports cancel-in-progress: false only',
        );
      }
      concurrency = {
        group: reader.template(
          reader.scalar(spec.group, 'concurrency.group'),
          'concurrency.group',
          WORKFLOW_LEVEL,
        ),
      };
    }
  }
  const runName = reader.optionalString(root['run-name'], 'run-name');
  if (runName !== undefined) reader.template(runName, 'run-name', WORKFLOW_LEVEL);
  const jobsMapping = reader.mapping(root.jobs, 'jobs');
  const ids = Object.keys(jobsMapping);
  if (ids.length === 0) reader.fail('jobs', 'no jobs');
  const jobs = Object.entries(jobsMapping).map(([id, raw]): JobSpec => {
    const where = `jobs.${id}`;
    const job = reader.mapping(raw, where);
    reader.keys(job, where, [
      'name',
      'if',
      'needs',
      'runs-on',
      'timeout-minutes',
      'permissions',
      'strategy',
      'env',
      'steps',
    ]);
    // The jobs run on this Linux host: a job asking for another system is refused, not run on the wrong one.
    const runsOn = job['runs-on'];
    const labels = Array.isArray(runsOn) ? runsOn : [runsOn];
    if (!labels.every((label) => typeof label === 'string' && /^(ubuntu-|self-hosted$|linux$)/.test(label))) {
      reader.fail(`${where}.runs-on`, `the local runner runs Linux jobs only, not ${JSON.stringify(runsOn)}`);
    }
    const needsRaw = job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
    const needs = needsRaw.map((need, index) => reader.string(need, `${where}.needs[${index}]`));
    for (const need of needs) if (!ids.includes(need)) reader.fail(`${where}.needs`, `no job ${need}`);
    const timeout = job['timeout-minutes'] ?? DEFAULT_TIMEOUT_MINUTES;
    if (typeof timeout !== 'number' || !(timeout > 0)) {
      reader.fail(`${where}.timeout-minutes`, 'expected a positive number');
    }
    const matrix = parseMatrix(reader, job.strategy, `${where}.strategy`);
    // The matrix context exists only in a job with a matrix.
    const scoped = (allowed: Allowed): Allowed =>
      matrix === undefined
        ? { ...allowed, contexts: allowed.contexts.filter((name) => name !== 'matrix') }
        : allowed;
    return {
      id,
      name: reader.optionalString(job.name, `${where}.name`),
      condition: reader.condition(job.if, `${where}.if`, JOB_IF),
      needs,
      timeoutMinutes: timeout,
      permissions: reader.permissions(job.permissions, `${where}.permissions`),
      matrix,
      env: reader.env(job.env, `${where}.env`, scoped(JOB_ENV)),
      steps: parseSteps(reader, job.steps, `${where}.steps`, {
        values: scoped(STEP_VALUES),
        condition: scoped(STEP_IF),
        composite: false,
      }),
    };
  });
  checkAcyclic(reader, jobs);
  return {
    file,
    name: reader.optionalString(root.name, 'name') ?? file,
    runName,
    inputs,
    permissions: reader.permissions(root.permissions, 'permissions'),
    concurrency,
    env: reader.env(root.env, 'env', WORKFLOW_ENV),
    jobs,
  };
}

function checkAcyclic(reader: Reader, jobs: JobSpec[]): void {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') reader.fail('jobs', `needs form a cycle: ${[...path, id].join(' → ')}`);
    state.set(id, 'visiting');
    for (const need of byId.get(id)?.needs ?? []) visit(need, [...path, id]);
    state.set(id, 'done');
  };
  for (const job of jobs) visit(job.id, []);
}

/** Parses an action's metadata (`action.yml`): composite actions only. Throws a WorkflowError. */
export function parseAction(text: string, file: string): ActionSpec {
  return parseActionDocument(parseYaml(text, file), file);
}

/** Reads an action's metadata already parsed from YAML (see {@link parseAction}). */
export function parseActionDocument(document: unknown, file: string): ActionSpec {
  const reader: Reader = new Reader(file);
  const root = reader.mapping(document, '');
  reader.keys(root, '', ['name', 'description', 'author', 'branding', 'inputs', 'outputs', 'runs']);
  const runs = reader.mapping(root.runs, 'runs');
  if (runs.using !== 'composite') {
    reader.fail(
      'runs.using',
      `the local runner runs composite actions only, not ${JSON.stringify(runs.using)}`,
    );
  }
  reader.keys(runs, 'runs', ['using', 'steps']);
  const inputs = Object.entries(root.inputs === undefined ? {} : reader.mapping(root.inputs, 'inputs')).map(
    ([name, raw]) => {
      const where = `inputs.${name}`;
      const input = raw === null ? {} : reader.mapping(raw, where);
      reader.keys(input, where, ['description', 'required', 'default', 'deprecationMessage']);
      const fallback =
        input.default === undefined ? undefined : reader.scalar(input.default, `${where}.default`);
      if (fallback !== undefined) reader.template(fallback, `${where}.default`, ACTION_INPUT_DEFAULT);
      return { name, required: input.required === true, default: fallback };
    },
  );
  const outputs = Object.entries(
    root.outputs === undefined ? {} : reader.mapping(root.outputs, 'outputs'),
  ).map(([name, raw]) => {
    const where = `outputs.${name}`;
    const output = reader.mapping(raw, where);
    reader.keys(output, where, ['description', 'value']);
    return {
      name,
      value: reader.template(reader.scalar(output.value, `${where}.value`), `${where}.value`, ACTION_VALUES),
    };
  });
  return {
    file,
    name: reader.optionalString(root.name, 'name') ?? file,
    inputs,
    outputs,
    steps: parseSteps(reader, runs.steps, 'runs.steps', {
      values: ACTION_VALUES,
      condition: ACTION_IF,
      composite: true,
    }),
  };
}
