/**
 * The app killed and restarted mid-flow: while the implement run is working, the app stops; the run
 * finishes while nobody listens (GitHub's deliveries fail, as they do against a crashed app); a new app
 * starts on the same store folder and port, and the failed deliveries are redelivered, as an operator
 * does from the App's "Recent deliveries" page. Nothing is lost and nothing happens twice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uploadedResults } from '../../testbed/demo/report.js';
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
  issueTitle: 'Slugs that survive a restart',
  storyTitle: 'Add slugify(title) across a restart',
};

let world: World;

beforeAll(async () => {
  world = await startE2E(slugifyTranscripts(VARIANT));
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('a restart of the app', () => {
  it(
    'loses nothing and does nothing twice when the app stops while a run works',
    async () => {
      const scenario = new Scenario(world, 'restart');
      const { webhooks } = world.github;
      const issue = scenario.openIssue({
        title: VARIANT.issueTitle,
        body: 'Add `slugify(title)` to `src/`: lower case, no accents, one `-` between words, none at the ends. With tests.',
      });
      scenario.label(issue);
      await scenario.planPosted(issue);
      scenario.comment(issue, '/approve');

      const implement = await scenario.until(issue, 'the implement run to start', () =>
        world.runner
          .runs()
          .find((run) => run.repository === scenario.sample.fullName && run.inputs.stage === 'implement'),
      );
      const appBefore = world.app;
      await world.restartApp({
        beforeStart: async () => {
          // The app is down: the run finishes and GitHub tries to tell it.
          await world.runner.waitFor(implement.id);
          await webhooks.settled();
        },
      });
      expect(world.app).not.toBe(appBefore);

      const failed = scenario.deliveries().filter((delivery) => delivery.state === 'failed');
      expect(failed.map((delivery) => `${delivery.event}.${delivery.action ?? ''}`)).toContain(
        'workflow_run.completed',
      );
      for (const delivery of failed) await webhooks.redeliver(delivery.id);

      const pr = await scenario.approveWhenGreen(issue, 'slugify');
      await scenario.epicState(issue, 'done');
      await quiet(world);
      expect(scenario.state.pulls.get(scenario.repo, pr).pull.merged).toBe(true);

      // Each stage ran once, was dispatched once, and the merge was asked for once.
      expect(scenario.runs().map((run) => [run.stage, run.conclusion])).toEqual([
        ['plan', 'success'],
        ['implement', 'success'],
        ['review', 'success'],
        ['validate', 'success'],
      ]);
      expect(scenario.dispatches().map((dispatch) => dispatch.stage)).toEqual([
        'plan',
        'implement',
        'review',
        'validate',
      ]);
      const merges = world.github.requests.filter(
        (request) =>
          request.operationId === 'pulls/merge' && request.path.includes(`/${scenario.sample.fullName}/`),
      );
      expect(merges).toHaveLength(1);
      // No comment was posted twice.
      const bodies = [issue, pr].flatMap((number) =>
        scenario.comments(number).filter((comment) => comment.login === 'ai-orchestrator[bot]'),
      );
      expect(new Set(bodies.map((comment) => comment.body)).size).toBe(bodies.length);
      // The ledger booked each result the app read exactly once: its total is theirs, no more, no less.
      const read = uploadedResults(scenario.repo).filter(
        (result) => result.artifact === 'ai-orchestrator-result',
      );
      expect(read.map((result) => result.document.stage)).toEqual([
        'plan',
        'implement',
        'release-gate',
        'validate',
      ]);
      const ledger = await world.app.store.usage.totalsForRepository(scenario.sample.fullName);
      const documented = read.reduce((sum, result) => sum + result.document.usage.cost_usd, 0);
      expect(ledger.costUsd).toBeCloseTo(documented, 6);

      // Every delivery has now reached an app; the redelivered ones kept their ids.
      const stillFailed = failed.filter((delivery) => delivery.state !== 'delivered');
      expect(stillFailed).toEqual([]);
      expect(playerReport(world)).toEqual({ unplayed: [], divergences: [] });
      expectNoFailures(scenario);
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
