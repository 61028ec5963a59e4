import { describe, expect, it } from '@jest/globals';
import { runKeyFromTitle, workflowInputs, WORKFLOW_FILE } from '../../../app/github/workflow.js';
import { REVIEWER_ROLES } from '../../../core/roles.js';
import { readText, readYaml, STAGE_ACTIONS } from './project-files.js';
import { jobsOf, stepsOf } from './yaml-walk.js';

const FILE = `examples/workflows/${WORKFLOW_FILE}`;
const workflow = readYaml(FILE) as {
  'run-name': string;
  on: { workflow_dispatch: { inputs: Record<string, { type: string; required?: boolean }> } };
  concurrency: { group: string };
  jobs: Record<string, Record<string, unknown>>;
};
const dispatchInputs = workflow.on.workflow_dispatch.inputs;
const orchestratorStep = (job: string) =>
  stepsOf(workflow).find(
    (located) => located.job === job && String(located.step.uses).startsWith('OWNER/REPO/'),
  )?.step ?? {};

describe(`the example workflow the App dispatches (${FILE})`, () => {
  it('declares exactly the inputs the App sends, all strings, within GitHub Enterprise Server’s 10', () => {
    const sent = workflowInputs({
      stage: 'review',
      issue: 12,
      pr: 40,
      story: 'B',
      runKey: 'review-12-ab',
      context: {},
    });
    expect(Object.keys(dispatchInputs).sort()).toEqual(Object.keys(sent).sort());
    expect(Object.keys(dispatchInputs).length).toBeLessThanOrEqual(10);
    for (const input of Object.values(dispatchInputs)) expect(input.type).toBe('string');
  });

  it('titles each run so the App can find it by its run key', () => {
    expect(workflow['run-name']).toBe('ai-orchestrator ${{ inputs.stage }} ${{ inputs.run_key }}');
    const title = workflow['run-name']
      .replace('${{ inputs.stage }}', 'implement')
      .replace('${{ inputs.run_key }}', 'implement-15-B-a1b2c3d4e5f6');
    expect(runKeyFromTitle(title)).toBe('implement-15-B-a1b2c3d4e5f6');
    expect(workflow.concurrency.group).toContain('${{ inputs.run_key }}');
  });

  it('has one job per stage, each guarded by its stage, with a timeout', () => {
    expect(Object.keys(workflow.jobs).sort()).toEqual([...STAGE_ACTIONS].sort());
    for (const { id, job } of jobsOf(workflow)) {
      expect(String(job.if)).toContain(`inputs.stage == '${id}'`);
      expect(job['timeout-minutes']).toEqual(expect.any(Number));
      expect(String(orchestratorStep(id).uses)).toBe(`OWNER/REPO/action/${id}@v1`);
    }
  });

  it('gives each orchestrator step only inputs its action declares, and every required one', () => {
    for (const stage of STAGE_ACTIONS) {
      const action = readYaml(`action/${stage}/action.yml`) as {
        inputs: Record<string, { required?: boolean }>;
      };
      const given = Object.keys((orchestratorStep(stage).with ?? {}) as Record<string, string>);
      expect([stage, given.filter((input) => !(input in action.inputs))]).toEqual([stage, []]);
      const required = Object.entries(action.inputs).filter(([, spec]) => spec.required === true);
      expect([stage, required.map(([input]) => input).filter((input) => !given.includes(input))]).toEqual([
        stage,
        [],
      ]);
    }
  });

  it('reviews in the four roles independently, and gates even when a reviewer failed', () => {
    const review = workflow.jobs.review ?? {};
    expect(review.strategy).toEqual({ 'fail-fast': false, matrix: { role: [...REVIEWER_ROLES] } });
    const gate = workflow.jobs['release-gate'] ?? {};
    expect(gate.needs).toBe('review');
    expect(gate.if).toBe("always() && (inputs.stage == 'review' || inputs.stage == 'release-gate')");
  });

  it('checks out the default branch for plan, implement and validate, and the pull request head only to read', () => {
    const checkout = (job: string) =>
      stepsOf(workflow).find(
        (located) => located.job === job && String(located.step.uses).startsWith('actions/checkout@'),
      )?.step.with;
    for (const job of ['plan', 'implement', 'validate']) {
      expect(checkout(job)).toEqual({
        ref: '${{ github.event.repository.default_branch }}',
        'persist-credentials': false,
      });
    }
    expect(checkout('review')).toEqual({
      ref: 'refs/pull/${{ inputs.pr }}/head',
      'persist-credentials': false,
    });
    // Nothing but the checkout, the token and the orchestrator runs where the pull request's code lies.
    const reviewSteps = stepsOf(workflow).filter((located) => located.job === 'review');
    expect(reviewSteps.map(({ step }) => String(step.uses).split('@')[0])).toEqual([
      'actions/checkout',
      'actions/create-github-app-token',
      'OWNER/REPO/action/review',
    ]);
  });

  it('mints the App token for the jobs that write, from the documented variable and secret', () => {
    const minted = stepsOf(workflow).filter(({ step }) =>
      String(step.uses).startsWith('actions/create-github-app-token@'),
    );
    expect(minted.map(({ job }) => job).sort()).toEqual(['implement', 'release-gate', 'review', 'validate']);
    for (const { job, step } of minted) {
      const inputs = step.with as Record<string, string>;
      expect(inputs['app-id']).toBe('${{ vars.AI_ORCHESTRATOR_APP_ID }}');
      expect(inputs['private-key']).toBe('${{ secrets.AI_ORCHESTRATOR_PRIVATE_KEY }}');
      expect((orchestratorStep(job ?? '').with as Record<string, string>)['github-token']).toBe(
        '${{ steps.app-token.outputs.token }}',
      );
    }
  });

  it('marks where the user’s own set-up steps go, before the orchestrator', () => {
    const text = readText(FILE);
    expect(text.match(/# ── Your set-up steps go here/g)).toHaveLength(2);
    for (const job of ['implement', 'validate']) {
      const start = text.indexOf(`\n  ${job}:\n`);
      const marker = text.indexOf('# ── Your set-up steps go here', start);
      expect(marker).toBeGreaterThan(start);
      expect(marker).toBeLessThan(text.indexOf(`OWNER/REPO/action/${job}@v1`, start));
    }
  });

  it('is documented, and the project README links it', () => {
    const guide = readText('examples/README.md');
    for (const name of ['ANTHROPIC_API_KEY', 'AI_ORCHESTRATOR_PRIVATE_KEY', 'AI_ORCHESTRATOR_APP_ID']) {
      expect(guide).toContain(name);
    }
    expect(readText('README.md')).toContain('examples/workflows/ai-orchestrator.yml');
  });
});
