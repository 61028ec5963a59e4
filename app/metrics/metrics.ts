/**
 * The app's Prometheus metrics, in a registry of its own (not prom-client's global one), so several apps in
 * one process (the tests) each count their own. Labels are low-cardinality by design: events, stages,
 * states, HTTP methods and route templates; never repositories, issues, titles or logins, so `/metrics`
 * says how the system runs without saying on what.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { WORK_STATES } from '../../core/workflow.js';
import type { ConductorObserver } from '../conductor/observer.js';
import type { BeatReport } from '../heartbeat/report.js';
import type { Store } from '../store/index.js';

const PREFIX = 'ai_orchestrator_';

/** Buckets for stage runs: from seconds (a run refused at once) to hours (a long implement stage). */
const STAGE_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];
/** Buckets for handling one delivery and one GitHub request. */
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The heartbeat findings counted, as BeatReport names them. */
const FINDINGS = ['redispatched', 'failed', 'ingested', 'reminded', 'drained', 'skipped', 'errors'] as const;

export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean;
}

export class AppMetrics {
  readonly registry = new Registry();

  readonly deliveries: Counter<'event' | 'outcome'>;
  readonly deliveryDuration: Histogram<'event' | 'outcome'>;
  readonly dispatches: Counter<'stage'>;
  readonly transitions: Counter<'from' | 'to' | 'event'>;
  readonly refusals: Counter<'event' | 'state'>;
  readonly stageDuration: Histogram<'stage' | 'conclusion'>;
  readonly gateDecisions: Counter<'decision'>;
  readonly githubRequests: Counter<'method' | 'route' | 'status'>;
  readonly githubRequestDuration: Histogram<'method'>;
  readonly rateLimits: Counter<'kind' | 'decision'>;
  readonly rateLimitWait: Counter<'kind'>;
  readonly modelTokens: Counter<'stage' | 'role' | 'type'>;
  readonly modelCost: Counter<'stage' | 'role'>;
  readonly beats: Counter;
  readonly lastBeat: Gauge;
  readonly findings: Counter<'kind'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name: PREFIX + name, help, labelNames, registers });
    const histogram = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      buckets: number[],
    ) => new Histogram<L>({ name: PREFIX + name, help, labelNames, buckets, registers });

    this.deliveries = counter(
      'webhook_deliveries_total',
      'Webhook deliveries by event and outcome: handled, failed (a handler threw), duplicate (an id seen before).',
      ['event', 'outcome'],
    );
    this.deliveryDuration = histogram(
      'webhook_delivery_duration_seconds',
      'Time to handle one delivery (all handlers, including the outbox drains they run).',
      ['event', 'outcome'],
      FAST_BUCKETS,
    );
    this.dispatches = counter(
      'dispatches_total',
      'Workflow dispatches sent, by stage (re-dispatches of runs that never started included).',
      ['stage'],
    );
    this.transitions = counter(
      'transitions_total',
      'Work item transitions stored, by the state left, the state entered and the event.',
      ['from', 'to', 'event'],
    );
    this.refusals = counter(
      'transitions_refused_total',
      'Events the state machine refused in the item state they arrived in.',
      ['event', 'state'],
    );
    this.stageDuration = histogram(
      'stage_duration_seconds',
      'From dispatching a stage to taking in its result, by stage and run conclusion.',
      ['stage', 'conclusion'],
      STAGE_BUCKETS,
    );
    this.gateDecisions = counter(
      'gate_decisions_total',
      'Release gate decisions applied: approved, skipped, blocked.',
      ['decision'],
    );
    this.githubRequests = counter(
      'github_requests_total',
      'GitHub API calls by method, route template and final status (0: no answer).',
      ['method', 'route', 'status'],
    );
    this.githubRequestDuration = histogram(
      'github_request_duration_seconds',
      'Time of one GitHub API call, retries and rate-limit waits included.',
      ['method'],
      FAST_BUCKETS,
    );
    this.rateLimits = counter(
      'github_rate_limits_total',
      'GitHub rate limits hit, by kind (primary, secondary) and decision (wait: retried after the wait; give_up).',
      ['kind', 'decision'],
    );
    this.rateLimitWait = counter(
      'github_rate_limit_wait_seconds_total',
      'Seconds spent waiting for GitHub rate limits to lift.',
      ['kind'],
    );
    this.modelTokens = counter(
      'model_tokens_total',
      'Model tokens booked from stage results, by stage, role and type (input, output, cache_read, cache_write).',
      ['stage', 'role', 'type'],
    );
    this.modelCost = counter(
      'model_cost_usd_total',
      'Model cost in US dollars booked from stage results, by stage and role.',
      ['stage', 'role'],
    );
    this.beats = counter('heartbeats_total', 'Heartbeats (reconciliations) run.', []);
    this.lastBeat = new Gauge({
      name: `${PREFIX}heartbeat_last_beat_timestamp_seconds`,
      help: 'When the last heartbeat ended (Unix time); 0 before the first.',
      registers,
    });
    this.findings = counter(
      'heartbeat_findings_total',
      'What heartbeats found and did: redispatched, failed, ingested, reminded, drained, skipped, errors.',
      ['kind'],
    );
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /**
   * Adds the gauges read from the store at each scrape: work items by state and paused repositories (so
   * they are right whichever replica moved them).
   */
  trackStore(store: Store): void {
    new Gauge<'state'>({
      name: `${PREFIX}work_items`,
      help: 'Work items by state (read from the store at each scrape).',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counts = await store.workItems.countByState();
        for (const state of WORK_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
    new Gauge({
      name: `${PREFIX}repositories_paused`,
      help: 'Repositories paused with the kill switch (read from the store at each scrape).',
      registers: [this.registry],
      async collect() {
        this.set((await store.repositories.list()).filter((repository) => repository.paused).length);
      },
    });
  }

  /** The observer the conductor reports to. */
  conductorObserver(): ConductorObserver {
    return {
      transitioned: (report) => {
        this.transitions.inc({ from: report.from, to: report.to, event: report.event });
        if (report.gate !== undefined) this.gateDecisions.inc({ decision: report.gate });
      },
      refused: (report) => this.refusals.inc(report),
      dispatched: (report) => this.dispatches.inc(report),
      runCompleted: (dispatch) => {
        if (dispatch.finishedAt === null) return;
        const seconds = (Date.parse(dispatch.finishedAt) - Date.parse(dispatch.dispatchedAt)) / 1000;
        if (Number.isFinite(seconds) && seconds >= 0)
          this.stageDuration.observe(
            { stage: dispatch.stage, conclusion: dispatch.conclusion ?? 'unknown' },
            seconds,
          );
      },
      usageBooked: (usage) => {
        for (const entry of usage) {
          const labels = { stage: entry.stage, role: entry.role };
          this.modelTokens.inc({ ...labels, type: 'input' }, entry.tokensIn);
          this.modelTokens.inc({ ...labels, type: 'output' }, entry.tokensOut);
          this.modelTokens.inc({ ...labels, type: 'cache_read' }, entry.cacheReadTokens);
          this.modelTokens.inc({ ...labels, type: 'cache_write' }, entry.cacheWriteTokens);
          this.modelCost.inc(labels, entry.costUsd);
        }
      },
      beat: (report: BeatReport, _startedAt, finishedAt) => {
        this.beats.inc();
        this.lastBeat.set(finishedAt.getTime() / 1000);
        for (const kind of FINDINGS) {
          const found = report[kind].length;
          if (found > 0) this.findings.inc({ kind }, found);
        }
      },
    };
  }

  /** Counts one delivery the queue finished (or refused as a duplicate, with no duration). */
  delivered(event: string, outcome: string, seconds?: number): void {
    this.deliveries.inc({ event, outcome });
    if (seconds !== undefined) this.deliveryDuration.observe({ event, outcome }, seconds);
  }

  /** The exposition text, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
