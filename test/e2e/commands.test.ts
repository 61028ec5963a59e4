/**
 * People's commands, end to end: a planner question answered with `/clarify`; an `/approve` from someone
 * with read permission refused with a reply; `/pause` stopping every dispatch in the repository until
 * `/resume`. The comments go to the offline GitHub as the people make them; the app hears them by webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { World } from '../../testbed/demo/world.js';
import { LIFECYCLE_TIMEOUT_MS, Scenario, expectNoFailures, quiet, startE2E } from './harness.js';
import {
  ARCHIVE_ISSUE,
  DATES_ANSWER,
  DATES_ISSUE,
  DATES_QUESTION,
  plannerOnlyTranscripts,
} from './transcripts/planner-only.js';

const BOT = 'ai-orchestrator[bot]';
let world: World;

beforeAll(async () => {
  world = await startE2E(plannerOnlyTranscripts());
}, 60_000);

afterAll(async () => {
  await world?.close();
});

/** The app's comments on `issue` that start with `start`. */
const replies = (scenario: Scenario, issue: number, start: string) =>
  scenario.comments(issue).filter((comment) => comment.login === BOT && comment.body.startsWith(start));

describe("people's commands", () => {
  it(
    'answers a planner question with /clarify, and refuses /approve from a reader',
    async () => {
      const scenario = new Scenario(world, 'dates');
      const issue = scenario.openIssue(DATES_ISSUE);
      scenario.label(issue);

      await scenario.epicState(issue, 'awaiting_clarification', { failWhenStuck: false });
      // The planner's question, as the people on the issue read it.
      await scenario.commentBy(
        issue,
        BOT,
        // Backticks are escaped in the comment: the question's words before the first one.
        (body) => body.includes('needs answers') && body.includes(DATES_QUESTION.split('`')[0] ?? ''),
        "the planner's question on the issue",
      );
      expect(scenario.labels(issue)).toContain('ai:needs-clarification');

      scenario.comment(issue, `/clarify ${DATES_ANSWER}.`);
      const plan = await scenario.planPosted(issue);
      expect(plan.map((story) => story.title)).toEqual(['Add formatDate(date) in ISO 8601']);

      // mallory can read the repository, not write to it: her /approve is refused, with the reason.
      scenario.comment(issue, '/approve', 'mallory');
      const refusal = await scenario.commentBy(
        issue,
        BOT,
        (body) => body.startsWith('`/approve` was not carried out'),
        "the app's refusal of mallory's /approve",
      );
      expect(refusal).toMatch(/mallory/);
      await quiet(world);
      expect(replies(scenario, issue, '`/approve` was not carried out')).toHaveLength(1);
      expect((await scenario.observer(issue).snapshot()).epic?.state).toBe('awaiting_plan_approval');
      expect(scenario.dispatches().map((dispatch) => dispatch.stage)).toEqual(['plan', 'plan']);
      expectNoFailures(scenario);
    },
    LIFECYCLE_TIMEOUT_MS,
  );

  it(
    'dispatches nothing while the repository is paused, and picks the work up on /resume',
    async () => {
      const scenario = new Scenario(world, 'archive');
      const issue = scenario.openIssue(ARCHIVE_ISSUE);
      scenario.comment(issue, '/pause');
      await scenario.commentBy(issue, BOT, (body) => body.startsWith('Paused:'), 'the reply to /pause');

      scenario.label(issue);
      await quiet(world);
      // Give a dispatch every chance to happen: the runner would have taken it within a second.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await quiet(world);
      expect(scenario.dispatches()).toEqual([]);
      expect(scenario.runs()).toEqual([]);

      scenario.comment(issue, '/resume');
      const plan = await scenario.planPosted(issue);
      expect(plan.map((story) => story.id)).toEqual(['stale']);
      expect(replies(scenario, issue, 'Resumed')).toHaveLength(1);
      expect(scenario.dispatches().map((dispatch) => dispatch.stage)).toEqual(['plan']);
      expectNoFailures(scenario);
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
