/**
 * The happy path, end to end, as `ai-orchestrator demo` (the README's main-job command) runs it: a
 * maintainer labels an issue; the plan is posted and approved; the developer implements the story (its own
 * test run fails once on an edge case and it fixes it); four reviewers and the release gate pass the pull
 * request; the maintainer approves; the app merges and validates. Every step is the real thing: webhooks
 * over HTTP, the example workflow and our actions run by the local runner, git over HTTP, the SDK against
 * the model fake playing the demo's transcripts. The test checks what the demo prints and, before the demo
 * stops its world, what GitHub and the app's store hold.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { demoCommand } from '../../cli/demo.js';
import { AI_GENERATED_LABEL, REVIEWER_ROLES, reviewCheckName } from '../../core/roles.js';
import type { AuditEntry, UsageTotals } from '../../app/store/index.js';
import { uploadedResults } from '../../testbed/demo/report.js';
import type { UploadedResult } from '../../testbed/demo/report.js';
import { runDemo } from '../../testbed/demo/run-demo.js';
import type { PullRequest } from '../../testbed/github/index.js';
import { memoryIO } from '../support/cli-io.js';
import { MAINTAINER } from './harness.js';

/** What the test reads from the world before the demo stops it. */
interface Facts {
  pull: PullRequest;
  pullLabels: string[];
  issueLabels: string[];
  merged: string | undefined;
  checks: Map<string, string | null>;
  runs: [string, string | null][];
  dispatches: string[];
  audit: AuditEntry[];
  results: UploadedResult[];
  ledger: UsageTotals;
  unplayed: string[];
  root: string;
}

describe('the happy path, as ai-orchestrator demo runs it', () => {
  it('takes an issue from the label to a merged, validated pull request, and says what ran', async () => {
    let text = '';
    let facts: Facts | undefined;
    const outcome = await runDemo({
      write: (chunk) => {
        text += chunk;
      },
      tty: false,
      beforeClose: async (world, { sample, issue, pulls }) => {
        const { state } = world.github;
        const [pr] = pulls;
        if (pr === undefined) throw new Error('the demo merged no pull request');
        const { pull } = state.pulls.get(sample.repo, pr);
        facts = {
          pull,
          pullLabels: [...state.issues.get(sample.repo, pr).labels],
          issueLabels: [...state.issues.get(sample.repo, issue).labels],
          merged: state.repos.readFile(sample.repo, 'main', 'src/slugify.js')?.toString('utf8'),
          checks: new Map(
            state.checks
              .listForRef(sample.repo, pull.headSha)
              .filter((check) => check.appId === world.ghApp.id)
              .map((check) => [check.name, check.conclusion]),
          ),
          runs: world.runner.runs().map((run) => [run.inputs.stage ?? '', run.conclusion]),
          dispatches: world.github.requests
            .filter(
              (request) => request.operationId === 'actions/create-workflow-dispatch' && request.status < 300,
            )
            .map((request) => (request.body as { inputs: { stage: string } }).inputs.stage),
          audit: (await world.app.store.audit.list({ repository: sample.fullName, limit: 1000 })).reverse(),
          results: uploadedResults(sample.repo),
          ledger: await world.app.store.usage.totalsForRepository(sample.fullName),
          unplayed: world.model.kind === 'recorded' ? world.model.log.unplayed() : ['(live model)'],
          root: path.dirname(world.dataDir),
        };
      },
    });
    expect(outcome).toMatchObject({ ok: true, problem: undefined });
    expect(outcome.seconds).toBeLessThan(120);
    if (facts === undefined) throw new Error('the demo ended before its world could be read');

    // What the demo says: which model answered (never "live" for a recorded run), each human step, the
    // gate's decision, the merge, the developer's real test runs, the audit log, the ledger, the clean-up.
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^model: recorded transcripts \(offline\)/);
    expect(text).not.toContain('live Anthropic API');
    expect(text).toMatch(/octocat reads the plan and comments \/approve on #1/);
    expect(text).toMatch(/release gate \(ai-orchestrator\/release-gate\): approved, check success/);
    expect(text).toMatch(/merged by ai-orchestrator\[bot\] \(squash\) as [0-9a-f]{40}/);
    expect(text).toMatch(/npm test: the command \(`npm test`\) failed with exit code 1/);
    expect(text).toMatch(/npm test: passed \(exit code 0\)/);
    expect(text).toMatch(/Audit log \(\d+ entries/);
    expect(text).toMatch(/Token and cost ledger/);
    expect(text).not.toMatch(/differ by/);
    expect(text).toMatch(/Transcripts: 6 agent runs replayed .*none left unplayed/);
    expect(text).toMatch(/Done in [\d.]+ s/);
    expect(existsSync(facts.root)).toBe(false);

    // The pull request: the developer's branch, merged by the app, labelled as AI-made.
    expect(facts.pull).toMatchObject({ merged: true, baseRef: 'main' });
    expect(facts.pull.headRef).toMatch(/^ai\/\d+-/);
    expect(facts.pullLabels).toContain(AI_GENERATED_LABEL);
    expect(facts.issueLabels).toContain('ai:done');
    expect(facts.merged).toContain("replace(/^-+|-+$/g, '')");

    // On the merged head: the tests, the four reviewers and the gate, all from the orchestrator's App.
    for (const role of REVIEWER_ROLES) expect(facts.checks.get(reviewCheckName(role))).toBe('success');
    expect(facts.checks.get('ai-orchestrator/release-gate')).toBe('success');
    expect(facts.checks.get('ai-orchestrator/tests')).toBe('success');

    // Each stage ran once and succeeded; the app dispatched exactly those runs.
    expect(facts.runs).toEqual([
      ['plan', 'success'],
      ['implement', 'success'],
      ['review', 'success'],
      ['validate', 'success'],
    ]);
    expect(facts.dispatches).toEqual(['plan', 'implement', 'review', 'validate']);

    // The merge is in the audit log; the human's commands moved the items.
    expect(
      facts.audit.some(
        (entry) => entry.action === 'pulls.merge' && entry.target.endsWith(`#${facts?.pull.number}`),
      ),
    ).toBe(true);
    expect(
      facts.audit.some((entry) => entry.action === 'workflow.transition' && entry.actor === MAINTAINER),
    ).toBe(true);

    // The app's ledger holds what every agent run reported (planner, developer, the four reviewers),
    // most of the input read from the prompt cache.
    const agentRuns = facts.results.filter((result) => result.document.stage !== 'release-gate');
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
    expect(reported).toBeGreaterThan(0);
    expect(facts.ledger.costUsd).toBeCloseTo(reported, 6);
    expect(facts.ledger.cacheReadTokens).toBeGreaterThan(facts.ledger.tokensIn);
    expect(facts.unplayed).toEqual([]);
  }, 180_000);

  it('refuses arguments it does not know, or a timeout that is not a number, with exit 2', async () => {
    const unknown = memoryIO();
    expect(await demoCommand(['--fast'], unknown)).toBe(2);
    expect(unknown.stderr.join('\n')).toMatch(/Unknown option '--fast'/);
    const timeout = memoryIO();
    expect(await demoCommand(['--step-timeout', 'soon'], timeout)).toBe(2);
    expect(timeout.stderr.join('\n')).toMatch(/--step-timeout expects a number of seconds, got "soon"/);
  });
});
