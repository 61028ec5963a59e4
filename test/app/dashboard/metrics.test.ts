import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { conductorApp } from '../../../app/conductor-app.js';
import type { Conductor } from '../../../app/conductor/index.js';
import { startApp } from '../../../app/start.js';
import type { RunningApp } from '../../../app/start.js';
import { primaryRateLimit } from '../../../testbed/github/index.js';
import { Scenario } from '../conductor/harness.js';
import { RUN_COST, scriptedLifecycle } from './lifecycle.js';
import type { Lifecycle } from './lifecycle.js';
import { appConfig, startAppWorld, testOctokit } from './world.js';
import type { AppWorld } from './world.js';

let world: AppWorld;
let before: Map<string, number>;
let after: Map<string, number>;
let life: Lifecycle;

/** The samples of an exposition, by `name{labels}` as printed (labels in prom-client's order). */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const index = line.lastIndexOf(' ');
    samples.set(line.slice(0, index), Number(line.slice(index + 1)));
  }
  return samples;
}

async function scrape(
  app: RunningApp = world.app,
  headers: Record<string, string> = {},
): Promise<Map<string, number>> {
  const answer = await fetch(new URL('/metrics', app.url), { headers });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toContain('text/plain');
  return parse(await answer.text());
}

const value = (samples: Map<string, number>, key: string): number => samples.get(key) ?? 0;
const moved = (key: string): number => value(after, key) - value(before, key);
/** The sum of every sample of a metric whose labels match `filter`. */
function total(samples: Map<string, number>, name: string, filter = ''): number {
  let sum = 0;
  for (const [key, sample] of samples) if (key.startsWith(`${name}{`) && key.includes(filter)) sum += sample;
  return sum;
}

beforeAll(async () => {
  world = await startAppWorld();
  before = await scrape();
  life = await scriptedLifecycle(world);
  after = await scrape();
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('/metrics', () => {
  it('counts deliveries by event and outcome, with their handling time', () => {
    expect(
      moved('ai_orchestrator_webhook_deliveries_total{event="issues.labeled",outcome="handled"}'),
    ).toBeGreaterThanOrEqual(3);
    expect(
      moved('ai_orchestrator_webhook_deliveries_total{event="workflow_run.completed",outcome="handled"}'),
    ).toBe(life.runs);
    expect(
      moved('ai_orchestrator_webhook_deliveries_total{event="issue_comment.created",outcome="handled"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(total(after, 'ai_orchestrator_webhook_deliveries_total', 'outcome="failed"')).toBe(0);
    expect(
      moved(
        'ai_orchestrator_webhook_delivery_duration_seconds_count{event="workflow_run.completed",outcome="handled"}',
      ),
    ).toBe(life.runs);
  });

  it('counts dispatches by stage, transitions, stage durations and gate decisions', () => {
    expect(moved('ai_orchestrator_dispatches_total{stage="plan"}')).toBe(3);
    expect(moved('ai_orchestrator_dispatches_total{stage="implement"}')).toBe(2);
    expect(moved('ai_orchestrator_dispatches_total{stage="review"}')).toBe(1);
    expect(moved('ai_orchestrator_transitions_total{from="new",to="planning",event="labelled"}')).toBe(3);
    expect(
      moved(
        'ai_orchestrator_transitions_total{from="awaiting_plan_approval",to="implementing",event="approve"}',
      ),
    ).toBe(1);
    expect(
      moved('ai_orchestrator_transitions_total{from="implementing",to="failed",event="stage_failed"}'),
    ).toBe(1);
    expect(
      moved(
        'ai_orchestrator_transitions_total{from="planning",to="awaiting_clarification",event="questions"}',
      ),
    ).toBe(1);
    expect(moved('ai_orchestrator_gate_decisions_total{decision="approved"}')).toBe(1);
    expect(moved('ai_orchestrator_stage_duration_seconds_count{stage="plan",conclusion="success"}')).toBe(3);
    expect(
      moved('ai_orchestrator_stage_duration_seconds_count{stage="implement",conclusion="failure"}'),
    ).toBe(1);
    expect(
      value(after, 'ai_orchestrator_stage_duration_seconds_sum{stage="plan",conclusion="success"}'),
    ).toBeGreaterThan(0);
  });

  it('counts GitHub API calls by route template and status', () => {
    expect(
      moved(
        'ai_orchestrator_github_requests_total{method="POST",route="/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",status="200"}',
      ),
    ).toBe(6);
    expect(
      total(after, 'ai_orchestrator_github_requests_total') -
        total(before, 'ai_orchestrator_github_requests_total'),
    ).toBeGreaterThan(40);
    expect(moved('ai_orchestrator_github_request_duration_seconds_count{method="POST"}')).toBeGreaterThan(0);
  });

  it('counts model tokens and cost from the ingested usage', () => {
    // Three plan runs booked as the planner: 1,000 input tokens each.
    expect(moved('ai_orchestrator_model_tokens_total{stage="plan",role="planner",type="input"}')).toBe(3000);
    expect(
      moved('ai_orchestrator_model_tokens_total{stage="implement",role="developer",type="output"}'),
    ).toBe(400);
    const cost =
      total(after, 'ai_orchestrator_model_cost_usd_total') -
      total(before, 'ai_orchestrator_model_cost_usd_total');
    expect(cost).toBeCloseTo(life.runs * RUN_COST, 6);
  });

  it('reads work items by state and paused repositories from the store', () => {
    expect(value(after, 'ai_orchestrator_work_items{state="failed"}')).toBe(1);
    expect(value(after, 'ai_orchestrator_work_items{state="awaiting_merge_approval"}')).toBe(1);
    expect(value(after, 'ai_orchestrator_work_items{state="done"}')).toBe(0);
    expect(value(after, 'ai_orchestrator_repositories_paused')).toBe(0);
  });

  it('names no repository, issue or person', async () => {
    const text = await (await fetch(new URL('/metrics', world.app.url))).text();
    for (const name of [life.scenario.fullName, 'acme', 'alice', 'pet insurance'])
      expect(text).not.toContain(name);
  });

  it('counts duplicates, rate-limit waits and heartbeats', async () => {
    const scenario = new Scenario(world.world);
    const issue = scenario.openIssue('Rate limited');
    world.world.github.inject({
      route: 'issues/add-labels',
      ...primaryRateLimit({ resetAt: new Date(Date.now() + 2_000) }),
    });
    scenario.label(issue);
    await world.settle();
    expect(scenario.labels(issue)).toContain('ai:planning');
    const delivered = world.world.github.webhooks.deliveries('issues').at(-1)!;
    await world.world.github.webhooks.redeliver(delivered.id);
    await world.settle();
    const conductor = world.app.handlers as unknown as Conductor;
    await conductor.beat();

    const now = await scrape();
    expect(value(now, 'ai_orchestrator_github_rate_limits_total{kind="primary",decision="wait"}')).toBe(1);
    expect(
      value(now, 'ai_orchestrator_github_rate_limit_wait_seconds_total{kind="primary"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value(
        now,
        `ai_orchestrator_webhook_deliveries_total{event="${delivered.event}.${delivered.action}",outcome="duplicate"}`,
      ),
    ).toBe(1);
    expect(value(now, 'ai_orchestrator_heartbeats_total')).toBe(1);
    expect(value(now, 'ai_orchestrator_heartbeat_last_beat_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
  });
});

describe('METRICS_TOKEN', () => {
  let guarded: RunningApp;
  const token = 'metrics-token-0123456789abcdef0123456789';

  beforeAll(async () => {
    guarded = await startApp({
      config: appConfig(world.world, { METRICS_TOKEN: token }),
      app: conductorApp,
      store: world.world.store,
      Octokit: testOctokit(),
      env: {},
    });
  }, 60_000);

  afterAll(async () => {
    await guarded?.stop();
  });

  it('guards /metrics with its own bearer token when set', async () => {
    const refused = await fetch(new URL('/metrics', guarded.url));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: 'METRICS_TOKEN is set: send it as a bearer token' });
    expect(
      (await fetch(new URL('/metrics', guarded.url), { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    const samples = await scrape(guarded, { authorization: `Bearer ${token}` });
    expect(samples.has('ai_orchestrator_work_items{state="failed"}')).toBe(true);
  });
});
