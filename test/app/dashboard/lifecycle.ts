/**
 * The scripted lifecycle the dashboards are checked against, on one repository: an epic planned into two
 * stories and approved; story A reviewed and waiting for `/approve` on its pull request; story B's implement
 * run failing with a reason; an issue with a hostile title waiting for plan approval; an issue whose planner
 * asks a question. Every run books usage ($0.25 each).
 */
import { queued } from '../conductor/flows.js';
import { Scenario } from '../conductor/harness.js';
import type { AppWorld } from './world.js';

export const FAILURE_REASON = 'npm test failed: 3 tests failing in src/pets.test.js (expected 200, got 500)';
export const HOSTILE_TITLE =
  '<img src=x onerror="document.title=\'pwned\'"> Refund <b>everyone</b> @acme/admins';
export const QUESTION = 'Which invoice format do you want: PDF or CSV?';
/** What each run's result says it cost. */
export const RUN_COST = 0.25;

export interface Lifecycle {
  scenario: Scenario;
  epic: number;
  /** Story A's pull request (waiting for `/approve`). */
  pr: number;
  /** Story B's sub-issue (failed). */
  failedStory: number;
  failedRunUrl: string;
  hostile: number;
  asking: number;
  /** How many runs reported usage. */
  runs: number;
}

export async function scriptedLifecycle(
  world: AppWorld,
  scenario = new Scenario(world.world),
): Promise<Lifecycle> {
  const { settle } = world;
  const epic = scenario.openIssue('Add pet insurance');
  scenario.label(epic);
  await settle();
  let run = queued(scenario, 'plan');
  scenario.complete(run, scenario.planResult(run, [{ id: 'A' }, { id: 'B' }]));
  await settle();
  scenario.comment(epic, '/approve', 'alice');
  await settle();

  run = queued(scenario, 'implement', 'A');
  const implemented = scenario.implement(run);
  scenario.complete(run, implemented.result);
  await settle();
  run = queued(scenario, 'review', 'A');
  scenario.complete(run, scenario.review(run));
  await settle();

  run = queued(scenario, 'implement', 'B');
  const failedStory = Number(scenario.inputs(run).issue);
  scenario.complete(
    run,
    { ...scenario.base(run), stage: 'implement', outcome: { status: 'failed', reason: FAILURE_REASON } },
    'failure',
  );
  await settle();
  const failedRunUrl = (await world.world.store.dispatches.getByRunId(run.id))?.runUrl;
  if (failedRunUrl === undefined || failedRunUrl === null) throw new Error('the failed run has no address');

  const hostile = scenario.openIssue(HOSTILE_TITLE);
  scenario.label(hostile);
  await settle();
  run = queued(scenario, 'plan');
  scenario.complete(run, scenario.planResult(run, [{ id: 'X' }]));
  await settle();

  const asking = scenario.openIssue('Export invoices');
  scenario.label(asking);
  await settle();
  run = queued(scenario, 'plan');
  scenario.complete(run, {
    ...scenario.base(run),
    stage: 'plan',
    outcome: { status: 'needs_clarification', questions: [QUESTION] },
  });
  await settle();
  return { scenario, epic, pr: implemented.pr, failedStory, failedRunUrl, hostile, asking, runs: 6 };
}
