/**
 * The happy path, end to end: a maintainer labels an issue; the plan is posted and approved; the developer
 * implements the story (its own test run fails once on an edge case and it fixes it); four reviewers and
 * the release gate pass the pull request; the maintainer approves; the app merges and validates. Every
 * step is the real thing: webhooks over HTTP, the example workflow and our actions run by the local runner,
 * git over HTTP, the SDK against the model fake playing the demo's transcripts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AI_GENERATED_LABEL, REVIEWER_ROLES, reviewCheckName } from '../../core/roles.js';
import { uploadedResults } from '../../testbed/demo/report.js';
import { SAMPLE_ISSUE } from '../../testbed/demo/sample-repo.js';
import { DEMO_VARIANT, slugifyTranscripts } from '../../testbed/demo/transcripts/slugify.js';
import type { World } from '../../testbed/demo/world.js';
import {
  LIFECYCLE_TIMEOUT_MS,
  MAINTAINER,
  Scenario,
  expectNoFailures,
  playerReport,
  quiet,
  startE2E,
} from './harness.js';

let world: World;

beforeAll(async () => {
  world = await startE2E(slugifyTranscripts(DEMO_VARIANT));
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('the happy path', () => {
  it(
    'takes an issue from the label to a merged, validated pull request',
    async () => {
      const scenario = new Scenario(world, 'notes');
      const issue = scenario.openIssue(SAMPLE_ISSUE);
      scenario.label(issue);

      const plan = await scenario.planPosted(issue);
      expect(plan).toEqual([{ id: 'slugify', title: DEMO_VARIANT.storyTitle, dependsOn: [] }]);
      expect(scenario.labels(issue)).toContain('ai:awaiting-approval');
      scenario.comment(issue, '/approve');

      const pr = await scenario.approveWhenGreen(issue, 'slugify');
      await scenario.epicState(issue, 'done');
      await quiet(world);

      // The pull request: the developer's branch, merged by the app, labelled as AI-made.
      const { pull } = scenario.state.pulls.get(scenario.repo, pr);
      expect(pull).toMatchObject({ merged: true, baseRef: 'main' });
      expect(pull.headRef).toMatch(/^ai\/\d+-/);
      expect(scenario.labels(pr)).toContain(AI_GENERATED_LABEL);
      expect(scenario.labels(issue)).toContain('ai:done');
      const merged = scenario.state.repos.readFile(scenario.repo, 'main', 'src/slugify.js')?.toString('utf8');
      expect(merged).toContain("replace(/^-+|-+$/g, '')");

      // On the merged head: the tests, the four reviewers and the gate, all from the orchestrator's App.
      const checks = scenario.state.checks
        .listForRef(scenario.repo, pull.headSha)
        .filter((check) => check.appId === world.ghApp.id);
      const byName = new Map(checks.map((check) => [check.name, check.conclusion]));
      for (const role of REVIEWER_ROLES) expect(byName.get(reviewCheckName(role))).toBe('success');
      expect(byName.get('ai-orchestrator/release-gate')).toBe('success');
      expect(byName.get('ai-orchestrator/tests')).toBe('success');

      // Each stage ran once and succeeded; the app dispatched exactly those runs.
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

      // The merge is in the audit log, caused by the human who approved it.
      const audit = await scenario.audit();
      const mergeEntry = audit.find((entry) => entry.action === 'pulls.merge');
      expect(mergeEntry).toMatchObject({ target: `${scenario.sample.fullName}#${pr}` });
      expect(
        audit.some((entry) => entry.action === 'workflow.transition' && entry.actor === MAINTAINER),
      ).toBe(true);

      // The app's ledger holds what every agent run reported (planner, developer, the four reviewers),
      // most of the input read from the prompt cache.
      const agentRuns = uploadedResults(scenario.repo).filter(
        (result) => result.document.stage !== 'release-gate',
      );
      expect(agentRuns.map((result) => result.artifact).sort()).toEqual([
        'ai-orchestrator-result',
        'ai-orchestrator-result',
        'ai-orchestrator-result',
        'ai-orchestrator-verdict-architecture',
        'ai-orchestrator-verdict-security',
        'ai-orchestrator-verdict-story-alignment',
        'ai-orchestrator-verdict-test-quality',
      ]);
      const reported = agentRuns.reduce((sum, result) => sum + result.document.usage.cost_usd, 0);
      const ledger = await world.app.store.usage.totalsForRepository(scenario.sample.fullName);
      expect(reported).toBeGreaterThan(0);
      expect(ledger.costUsd).toBeCloseTo(reported, 6);
      expect(ledger.cacheReadTokens).toBeGreaterThan(ledger.tokensIn);

      expectNoFailures(scenario);
      expect(playerReport(world).unplayed).toEqual([]);
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
