/**
 * Steps of the lifecycle as a test drives them: each acts like GitHub or a runner would, then pumps the
 * deliveries through the conductor. `step` returns the Probot to use for each step, so a test can restart
 * the app between any two events.
 */
import { expect } from '@jest/globals';
import type { WorkflowRun } from '../../../testbed/github/index.js';
import type { Running, Scenario, StorySpec } from './harness.js';

export type Step = () => Promise<Running>;

/** The queued run of `stage` (and `story`), exactly one. */
export function queued(scenario: Scenario, stage: string, story?: string): WorkflowRun {
  const runs = scenario
    .queuedRuns()
    .filter(
      (run) =>
        scenario.inputs(run).stage === stage && (story === undefined || scenario.inputs(run).story === story),
    );
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

/** The stories with a queued implement run, sorted. */
export function implementing(scenario: Scenario): string[] {
  return scenario
    .queuedRuns()
    .filter((run) => scenario.inputs(run).stage === 'implement')
    .map((run) => scenario.inputs(run).story ?? '')
    .sort();
}

/** Labels a new issue and completes its plan run with `stories`; returns the epic's issue. */
export async function planned(scenario: Scenario, step: Step, stories: StorySpec[]): Promise<number> {
  const issue = scenario.openIssue();
  scenario.label(issue);
  await (await step()).pump();
  const run = queued(scenario, 'plan');
  scenario.complete(run, scenario.planResult(run, stories));
  await (await step()).pump();
  return issue;
}

/** A human approves the plan on the epic's issue. */
export async function approvePlan(
  scenario: Scenario,
  step: Step,
  issue: number,
  login = 'alice',
): Promise<void> {
  scenario.comment(issue, '/approve', login);
  await (await step()).pump();
}

/** The story's implement run opens (or updates) its pull request; returns the pull request. */
export async function implemented(scenario: Scenario, step: Step, story: string): Promise<number> {
  const run = queued(scenario, 'implement', story);
  const { result, pr } = scenario.implement(run);
  scenario.complete(run, result);
  await (await step()).pump();
  return pr;
}

/** The story's review run ends with the release gate's decision on the current head. */
export async function reviewed(
  scenario: Scenario,
  step: Step,
  story: string,
  decision: 'approved' | 'blocked' = 'approved',
): Promise<void> {
  const run = queued(scenario, 'review', story);
  scenario.complete(run, scenario.review(run, decision));
  await (await step()).pump();
}

/** The story's validate run passes. */
export async function validated(scenario: Scenario, step: Step, story: string): Promise<void> {
  const run = queued(scenario, 'validate', story);
  scenario.complete(run, scenario.validateResult(run));
  await (await step()).pump();
}

/** A story from implement to done: pull request, gate green, `/approve` by `approver`, merged, validated. */
export async function deliver(
  scenario: Scenario,
  step: Step,
  story: string,
  approver = 'bob',
): Promise<number> {
  const pr = await implemented(scenario, step, story);
  await reviewed(scenario, step, story);
  scenario.comment(pr, '/approve', approver);
  await (await step()).pump();
  await validated(scenario, step, story);
  return pr;
}
