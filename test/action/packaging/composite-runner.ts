/**
 * Runs a composite action's `run:` steps locally the way the runner does (security checklist 22–23):
 * inputs resolved from `with:` values and the metadata's defaults, expressions substituted into each
 * step's `env:` and script, the script written to a file and run with `bash --noprofile --norc -eo
 * pipefail`, a fresh GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STEP_SUMMARY file per step, and a step's outputs
 * read back for the steps after it. `uses:` steps (the artifact upload) are recorded, not run. The first
 * failing step stops the run, as it does on GitHub for steps without `if: always()`.
 *
 * Only the expressions the actions use are understood: a context path (`inputs.x`, `steps.a.outputs.b`,
 * `github.token`, …). Anything else throws, so a new kind of expression can't be simulated wrongly.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from './project-files.js';

export interface RunnerContext {
  /** GITHUB_ACTION_PATH: the folder holding the action.yml. */
  actionPath: string;
  /** RUNNER_TEMP and GITHUB_WORKSPACE. */
  runnerTemp: string;
  workspace: string;
  /** Where the per-step command files and scripts go. */
  scratch: string;
  /** The `github` context values the defaults use (repository, token, event.repository.default_branch). */
  github: Record<string, unknown>;
  /** More of the job's environment (e.g. GITHUB_API_URL pointed at a closed port). */
  env?: Record<string, string>;
}

export interface StepRun {
  id: string;
  status: number;
  stdout: string;
  stderr: string;
  /** The keys the step wrote to GITHUB_OUTPUT, in order, repeats included. */
  outputKeys: string[];
  outputs: Record<string, string>;
  /** What the step wrote to GITHUB_ENV, verbatim. */
  envFile: string;
}

export interface CompositeRun {
  ran: StepRun[];
  /** Ids (or names) of the `uses:` steps reached; the runner would have run them. */
  usesReached: string[];
}

const EXPRESSION = /\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

function lookup(path: string, context: Record<string, unknown>): string {
  let value: unknown = context;
  for (const part of path.split('.')) {
    if (!isRecord(value) || !(part in value)) throw new Error(`the local runner cannot resolve ${path}`);
    value = value[part];
  }
  if (typeof value !== 'string') throw new Error(`${path} is not a string`);
  return value;
}

/** Substitutes every `${{ path }}`; throws on any other expression. */
export function evaluate(template: string, context: Record<string, unknown>): string {
  // Checked on the template, not the result: GitHub substitutes once, so a value may itself read `${{ }}`.
  if (template.replace(EXPRESSION, '').includes('${{')) {
    throw new Error(`the local runner does not understand ${template}`);
  }
  return template.replace(EXPRESSION, (_match, path: string) => lookup(path, context));
}

/** The GITHUB_OUTPUT file format: `key=value` lines and `key<<DELIMITER` … `DELIMITER` blocks. */
export function parseCommandFile(text: string): { keys: string[]; values: Record<string, string> } {
  const keys: string[] = [];
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc !== null) {
      const [, key = '', delimiter = ''] = heredoc;
      const end = lines.indexOf(delimiter, index + 1);
      if (end < 0) throw new Error(`unterminated ${key}<<${delimiter} in a command file`);
      keys.push(key);
      values[key] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0) throw new Error(`malformed command file line: ${JSON.stringify(line)}`);
    const key = line.slice(0, equals);
    keys.push(key);
    values[key] = line.slice(equals + 1);
  }
  return { keys, values };
}

function resolveInputs(
  action: Record<string, unknown>,
  given: Record<string, string>,
  github: Record<string, unknown>,
) {
  const declared = isRecord(action.inputs) ? action.inputs : {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new Error(`input ${name} is not declared by the action`);
  }
  return Object.fromEntries(
    Object.entries(declared).map(([name, spec]) => {
      if (name in given) return [name, given[name]];
      const fallback = isRecord(spec) && spec.default !== undefined ? String(spec.default) : '';
      return [name, evaluate(fallback, { github })];
    }),
  );
}

export function runComposite(
  action: unknown,
  given: Record<string, string>,
  runner: RunnerContext,
): CompositeRun {
  if (!isRecord(action) || !isRecord(action.runs) || !Array.isArray(action.runs.steps)) {
    throw new Error('not a composite action');
  }
  const inputs = resolveInputs(action, given, runner.github);
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const ran: StepRun[] = [];
  const usesReached: string[] = [];
  mkdirSync(runner.scratch, { recursive: true });
  for (const [index, raw] of action.runs.steps.entries()) {
    if (!isRecord(raw)) throw new Error(`step ${index} is not a mapping`);
    const id = typeof raw.id === 'string' ? raw.id : `step-${index}`;
    if (typeof raw.uses === 'string') {
      usesReached.push(id);
      continue;
    }
    if (raw.if !== undefined) throw new Error(`the local runner does not evaluate if: on run step ${id}`);
    const context = { inputs, steps, github: runner.github };
    const stepEnv = isRecord(raw.env)
      ? Object.fromEntries(
          Object.entries(raw.env).map(([key, value]) => [key, evaluate(String(value), context)]),
        )
      : {};
    const files = {
      script: join(runner.scratch, `${id}.sh`),
      output: join(runner.scratch, `${id}.output`),
      env: join(runner.scratch, `${id}.env`),
      summary: join(runner.scratch, `${id}.summary.md`),
    };
    // Substituted into the script text before bash reads it, as GitHub does: the injection the tests look for.
    writeFileSync(files.script, evaluate(String(raw.run), context));
    writeFileSync(files.output, '');
    writeFileSync(files.env, '');
    writeFileSync(files.summary, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', files.script], {
      cwd: runner.workspace,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RUNNER_TEMP: runner.runnerTemp,
        GITHUB_WORKSPACE: runner.workspace,
        GITHUB_ACTION_PATH: runner.actionPath,
        GITHUB_OUTPUT: files.output,
        GITHUB_ENV: files.env,
        GITHUB_STEP_SUMMARY: files.summary,
        ...runner.env,
        ...stepEnv,
      },
    });
    const parsed = parseCommandFile(readFileSync(files.output, 'utf8'));
    steps[id] = { outputs: parsed.values };
    ran.push({
      id,
      status: result.status ?? -1,
      stdout: result.stdout,
      stderr: result.stderr,
      outputKeys: parsed.keys,
      outputs: parsed.values,
      envFile: readFileSync(files.env, 'utf8'),
    });
    if (result.status !== 0) break;
  }
  return { ran, usesReached };
}
