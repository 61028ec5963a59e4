/**
 * A plan of four stories in a DAG (A; B after A; C after A; D after B and C), end to end: stories start
 * only when their dependencies are merged, B and C run side by side, C fails (the orchestrator's test run
 * catches its bug; this repository allows no fix round), `/retry C` runs C alone again, and D starts once
 * B and the retried C are merged. A maintainer approves each pull request when its gate is green.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { World } from '../../testbed/demo/world.js';
import { LIFECYCLE_TIMEOUT_MS, Scenario, expectNoFailures, playerReport, startE2E } from './harness.js';
import { TAGS_ISSUE, tagsTranscripts } from './transcripts/tags.js';

let world: World;

beforeAll(async () => {
  world = await startE2E(tagsTranscripts());
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('a four-story DAG', () => {
  it(
    'runs stories as their dependencies merge, and retries the failed one alone',
    async () => {
      const scenario = new Scenario(world, 'tags', { policy: 'implement:\n  fix_attempts: 0\n' });
      const issue = scenario.openIssue(TAGS_ISSUE);
      scenario.label(issue);
      const plan = await scenario.planPosted(issue);
      expect(plan.map((story) => [story.id, story.dependsOn])).toEqual([
        ['A', []],
        ['B', ['A']],
        ['C', ['A']],
        ['D', ['B', 'C']],
      ]);
      scenario.comment(issue, '/approve');

      // A alone first; B and C only once A is merged.
      await scenario.approveWhenGreen(issue, 'A');
      await scenario.storyState(issue, 'A', 'done');
      const failed = await scenario.until(
        issue,
        'story C to fail',
        (snapshot) => snapshot.stories.find((story) => story.id === 'C' && story.state === 'failed'),
        { failWhenStuck: false },
      );
      expect(failed.reason).toMatch(/npm test/);
      await scenario.approveWhenGreen(issue, 'B');
      await scenario.storyState(issue, 'B', 'done');
      // D waits for C: nothing of D has been dispatched while C is failed.
      expect(scenario.dispatches().filter((dispatch) => dispatch.story === 'D')).toEqual([]);

      // With B done and C failed, no story can go on: the issue says so, and waits for a person.
      await scenario.epicState(issue, 'failed', { failWhenStuck: false });
      await scenario.labelled(issue, 'ai:failed');
      scenario.comment(issue, '/retry C');
      await scenario.approveWhenGreen(issue, 'C');
      await scenario.approveWhenGreen(issue, 'D');
      await scenario.epicState(issue, 'done');

      // Implement ran once for A, B and D, twice for C (the failure, then the retry); C's retry was alone.
      const implemented = scenario
        .runs()
        .filter((run) => run.stage === 'implement')
        .map((run) => [run.story, run.conclusion]);
      expect(implemented[0]).toEqual(['A', 'success']);
      expect(implemented.slice(1, 3).sort()).toEqual([
        ['B', 'success'],
        ['C', 'failure'],
      ]);
      expect(implemented.slice(3)).toEqual([
        ['C', 'success'],
        ['D', 'success'],
      ]);
      // Every story's pull request merged into main; D's test uses all three modules from there.
      const main = (path: string) =>
        scenario.state.repos.readFile(scenario.repo, 'main', path)?.toString('utf8');
      expect(main('src/tags/index.js')).toContain("export { countTags } from './count.js';");
      expect(main('src/tags/count.js')).toContain('new Set(parseTags(text)');
      const merged = [...scenario.repo.pulls.values()].filter((pull) => pull.merged);
      expect(merged).toHaveLength(4);
      expectNoFailures(scenario);
      expect(playerReport(world).unplayed).toEqual([]);
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
