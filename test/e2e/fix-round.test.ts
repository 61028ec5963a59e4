/**
 * Tests failing, then fixed: the developer finishes without running the tests; the orchestrator's own test
 * run (the executor, not the model) fails on an edge case; its output goes back to the developer in a fix
 * round (policy implement.fix_attempts, 1 by default); the fix passes; the pull request says so and the
 * release gate passes it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { slugifyFixRoundTranscripts } from '../../testbed/demo/transcripts/slugify.js';
import type { SlugifyVariant } from '../../testbed/demo/transcripts/slugify.js';
import type { World } from '../../testbed/demo/world.js';
import { LIFECYCLE_TIMEOUT_MS, Scenario, expectNoFailures, playerReport, startE2E } from './harness.js';

const VARIANT: SlugifyVariant = {
  issueTitle: 'Slugs for note links',
  storyTitle: 'Add slugify(title) for note links',
};

let world: World;

beforeAll(async () => {
  world = await startE2E(slugifyFixRoundTranscripts(VARIANT));
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('tests failing, then fixed', () => {
  it(
    "sends the orchestrator's failing test run back to the developer, and ships the fix",
    async () => {
      const scenario = new Scenario(world, 'links');
      const issue = scenario.openIssue({
        title: VARIANT.issueTitle,
        body: 'Add `slugify(title)` to `src/`: lower case, no accents, one `-` between words, none at the ends. With tests.',
      });
      scenario.label(issue);
      await scenario.planPosted(issue);
      scenario.comment(issue, '/approve');

      const story = await scenario.storyState(issue, 'slugify', 'awaiting_merge_approval');
      const pull = scenario.state.pulls.get(scenario.repo, story.pr ?? 0);
      // The pull request reports the orchestrator's own checks, not the model's word for them.
      expect(pull.issue.body).toContain('The checks passed after 1 fix round.');
      expect(pull.issue.body).toContain('Tests: 4 passed, 0 failed.');
      expect(scenario.gateChecks(pull.pull.headSha).map((check) => check.conclusion)).toEqual(['success']);

      // One implement run held both developer runs: the first, and the fix round with the failure's output.
      expect(scenario.runs().map((run) => [run.stage, run.conclusion])).toEqual([
        ['plan', 'success'],
        ['implement', 'success'],
        ['review', 'success'],
      ]);
      if (world.model.kind !== 'recorded') throw new Error('recorded model expected');
      expect(world.model.log.started).toEqual(
        expect.arrayContaining([
          `developer: ${VARIANT.storyTitle}`,
          `developer fix round: ${VARIANT.storyTitle}`,
        ]),
      );
      expectNoFailures(scenario);
      expect(playerReport(world).unplayed).toEqual([]);
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
