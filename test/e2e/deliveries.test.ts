/**
 * Duplicate and out-of-order deliveries, as GitHub can make them: the events of the review run are held
 * and then delivered newest first (the run's `completed` before its `in_progress`), each delivered again
 * with the same id, and after the merge, older events (the label, the plan's approval, the implement run's
 * completion) arrive again under new ids. The item moves once per real event and nothing is written twice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { slugifyTranscripts } from '../../testbed/demo/transcripts/slugify.js';
import type { SlugifyVariant } from '../../testbed/demo/transcripts/slugify.js';
import type { World } from '../../testbed/demo/world.js';
import {
  LIFECYCLE_TIMEOUT_MS,
  Scenario,
  expectNoFailures,
  playerReport,
  quiet,
  startE2E,
} from './harness.js';

const VARIANT: SlugifyVariant = {
  issueTitle: 'Slugs whatever the webhooks do',
  storyTitle: 'Add slugify(title) despite redeliveries',
};

let world: World;

beforeAll(async () => {
  world = await startE2E(slugifyTranscripts(VARIANT));
}, 60_000);

afterAll(async () => {
  await world?.close();
});

/** Writes the app made to GitHub (installation token, any repository). */
const appWrites = () =>
  world.github.requests
    .writes()
    .filter((request) => request.auth.kind === 'installation' && request.status < 300).length;

describe('duplicate and out-of-order deliveries', () => {
  it(
    'moves the item once per event whatever order and however often the events arrive',
    async () => {
      const scenario = new Scenario(world, 'webhooks');
      const { webhooks } = world.github;
      const issue = scenario.openIssue({
        title: VARIANT.issueTitle,
        body: 'Add `slugify(title)` to `src/`: lower case, no accents, one `-` between words, none at the ends. With tests.',
      });
      scenario.label(issue);
      await scenario.planPosted(issue);
      scenario.comment(issue, '/approve');
      const reviewing = await scenario.storyState(issue, 'slugify', 'reviewing');

      // Hold what GitHub sends while the review run works, then deliver it newest first.
      webhooks.setAutoDeliver(false);
      const review = await scenario.until(issue, 'the review run to finish', () =>
        world.runner
          .runs()
          .find(
            (run) =>
              run.repository === scenario.sample.fullName &&
              run.inputs.stage === 'review' &&
              run.status === 'completed',
          ),
      );
      const held = webhooks.held();
      expect(held.map((delivery) => `${delivery.event}.${delivery.action ?? ''}`)).toContain(
        'workflow_run.completed',
      );
      webhooks.setAutoDeliver(true);
      for (const delivery of [...held].reverse()) await webhooks.deliver(delivery.id);
      const story = await scenario.storyState(issue, 'slugify', 'awaiting_merge_approval');
      expect(story.pr).toBe(reviewing.pr);
      expect(review.conclusion).toBe('success');

      // The same deliveries again, same ids: nothing moves, nothing is written.
      await quiet(world);
      const record = await world.app.store.workItems.getByIssue(scenario.sample.fullName, story.issue);
      const writes = appWrites();
      for (const delivery of held) await webhooks.redeliver(delivery.id);
      await quiet(world);
      const again = await world.app.store.workItems.getByIssue(scenario.sample.fullName, story.issue);
      expect(again?.version).toBe(record?.version);
      expect(appWrites()).toBe(writes);

      scenario.comment(story.pr ?? 0, '/approve');
      await scenario.epicState(issue, 'done');
      await quiet(world);

      // Older events under new ids, after newer ones: the label, the plan's /approve, the implement run done.
      const writesAfterDone = appWrites();
      const epicVersion = (await world.app.store.workItems.getByIssue(scenario.sample.fullName, issue))
        ?.version;
      const old = (event: string, action: string, includes: string) => {
        const found = scenario
          .deliveries(event)
          .find((delivery) => delivery.action === action && delivery.body.includes(includes));
        if (found === undefined) throw new Error(`no ${event}.${action} delivery with ${includes}`);
        return found;
      };
      const late = [
        old('issues', 'labeled', '"name":"ai:implement"'),
        old('issue_comment', 'created', '"body":"/approve"'),
        old('workflow_run', 'completed', 'ai-orchestrator implement'),
      ];
      for (const delivery of late) {
        await webhooks.send({ event: delivery.event, payload: delivery.body });
      }
      await quiet(world);
      expect((await world.app.store.workItems.getByIssue(scenario.sample.fullName, issue))?.version).toBe(
        epicVersion,
      );
      expect(appWrites()).toBe(writesAfterDone);
      expect(scenario.dispatches().map((dispatch) => dispatch.stage)).toEqual([
        'plan',
        'implement',
        'review',
        'validate',
      ]);
      expect(scenario.runs()).toHaveLength(4);
      expectNoFailures(scenario);
      expect(playerReport(world).unplayed).toEqual([]);
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
