import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { loadPins } from './pins.js';
import { actionPaths, readYaml, workflowPaths } from './project-files.js';
import { actionFindings, workflowFindings } from './rules.js';

const pins = loadPins();
const SHA = '3d3c42e5aac5ba805825da76410c181273ba90b1';

describe('hardening rules on the project’s workflows and actions (checklist 33)', () => {
  it('finds the files it must check', () => {
    expect(workflowPaths()).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', 'examples/workflows/ai-orchestrator.yml']),
    );
    expect(actionPaths()).toHaveLength(6);
  });

  it.each(workflowPaths())('%s has no findings', (file) => {
    expect(workflowFindings(file, readYaml(file), pins)).toEqual([]);
  });

  it.each(actionPaths())('%s has no findings', (file) => {
    expect(actionFindings(file, readYaml(file), pins)).toEqual([]);
  });
});

/** The rules each finding of a workflow fixture names. */
const workflowRules = (text: string) => workflowFindings('fixture.yml', parse(text), pins).map((f) => f.rule);
const actionRules = (text: string) => actionFindings('action.yml', parse(text), pins).map((f) => f.rule);

const job = (steps: string, extra = '') => `
on: workflow_dispatch
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest${extra}
    steps:
${steps}`;

describe('each rule fires on the pattern it forbids', () => {
  it('accepts a clean workflow', () => {
    expect(
      workflowRules(
        job(`      - uses: actions/checkout@${SHA} # v7.0.1
        with:
          persist-credentials: false
      - run: echo "$TITLE"
        env:
          TITLE: \${{ github.event.issue.title }}`),
      ),
    ).toEqual([]);
  });

  it('expression-in-run: any ${{ }} inside run: or a github-script script', () => {
    expect(workflowRules(job('      - run: echo "${{ inputs.issue }}"'))).toEqual(['expression-in-run']);
    expect(
      workflowRules(
        job(`      - uses: actions/github-script@${SHA}
        with:
          script: console.log('\${{ github.head_ref }}')`),
      ),
    ).toEqual(['expression-in-run']);
  });

  it('pull-request-target in any of the three shapes of on:', () => {
    for (const on of [
      'pull_request_target',
      '[push, pull_request_target]',
      '{ pull_request_target: { types: [opened] } }',
    ]) {
      expect(workflowRules(`on: ${on}\npermissions: {}\njobs: {}`)).toEqual(['pull-request-target']);
    }
  });

  it('workflow-run-head and workflow-run-artifact', () => {
    const text = `
on: { workflow_run: { workflows: [ci], types: [completed] } }
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@${SHA}
        with:
          ref: \${{ github.event.workflow_run.head_sha }}
          persist-credentials: false
      - uses: actions/download-artifact@${SHA}
      - run: bash ./downloaded/run.sh`;
    expect(workflowRules(text)).toEqual(['workflow-run-head', 'workflow-run-artifact']);
  });

  it('unpinned-uses: tags, branches and short SHAs; denied-pin: a known-bad SHA', () => {
    for (const uses of [
      'actions/checkout@v7',
      'actions/checkout@main',
      'actions/checkout@3d3c42e',
      'docker://alpine:3',
    ]) {
      expect(
        workflowRules(job(`      - uses: ${uses}\n        with:\n          persist-credentials: false`)),
      ).toEqual(['unpinned-uses']);
    }
    expect(
      workflowRules(job('      - uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67')),
    ).toEqual(['denied-pin']);
    expect(
      workflowRules(job('      - uses: ./action/plan\n      - uses: OWNER/REPO/action/plan@v1')),
    ).toEqual([]);
    expect(workflowRules(job('      - uses: OWNER/REPO/action/plan@main'))).toEqual(['unpinned-uses']);
  });

  it('top-level-permissions: missing, write-all or a write scope', () => {
    expect(workflowRules('on: push\njobs: {}')).toEqual(['top-level-permissions']);
    expect(workflowRules('on: push\npermissions: write-all\njobs: {}')).toEqual(['top-level-permissions']);
    expect(workflowRules('on: push\npermissions: { contents: write }\njobs: {}')).toEqual([
      'top-level-permissions',
    ]);
    expect(workflowRules('on: push\npermissions: { contents: read, issues: none }\njobs: {}')).toEqual([]);
  });

  it('secrets-inherit', () => {
    expect(
      workflowRules(
        'on: push\npermissions: {}\njobs:\n  a:\n    uses: o/r/.github/workflows/x.yml@' +
          SHA +
          '\n    secrets: inherit',
      ),
    ).toEqual(['secrets-inherit']);
  });

  it('persist-credentials: missing or true on a checkout', () => {
    expect(workflowRules(job(`      - uses: actions/checkout@${SHA}`))).toEqual(['persist-credentials']);
    expect(
      workflowRules(
        job(`      - uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: true`),
      ),
    ).toEqual(['persist-credentials']);
  });

  it('contains-literal and actor-identity, in if: conditions and ${{ }}', () => {
    expect(
      workflowRules(job("      - run: echo hi\n        if: contains('main release', github.ref_name)")),
    ).toEqual(['contains-literal']);
    expect(
      workflowRules(job('      - run: echo hi', '\n    if: contains(fromJSON(\'["a"]\'), github.ref_name)')),
    ).toEqual([]);
    expect(workflowRules(job('      - run: echo hi', "\n    if: github.actor == 'dependabot[bot]'"))).toEqual(
      ['actor-identity'],
    );
    expect(
      workflowRules(job('      - run: echo hi\n        env:\n          WHO: ${{ github.triggering_actor }}')),
    ).toEqual(['actor-identity']);
  });

  it('app-token-scope: an App token without named permissions', () => {
    expect(
      workflowRules(
        job(
          `      - uses: actions/create-github-app-token@${SHA}\n        with:\n          app-id: \${{ vars.APP_ID }}`,
        ),
      ),
    ).toEqual(['app-token-scope']);
  });

  it('composite-metadata and composite-shell on an action', () => {
    const action = `
name: x
description: y
inputs:
  a: { required: true }
outputs:
  b: { description: the b }
runs:
  using: composite
  steps:
    - run: echo hi`;
    expect(actionRules(action)).toEqual(['composite-metadata', 'composite-metadata', 'composite-shell']);
    expect(actionRules('name: x\ndescription: y\nruns: { using: node24, main: index.js }')).toEqual([
      'composite-metadata',
    ]);
  });
});
