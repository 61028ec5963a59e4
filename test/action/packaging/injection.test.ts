import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runComposite } from '../../../testbed/runner/index.js';
import type { CompositeHarness, CompositeRun } from '../../../testbed/runner/index.js';
import { STAGE_ACTIONS, isRecord, readYaml } from './project-files.js';

let root: string;
let canary: string;
let evil: string;

/**
 * Stands in for dist/actions/<stage>.js at the path the action runs: records the environment it was
 * started with, writes a result document where it was told, and sets the outcome output.
 */
const STUB = `const fs = require('node:fs');
const path = require('node:path');
const stage = path.basename(__filename, '.js');
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => /^(INPUT_|ANTHROPIC_|NODE_OPTIONS$|LD_PRELOAD$)/.test(key)));
fs.writeFileSync(path.join(__dirname, stage + '.record.json'), JSON.stringify(env));
fs.writeFileSync(process.env['INPUT_RESULT-PATH'], '{}');
fs.appendFileSync(process.env.GITHUB_OUTPUT, 'outcome=succeeded\\n');
`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ai-orchestrator-injection-'));
  canary = join(root, 'pwned');
  evil = join(root, 'evil.cjs');
  writeFileSync(
    evil,
    `require('node:fs').writeFileSync(${JSON.stringify(canary)}, 'NODE_OPTIONS was honoured');\n`,
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The hostile values (checklist 22–23); built lazily because they name this run's canary file. */
function corpus(): [string, string][] {
  return [
    ['closing quote', `a"; touch ${canary}"`],
    ['quote, IFS and comment', `zzz";echo\${IFS}"hello";touch\${IFS}${canary};#`],
    ['command substitution', `$(touch ${canary})`],
    ['backticks', `\`touch ${canary}\``],
    ['single quote', `'; touch ${canary}; '`],
    ['heredoc terminators', `x${'\nEOF\n'.repeat(3)}touch ${canary}\nEOF\n`],
    ['env file lines', `x\nNODE_OPTIONS=--require ${evil}\nLD_PRELOAD=${evil}\n`],
    ['output file lines', `x\nresult-path=/etc/passwd\nstage<<ghadelimiter_1\nplan\nghadelimiter_1\n`],
    ['workflow commands', `::set-output name=outcome::succeeded\n::add-mask::x\n%0A::error::forged`],
    ['expression text', '${{ github.token }} ${{ secrets.ANTHROPIC_API_KEY }}'],
  ];
}

/** A fresh checkout of the action's layout per run: stub bundles in dist/actions, empty action folders. */
function runner(stage: string | undefined): CompositeHarness & { bundles: string } {
  const scratch = mkdtempSync(join(root, 'run-'));
  const bundles = join(scratch, 'dist/actions');
  mkdirSync(bundles, { recursive: true });
  for (const name of STAGE_ACTIONS) {
    writeFileSync(join(bundles, `${name}.js`), STUB);
    mkdirSync(join(scratch, 'action', name), { recursive: true });
  }
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  return {
    bundles,
    actionPath: stage === undefined ? scratch : join(scratch, 'action', stage),
    runnerTemp: join(scratch, 'temp'),
    workspace,
    scratch: join(scratch, 'steps'),
    github: {
      repository: 'octo/repo',
      token: 'ghs_workflowtoken',
      workspace,
      event: { repository: { default_branch: 'main' } },
    },
  };
}

/** Every declared input set to `value`, except the ones a test fixes (a valid stage or role). */
function everyInput(file: string, value: string, fixed: Record<string, string>): Record<string, string> {
  const action = readYaml(file);
  const names = isRecord(action) && isRecord(action.inputs) ? Object.keys(action.inputs) : [];
  return Object.fromEntries(names.map((name) => [name, fixed[name] ?? value]));
}

/** The env entries of the node step that carry an input: env key → input name. */
function inputEnv(file: string): Record<string, string> {
  const action = readYaml(file) as { runs: { steps: Record<string, unknown>[] } };
  const step = action.runs.steps.find((candidate) => candidate.id === 'run');
  const env = isRecord(step?.env) ? step.env : {};
  return Object.fromEntries(
    Object.entries(env).flatMap(([key, value]) => {
      const match = /^\$\{\{ inputs\.([a-z_-]+) \}\}$/.exec(String(value));
      return match === null ? [] : [[key, match[1] ?? '']];
    }),
  );
}

/** What the stub bundle of `stage` recorded, or undefined when it never ran. */
function recordOf(run: { bundles: string }, stage: string): Record<string, string> | undefined {
  const file = join(run.bundles, `${stage}.record.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : undefined;
}

interface Case {
  file: string;
  stage: string;
  /** Action folder under action/, or undefined for the root router. */
  folder?: string;
  fixed: Record<string, string>;
  prepareKeys: string[];
}

const CASES: Case[] = [
  ...STAGE_ACTIONS.map((stage): Case => ({
    file: `action/${stage}/action.yml`,
    stage,
    folder: stage,
    fixed: stage === 'review' ? { role: 'security' } : {},
    prepareKeys: ['result-path'],
  })),
  {
    file: 'action.yml',
    stage: 'plan',
    fixed: { stage: 'plan' },
    prepareKeys: ['stage', 'artifact', 'result-path'],
  },
  {
    file: 'action.yml',
    stage: 'review',
    fixed: { stage: 'review', role: 'test-quality' },
    prepareKeys: ['stage', 'artifact', 'result-path'],
  },
];

function expectNoSideEffects(result: CompositeRun) {
  expect(existsSync(canary)).toBe(false);
  for (const step of result.ran) expect(step.files.env).toBe('');
}

describe.each(CASES)(
  '$file ($stage): hostile inputs reach the stage verbatim and nothing else',
  (testCase) => {
    it.each(corpus())('%s', async (_label, value) => {
      const run = runner(testCase.folder);
      const result = await runComposite(
        readYaml(testCase.file),
        everyInput(testCase.file, value, testCase.fixed),
        run,
      );

      expectNoSideEffects(result);
      expect(result.ran.map((step) => [step.id, step.exitCode])).toEqual([
        ['prepare', 0],
        ['run', 0],
      ]);
      expect(result.usesReached).toEqual(['__actions_upload_artifact']);
      const [prepare, node] = result.ran;
      // The prepare step writes exactly its own keys, each a single line derived from RUNNER_TEMP.
      expect(prepare?.outputKeys).toEqual(testCase.prepareKeys);
      expect(prepare?.outputs['result-path']).toBe(
        join(
          run.runnerTemp,
          'ai-orchestrator',
          testCase.fixed.role ? `review-${testCase.fixed.role}` : testCase.stage,
          'result.json',
        ),
      );
      expect(node?.outputKeys).toEqual(['outcome']);

      // The stage process got every input byte for byte, under the name @actions/core's getInput reads,
      // and nothing the value tried to smuggle in (NODE_OPTIONS, LD_PRELOAD).
      const received = recordOf(run, testCase.stage);
      const inputs = everyInput(testCase.file, value, testCase.fixed);
      const expected = Object.fromEntries(
        Object.entries(inputEnv(testCase.file)).map(([key, name]) => [key, inputs[name]]),
      );
      expect(received).toEqual({ ...expected, 'INPUT_RESULT-PATH': prepare?.outputs['result-path'] });
      expect(received).not.toHaveProperty('NODE_OPTIONS');
      expect(received).not.toHaveProperty('LD_PRELOAD');
    });
  },
);

describe('the harness is not blind', () => {
  const plan = () => readYaml('action/plan/action.yml') as { runs: { steps: Record<string, unknown>[] } };

  it('an input pasted into a script runs the attacker’s command', async () => {
    const action = plan();
    action.runs.steps.unshift({ id: 'greet', shell: 'bash', run: 'echo "issue ${{ inputs.issue }}"' });
    const value = corpus()[0]?.[1] ?? '';
    await runComposite(action, everyInput('action/plan/action.yml', value, {}), runner('plan'));
    expect(existsSync(canary)).toBe(true);
    rmSync(canary);
  });

  it('an input written to GITHUB_ENV as a line sets the variables it carries (all but NODE_OPTIONS)', async () => {
    const action = plan();
    action.runs.steps.unshift({
      id: 'export',
      shell: 'bash',
      env: { ISSUE: '${{ inputs.issue }}' },
      run: 'echo "ISSUE=$ISSUE" >> "$GITHUB_ENV"',
    });
    const value = corpus().find(([label]) => label === 'env file lines')?.[1] ?? '';
    const run = runner('plan');
    const result = await runComposite(action, everyInput('action/plan/action.yml', value, {}), run);
    expect(result.ran[0]?.files.env).toContain('\nNODE_OPTIONS=--require');
    // The smuggled line reaches every later step, as on GitHub; GitHub's runner refuses only NODE_OPTIONS.
    expect(recordOf(run, 'plan')).toHaveProperty('LD_PRELOAD', evil);
    expect(recordOf(run, 'plan')).not.toHaveProperty('NODE_OPTIONS');
    expect(result.ran[0]?.annotations.map((annotation) => annotation.message)).toContain(
      "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
    );
    expect(existsSync(canary)).toBe(false);
  });
});

describe('values that choose a file or an artifact name are checked before anything runs', () => {
  it.each(corpus())('review role: %s', async (_label, value) => {
    for (const [file, folder, fixed] of [
      ['action/review/action.yml', 'review', {}],
      ['action.yml', undefined, { stage: 'review' }],
    ] as const) {
      const run = runner(folder);
      const result = await runComposite(
        readYaml(file),
        { ...everyInput(file, 'x', fixed), role: value },
        run,
      );
      expectNoSideEffects(result);
      expect(result.ran.map((step) => step.id)).toEqual(['prepare']);
      expect(result.ran[0]?.exitCode).toBe(1);
      expect(result.ran[0]?.outputKeys).toEqual([]);
      expect(result.ran[0]?.stdout).toBe(
        '::error title=ai-orchestrator::' +
          (file === 'action.yml'
            ? 'the review stage needs the role input: one of story-alignment, test-quality, architecture, security\n'
            : 'the role input must be one of story-alignment, test-quality, architecture, security\n'),
      );
      expect(recordOf(run, 'review')).toBeUndefined();
    }
  });

  it.each([...corpus(), ['empty', ''], ['a near miss', 'Plan'], ['a path', '../plan']])(
    'root stage: %s',
    async (_label, value) => {
      const run = runner(undefined);
      const result = await runComposite(
        readYaml('action.yml'),
        everyInput('action.yml', 'x', { stage: value }),
        run,
      );
      expectNoSideEffects(result);
      expect(result.ran.map((step) => [step.id, step.exitCode])).toEqual([['prepare', 1]]);
      expect(result.ran[0]?.outputKeys).toEqual([]);
      // One line, naming the problem and the valid stages; the bad value can't start a workflow command.
      const lines = result.ran[0]?.stdout.split('\n').filter((line) => line !== '') ?? [];
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^::error title=ai-orchestrator::unknown stage .*: expected one of plan, implement, review, release-gate, validate$/,
      );
      for (const stage of STAGE_ACTIONS) expect(recordOf(run, stage)).toBeUndefined();
    },
  );
});
