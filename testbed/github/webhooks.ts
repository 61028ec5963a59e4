/**
 * Webhook deliveries, as GitHub makes them: the exact JSON bytes signed with the app's secret
 * (`X-Hub-Signature-256`, via `@octokit/webhooks-methods`), `X-GitHub-Event`, a fresh `X-GitHub-Delivery`
 * uuid, POSTed to the app's webhook URL with a 10 s timeout and no automatic retry.
 *
 * State changes become deliveries automatically, in order, for every installed app subscribed to the
 * event. With auto-delivery off they are held instead, so a test can send them in any order, twice, or
 * never. Tests can also send arbitrary deliveries and redeliver old ones (same delivery id, same bytes).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { App } from './model.js';
import type { GitHubOpenApi } from './openapi.js';
import type { StateEvent } from './state/events.js';
import type { GitHubState } from './state.js';
import type { ViewContext } from './views/context.js';
import { webhookFor } from './webhook-payloads.js';

/** GitHub gives a receiver ten seconds to answer before it records a timeout. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** One attempt to deliver. */
export interface DeliveryAttempt {
  at: Date;
  status: number | undefined;
  error: string | undefined;
  durationMs: number;
}

/** A delivery: what was (or will be) sent, and what happened. */
export interface Delivery {
  /** The `X-GitHub-Delivery` id; a redelivery keeps it. */
  id: string;
  event: string;
  action: string | undefined;
  appId: number | undefined;
  url: string;
  /** The exact bytes sent (signed as they are). */
  body: string;
  headers: Record<string, string>;
  /** `held`: waiting for a test to send it; `pending`: queued or in flight; then `delivered` or `failed`. */
  state: 'held' | 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
}

/** An arbitrary delivery a test sends by hand. */
export interface ManualDelivery {
  event: string;
  /** An object (serialised with JSON.stringify) or the exact raw text to send. */
  payload: object | string;
  /** Default: the first app's webhook URL. */
  url?: string;
  /** Default: that app's secret. */
  secret?: string;
  /** Default: a fresh uuid. Reuse one to imitate a redelivery. */
  id?: string;
  /** Extra or replacing headers; a header set to `null` is left out (e.g. no signature). */
  headers?: Record<string, string | null>;
}

/** Options of the sender. */
export interface WebhookSenderOptions {
  /** Send deliveries as state changes (default), or hold them for the test to send. */
  autoDeliver: boolean;
  /** Check each automatic payload against GitHub's webhook schema; a mismatch throws. */
  checkPayloads: boolean;
  /** The addresses payloads link to (known once the server listens). */
  views: () => ViewContext;
  openapi: GitHubOpenApi;
}

/** Builds the headers GitHub sends with a delivery. */
async function deliveryHeaders(
  id: string,
  event: string,
  body: string,
  secret: string | undefined,
  app: App | undefined,
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/testbed',
    'x-github-event': event,
    'x-github-delivery': id,
    'x-github-hook-id': String(app?.id ?? 0),
    'x-github-hook-installation-target-type': 'integration',
    'x-github-hook-installation-target-id': String(app?.id ?? 0),
  };
  if (secret !== undefined) {
    headers['x-hub-signature-256'] = await sign(secret, body);
    headers['x-hub-signature'] = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
  }
  return headers;
}

/** Makes, holds, sends and records the deliveries of one fake. */
export class WebhookSender {
  private readonly log: Delivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private autoDeliver: boolean;

  constructor(
    private readonly state: GitHubState,
    private readonly options: WebhookSenderOptions,
  ) {
    this.autoDeliver = options.autoDeliver;
    state.subscribe((event) => this.onStateEvent(event));
  }

  /** Turns automatic sending on or off; deliveries made while off are held. */
  setAutoDeliver(on: boolean): void {
    this.autoDeliver = on;
  }

  /** Every delivery so far, oldest first, optionally only those of one event (`issues`, `issue_comment`…). */
  deliveries(event?: string): Delivery[] {
    return this.log.filter((delivery) => event === undefined || delivery.event === event);
  }

  /** The deliveries waiting to be sent by hand. */
  held(): Delivery[] {
    return this.log.filter((delivery) => delivery.state === 'held');
  }

  /** Sends one delivery now (held or not), by id, and resolves when the receiver answered or failed. */
  async deliver(id: string): Promise<Delivery> {
    const delivery = this.find(id);
    await this.attempt(delivery);
    return delivery;
  }

  /** Sends every held delivery, in the order they were made, one after the other. */
  async deliverHeld(): Promise<Delivery[]> {
    const held = this.held();
    for (const delivery of held) await this.attempt(delivery);
    return held;
  }

  /** Sends a delivery again, as GitHub's "Redeliver" does: same id, same bytes, same signature. */
  async redeliver(id: string): Promise<Delivery> {
    return this.deliver(id);
  }

  /**
   * Sends an arbitrary delivery (malformed, duplicate, out of order…) and resolves with its record. The
   * body is signed as given; tests that need a bad signature replace the header.
   */
  async send(manual: ManualDelivery): Promise<Delivery> {
    const app = [...this.state.records.apps.values()].find((candidate) => candidate.webhookUrl !== undefined);
    const url = manual.url ?? app?.webhookUrl;
    if (url === undefined) throw new Error('no webhook URL: pass `url` or create an app with `webhookUrl`');
    const body = typeof manual.payload === 'string' ? manual.payload : JSON.stringify(manual.payload);
    const id = manual.id ?? randomUUID();
    const headers = await deliveryHeaders(id, manual.event, body, manual.secret ?? app?.webhookSecret, app);
    for (const [name, value] of Object.entries(manual.headers ?? {})) {
      if (value === null) delete headers[name.toLowerCase()];
      else headers[name.toLowerCase()] = value;
    }
    const parsed =
      typeof manual.payload === 'string' ? undefined : (manual.payload as { action?: unknown }).action;
    const delivery: Delivery = {
      id,
      event: manual.event,
      action: typeof parsed === 'string' ? parsed : undefined,
      appId: app?.id,
      url,
      body,
      headers,
      state: 'pending',
      attempts: [],
    };
    this.log.push(delivery);
    await this.attempt(delivery);
    return delivery;
  }

  /** Resolves once every automatic delivery queued so far has been attempted. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  /** Forgets every delivery record (in-flight ones still finish). */
  clear(): void {
    this.log.length = 0;
  }

  private find(id: string): Delivery {
    const found = [...this.log].reverse().find((delivery) => delivery.id === id);
    if (found === undefined) throw new Error(`no delivery ${id}`);
    return found;
  }

  /**
   * Makes the deliveries for a state event, synchronously (the payload is the state at this moment),
   * and queues or holds them. Apps without a webhook URL, not installed on the repository, or not
   * subscribed to the event get none.
   */
  private onStateEvent(event: StateEvent): void {
    const views = this.options.views();
    for (const app of this.state.records.apps.values()) {
      if (app.webhookUrl === undefined || !app.events.includes(event.kind)) continue;
      const installation = this.state.apps.installationFor(app, event.repo);
      if (installation === undefined || !installation.events.includes(event.kind)) continue;
      const message = webhookFor(views, event, installation);
      if (this.options.checkPayloads) {
        const mismatch = this.options.openapi.checkWebhook(message.event, message.action, message.payload);
        if (mismatch !== undefined)
          throw new Error(`testbed webhook does not match GitHub's schema: ${mismatch}`);
      }
      const delivery: Delivery = {
        id: randomUUID(),
        event: message.event,
        action: message.action,
        appId: app.id,
        url: app.webhookUrl,
        body: JSON.stringify(message.payload),
        headers: {},
        state: this.autoDeliver ? 'pending' : 'held',
        attempts: [],
      };
      this.log.push(delivery);
      if (this.autoDeliver) this.queue = this.queue.then(() => this.attempt(delivery));
    }
  }

  /** POSTs a delivery once and records the outcome; never throws (a failure is recorded). */
  private async attempt(delivery: Delivery): Promise<void> {
    const app = delivery.appId === undefined ? undefined : this.state.records.apps.get(delivery.appId);
    if (Object.keys(delivery.headers).length === 0) {
      delivery.headers = await deliveryHeaders(
        delivery.id,
        delivery.event,
        delivery.body,
        app?.webhookSecret,
        app,
      );
    }
    delivery.state = 'pending';
    const started = performance.now();
    const at = this.state.now();
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      delivery.attempts.push({
        at,
        status: response.status,
        error: undefined,
        durationMs: performance.now() - started,
      });
      delivery.state = response.ok ? 'delivered' : 'failed';
    } catch (error) {
      delivery.attempts.push({
        at,
        status: undefined,
        error: (error as Error).message,
        durationMs: performance.now() - started,
      });
      delivery.state = 'failed';
    }
  }
}
