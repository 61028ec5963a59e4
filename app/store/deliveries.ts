/**
 * Webhook deliveries by `X-GitHub-Delivery` id, so a redelivery is recognised and does nothing; plus the
 * semantic-event claims that catch one action arriving through two deliveries.
 */
import type { Queryable, Row } from './engine.js';
import { optionalChoice, optionalText, optionalTimestamp, text, timestamp } from './rows.js';

/** What became of a delivery: it started work, the app had nothing to do with it, or handling failed. */
export const DELIVERY_OUTCOMES = ['handled', 'ignored', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Whether this call was the first to see a key ('new') or a later one ('duplicate'). */
export type Claim = 'new' | 'duplicate';

export interface DeliveryRecord {
  id: string;
  event: string;
  action: string | null;
  receivedAt: string;
  finishedAt: string | null;
  outcome: DeliveryOutcome | null;
  error: string | null;
}

function toDelivery(row: Row): DeliveryRecord {
  return {
    id: text(row, 'id'),
    event: text(row, 'event'),
    action: optionalText(row, 'action'),
    receivedAt: timestamp(row, 'received_at'),
    finishedAt: optionalTimestamp(row, 'finished_at'),
    outcome: optionalChoice(row, 'outcome', DELIVERY_OUTCOMES),
    error: optionalText(row, 'error'),
  };
}

export class Deliveries {
  constructor(private readonly db: Queryable) {}

  /**
   * Records a delivery. Returns 'new' the first time an id is seen and 'duplicate' afterwards; atomic, so
   * of two concurrent calls with one id exactly one gets 'new'.
   */
  async record(id: string, event: string, action: string | null): Promise<Claim> {
    const rows = await this.db.query(
      `INSERT INTO deliveries (id, event, action) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, event, action],
    );
    return rows.length === 1 ? 'new' : 'duplicate';
  }

  /**
   * Records how a delivery ended (`error` says why it failed). Returns the updated record, or null for an
   * id never recorded.
   */
  async finish(
    id: string,
    outcome: DeliveryOutcome,
    error: string | null = null,
  ): Promise<DeliveryRecord | null> {
    const [row] = await this.db.query(
      `UPDATE deliveries SET outcome = $2, error = $3, finished_at = now() WHERE id = $1 RETURNING *`,
      [id, outcome, error],
    );
    return row === undefined ? null : toDelivery(row);
  }

  /** The delivery, or null if never recorded. */
  async get(id: string): Promise<DeliveryRecord | null> {
    const [row] = await this.db.query('SELECT * FROM deliveries WHERE id = $1', [id]);
    return row === undefined ? null : toDelivery(row);
  }

  /**
   * Claims a semantic event, e.g. `comment:<id>:created`: 'new' for the first claim of a key, 'duplicate'
   * for every later one (atomic like `record`). Use it where one action can reach the app through
   * different deliveries, so it still takes effect once.
   */
  async claimEvent(key: string): Promise<Claim> {
    const rows = await this.db.query(
      `INSERT INTO semantic_events (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key],
    );
    return rows.length === 1 ? 'new' : 'duplicate';
  }
}
