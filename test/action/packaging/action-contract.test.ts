import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INPUT_NAMES } from '../../../action/stages/inputs.js';
import { RESULT_ARTIFACT, RESULT_FILE } from '../../../app/github/workflow.js';
import { REVIEWER_ROLES, STAGES } from '../../../core/roles.js';
import { ROOT, STAGE_ACTIONS, isRecord, readText, readYaml } from './project-files.js';
import type { Step } from './yaml-walk.js';

interface Action {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const load = (file: string) => readYaml(file) as Action;
const step = (action: Action, id: string) => action.runs.steps.find((candidate) => candidate.id === id) ?? {};
const envOf = (candidate: Step): Record<string, string> =>
  isRecord(candidate.env) ? (candidate.env as Record<string, string>) : {};
const uploadOf = (action: Action) =>
  action.runs.steps.find((candidate) => String(candidate.uses).startsWith('actions/upload-artifact@')) ?? {};

/** The environment variable @actions/core's getInput(name) reads: spaces → `_`, upper case, hyphens kept. */
const getInputVariable = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** The input each env entry of the node step carries, or undefined for other values. */
function carriedInputs(action: Action): Record<string, string> {
  return Object.fromEntries(
    Object.entries(envOf(step(action, 'run'))).flatMap(([key, value]) => {
      const match = /^\$\{\{ inputs\.([a-z_-]+) \}\}$/.exec(value);
      return match === null ? [] : [[key, match[1] ?? '']];
    }),
  );
}

const FILES = [
  ...STAGE_ACTIONS.map((stage) => ({ file: `action/${stage}/action.yml`, stage })),
  { file: 'action.yml', stage: 'router' },
];

describe.each(FILES)('$file', ({ file, stage }) => {
  const action = load(file);

  it('passes each input to the stage under the name getInput reads, the model key as ANTHROPIC_API_KEY', () => {
    for (const [variable, input] of Object.entries(carriedInputs(action))) {
      expect(variable).toBe(input === 'anthropic-api-key' ? 'ANTHROPIC_API_KEY' : getInputVariable(input));
    }
  });

  it('declares only inputs the stages read (action/stages/inputs.ts), and hands the stage its result path', () => {
    const known = new Set<string>([...INPUT_NAMES, 'github-token', 'anthropic-api-key', 'stage']);
    expect(Object.keys(action.inputs).filter((input) => !known.has(input))).toEqual([]);
    expect(envOf(step(action, 'run'))['INPUT_RESULT-PATH']).toBe('${{ steps.prepare.outputs.result-path }}');
  });

  it('uses every input it declares: nothing is accepted and ignored', () => {
    const carried = new Set(Object.values(carriedInputs(action)));
    const checked = new Set(
      Object.values(envOf(step(action, 'prepare'))).map((value) => /inputs\.([a-z_-]+)/.exec(value)?.[1]),
    );
    const unused = Object.keys(action.inputs).filter((input) => !carried.has(input) && !checked.has(input));
    expect(unused).toEqual([]);
  });

  it('runs the committed bundle of its stage', () => {
    const run = String(step(action, 'run').run);
    if (stage === 'router') {
      expect(run).toBe('node "$GITHUB_ACTION_PATH/dist/actions/$STAGE.js"');
      expect(envOf(step(action, 'run')).STAGE).toBe('${{ steps.prepare.outputs.stage }}');
      for (const name of STAGE_ACTIONS)
        expect(existsSync(join(ROOT, 'dist/actions', `${name}.js`))).toBe(true);
    } else {
      expect(run).toBe(`node "$GITHUB_ACTION_PATH/../../dist/actions/${stage}.js"`);
      expect(existsSync(join(ROOT, 'action', stage, '../../dist/actions', `${stage}.js`))).toBe(true);
    }
  });

  it('uploads the result document as the artifact the App reads, even when the stage fails', () => {
    const upload = uploadOf(action);
    expect(upload.if).toBe("always() && steps.prepare.outcome == 'success'");
    const uploadWith = upload.with as Record<string, string>;
    const expectedName =
      stage === 'review'
        ? 'ai-orchestrator-verdict-${{ inputs.role }}'
        : stage === 'router'
          ? '${{ steps.prepare.outputs.artifact }}'
          : RESULT_ARTIFACT;
    expect(uploadWith).toEqual({
      name: expectedName,
      path: '${{ steps.prepare.outputs.result-path }}',
      'if-no-files-found': 'error',
    });
    // The App unzips a file of this name; upload-artifact names the entry after the file.
    expect(String(step(action, 'prepare').run)).toContain(`/${RESULT_FILE}"`);
  });

  it('maps its outputs to the steps that produce them', () => {
    expect(action.outputs.outcome?.value).toBe('${{ steps.run.outputs.outcome }}');
    expect(action.outputs['result-path']?.value).toBe('${{ steps.prepare.outputs.result-path }}');
  });

  it('documents every input and output in its README', () => {
    const readme = readText(stage === 'router' ? 'examples/README.md' : `action/${stage}/README.md`);
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(readme).toContain(`\`${name}\``);
    }
  });
});

describe('the router (action.yml)', () => {
  const router = load('action.yml');

  it('knows exactly the stages and reviewer roles of core/roles.ts', () => {
    const prepare = String(step(router, 'prepare').run);
    const stageCase = /case "\$STAGE" in\n\s*(.+)\)\n[\s\S]*?\n\s*review\)/.exec(prepare);
    expect([...(stageCase?.[1]?.split(' | ') ?? []), 'review'].sort()).toEqual([...STAGES].sort());
    const roleCase = /case "\$ROLE" in\n\s*(.+)\) ;;/.exec(prepare);
    expect(roleCase?.[1]?.split(' | ')).toEqual([...REVIEWER_ROLES]);
  });

  it('takes every input of every stage action, with the same meaning, so one uses: line serves', () => {
    for (const stage of STAGE_ACTIONS) {
      for (const input of Object.keys(load(`action/${stage}/action.yml`).inputs)) {
        expect([stage, input, router.inputs[input] !== undefined]).toEqual([stage, input, true]);
      }
    }
  });
});

it('the review action checks the role against core/roles.ts', () => {
  const prepare = String(step(load('action/review/action.yml'), 'prepare').run);
  expect(/case "\$ROLE" in\n\s*(.+)\) ;;/.exec(prepare)?.[1]?.split(' | ')).toEqual([...REVIEWER_ROLES]);
});
