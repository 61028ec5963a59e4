/**
 * The durable delivery queue between the webhook endpoint and the app's Probot handlers.
 *
 * A verified delivery is written to the store (`pendingDeliveries`: its raw payload, leased to this
 * instance) before it is acknowledged, then handled in the background by `probot.receive`; only when that
 * ends is the payload removed and the outcome ('handled' or 'failed' with the error) recorded on the
 * delivery. So an acknowledged delivery survives a crash: when the dead instance's lease lapses, this or
 * another instance takes it over (`start`, and a periodic sweep) and handles it. Handlers must therefore be
 * idempotent: a delivery interrupted mid-way is handled again from the start.
 *
 * Deliveries of one repository are handled one at a time in arrival order; different repositories run side
 * by side, up to a bound.
 */
import { randomUUID } from 'node:crypto';
import type { Logger, Probot } from 'probot';
import { withLogScope } from '../logging/scope.js';
import type { VerifiedDelivery } from '../server/webhook.js';
import type { Claim, DeliveryOutcome, PendingDelivery, Store } from '../store/index.js';
import { laneOf } from './lane.js';
import { LaneScheduler } from './lanes.js';

export interface DeliveryQueueOptions {
  store: Store;
  /** The app whose handlers receive the deliveries. */
  probot: Probot;
  log: Logger;
  /** Told about each delivery accepted as a duplicate, and each one finished (with its duration). */
  metrics?: { delivered(event: string, outcome: string, seconds?: number): void };
  /** This instance's name on its leases; default: a random one (one per process start). */
  owner?: string;
  /** The most deliveries handled at once (of different lanes); default 8. */
  concurrency?: number;
  /**
   * How long a lease lasts unless renewed, in ms (default 60 000): how long a crashed instance's
   * deliveries wait before another instance takes them over. Renewed every third of it.
   */
  leaseMs?: number;
  /**
   * How many times handling a delivery may be started before it is given up as failed (default 3): a
   * delivery that kills the process each time must not do so forever.
   */
  maxAttempts?: number;
}

/** Longest error text kept on a delivery. */
const MAX_ERROR_LENGTH = 4000;

/** The text recorded for a handler's failure: every message of an AggregateError, as Probot throws it. */
function describeError(error: unknown): string {
  const errors = error instanceof AggregateError ? error.errors : [error];
  const text = errors
    .map((e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)))
    .join('\n');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

type WebhookEvent = Parameters<Probot['receive']>[0];

/**
 * The event Probot receives. The payload's shape is GitHub's contract for that event: the signature
 * proved it came from GitHub, and the endpoint checked it is a JSON object; its fields are the handlers'
 * to read, as in Probot's own middleware.
 */
function toWebhookEvent(id: string, name: string, payload: Record<string, unknown>): WebhookEvent {
  return { id, name, payload } as unknown as WebhookEvent;
}

export class DeliveryQueue {
  readonly owner: string;
  private readonly store: Store;
  private readonly probot: Probot;
  private readonly log: Logger;
  private readonly metrics: DeliveryQueueOptions['metrics'];
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly lanes: LaneScheduler;
  /** Deliveries this instance has scheduled and not finished: the leases it renews. */
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private stopped = false;

  constructor(options: DeliveryQueueOptions) {
    this.store = options.store;
    this.probot = options.probot;
    this.log = options.log;
    this.metrics = options.metrics;
    this.owner = options.owner ?? `app-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.lanes = new LaneScheduler(options.concurrency ?? 8, (error) =>
      this.log.error({ err: error }, 'delivery task failed unexpectedly'),
    );
  }

  /** Deliveries scheduled here and not finished (queued or running). */
  get size(): number {
    return this.held.size;
  }

  /**
   * Records a verified delivery with its payload and schedules it: 'new', or 'duplicate' for an id seen
   * before (nothing is scheduled). Resolves once it is durable, so it may then be acknowledged. Throws
   * after `stop`.
   */
  async accept(delivery: VerifiedDelivery): Promise<Claim> {
    if (this.stopped) throw new Error('the delivery queue is stopped');
    const action = typeof delivery.payload.action === 'string' ? delivery.payload.action : null;
    const lane = laneOf(delivery.payload);
    const claim = await this.store.pendingDeliveries.accept(
      { id: delivery.id, event: delivery.event, action, lane, payload: delivery.body },
      this.owner,
      this.leaseMs,
    );
    if (claim === 'new') this.schedule(delivery.id, lane);
    else
      this.metrics?.delivered(action === null ? delivery.event : `${delivery.event}.${action}`, 'duplicate');
    return claim;
  }

  /**
   * Takes over every delivery whose lease has lapsed (those a stopped or crashed instance left unfinished)
   * and schedules them in arrival order, then renews and sweeps periodically. Returns how many it took.
   */
  async start(): Promise<number> {
    const resumed = await this.takeOver();
    this.timer = setInterval(() => void this.sweep(), Math.max(1, Math.floor(this.leaseMs / 3)));
    // The sweep alone must not keep a process alive that has nothing else to do.
    this.timer.unref();
    return resumed;
  }

  private async takeOver(): Promise<number> {
    const taken = await this.store.pendingDeliveries.takeOver(this.owner, this.leaseMs);
    let scheduled = 0;
    for (const pending of taken) {
      if (this.held.has(pending.id)) continue;
      this.schedule(pending.id, pending.lane);
      scheduled += 1;
    }
    if (scheduled > 0) {
      this.log.info({ deliveries: scheduled }, 'resuming deliveries received but not finished');
    }
    return scheduled;
  }

  /** Renews this instance's leases, then takes over lapsed ones. One sweep at a time; errors are logged. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      if (this.held.size > 0) {
        await this.store.pendingDeliveries.renew(this.owner, [...this.held], this.leaseMs);
      }
      await this.takeOver();
    } catch (error) {
      this.log.error({ err: error }, 'delivery queue sweep failed; retrying at the next one');
    } finally {
      this.sweeping = false;
    }
  }

  private schedule(id: string, lane: string): void {
    this.held.add(id);
    this.lanes.push(lane, async () => {
      try {
        await this.handle(id);
      } catch (error) {
        // The store failed: the delivery stays pending, and once its lease lapses it is taken over again.
        this.log.error({ delivery: id, err: error }, 'delivery left pending: the store failed');
      } finally {
        this.held.delete(id);
      }
    });
  }

  /** One attempt at a delivery, ending with its outcome recorded (unless another instance holds it). */
  private async handle(id: string): Promise<void> {
    const pending = await this.store.pendingDeliveries.begin(id, this.owner, this.leaseMs);
    if (pending === null) {
      this.log.debug({ delivery: id }, 'delivery skipped: finished or taken over elsewhere');
      return;
    }
    if (pending.attempts > this.maxAttempts) {
      const error = `given up: handling was started ${pending.attempts - 1} times and never finished (the app stopped during it each time)`;
      await this.finish(pending, 'failed', error, 0);
      return;
    }
    const started = performance.now();
    let outcome: DeliveryOutcome = 'handled';
    let error: string | null = null;
    try {
      const payload = JSON.parse(pending.payload) as Record<string, unknown>;
      // Every line logged while it is handled names the delivery (app/logging/scope.ts).
      const event = pending.action === null ? pending.event : `${pending.event}.${pending.action}`;
      await withLogScope({ delivery: pending.id, event }, () =>
        this.probot.receive(toWebhookEvent(pending.id, pending.event, payload)),
      );
    } catch (failure) {
      outcome = 'failed';
      error = describeError(failure);
    }
    await this.finish(pending, outcome, error, performance.now() - started);
  }

  private async finish(
    pending: PendingDelivery,
    outcome: DeliveryOutcome,
    error: string | null,
    elapsedMs: number,
  ): Promise<void> {
    const recorded = await this.store.pendingDeliveries.complete(pending.id, this.owner, outcome, error);
    const fields = {
      delivery: pending.id,
      event: pending.action === null ? pending.event : `${pending.event}.${pending.action}`,
      outcome,
      attempt: pending.attempts,
      ms: Math.round(elapsedMs),
    };
    if (recorded) this.metrics?.delivered(fields.event, outcome, elapsedMs / 1000);
    if (!recorded) {
      this.log.warn(fields, 'delivery outcome not recorded: another instance took it over meanwhile');
    } else if (outcome === 'failed') {
      this.log.error({ ...fields, error }, 'delivery failed');
    } else {
      // Events no handler subscribes to (unknown events or actions) end here too, as no-ops.
      this.log.info(fields, 'delivery handled');
    }
  }

  /** Resolves once nothing is queued or running (tests, and `stop`). */
  idle(): Promise<void> {
    return this.lanes.idle();
  }

  /**
   * Stops: accepts nothing more, starts nothing more, waits at most `timeoutMs` for the deliveries being
   * handled, then lets all of this instance's leases lapse so the next instance resumes the rest at once.
   * Resolves true if nothing was still running at the deadline.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    clearInterval(this.timer);
    const drained = await this.lanes.stop(timeoutMs);
    const released = await this.store.pendingDeliveries.release(this.owner);
    if (released > 0)
      this.log.info({ deliveries: released }, 'unfinished deliveries left for the next start');
    return drained;
  }
}
