/**
 * The durable inbox of webhook deliveries: a delivery's raw payload is kept here from the moment the app
 * acknowledges it until its handling has finished, so a crash after the acknowledgement loses nothing.
 *
 * Each pending delivery is leased to one app instance (`owner`) until a time; the owner renews its leases
 * while it runs, and an instance that stops (crash, kill) lets them lapse, after which any instance takes
 * the delivery over. So several replicas on one Postgres never handle a delivery at the same time, and
 * none is left behind.
 */
import type { DeliveryOutcome, Claim } from './deliveries.js';
import type { Queryable, Row } from './engine.js';
import { integer, optionalText, text, timestamp } from './rows.js';

/** A delivery to accept: what GitHub sent, and the lane it is handled in (see the delivery queue). */
export interface IncomingDelivery {
  /** `X-GitHub-Delivery`. */
  id: string;
  /** `X-GitHub-Event`. */
  event: string;
  /** The payload's `action`, if any. */
  action: string | null;
  /** Deliveries of one lane are handled one after another, in arrival order. */
  lane: string;
  /** The request body as received (JSON text). */
  payload: string;
}

export interface PendingDelivery {
  id: string;
  event: string;
  action: string | null;
  lane: string;
  payload: string;
  /** Arrival order, increasing. */
  seq: number;
  /** How many times handling it was started. */
  attempts: number;
  /** The instance holding the lease. */
  leaseOwner: string;
  /** When the lease lapses unless renewed. */
  leaseUntil: string;
}

function toPending(row: Row): PendingDelivery {
  return {
    id: text(row, 'delivery_id'),
    event: text(row, 'event'),
    action: optionalText(row, 'action'),
    lane: text(row, 'lane'),
    payload: text(row, 'payload'),
    seq: integer(row, 'seq'),
    attempts: integer(row, 'attempts'),
    leaseOwner: text(row, 'lease_owner'),
    leaseUntil: timestamp(row, 'lease_until'),
  };
}

/** `now() + ms`, in the database's clock (shared by every replica), as SQL over parameter `$n`. */
const leaseEnd = (n: number) => `now() + $${n}::integer * interval '1 millisecond'`;

function checkLease(leaseMs: number): number {
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) {
    throw new RangeError(`lease must be a positive whole number of milliseconds, got ${leaseMs}`);
  }
  return leaseMs;
}

export class PendingDeliveries {
  constructor(private readonly db: Queryable) {}

  /**
   * Records a delivery (as `Deliveries.record` does) and, the first time its id is seen, keeps its payload
   * as pending, leased to `owner` for `leaseMs`; both or neither. Returns 'new' or 'duplicate' (a
   * redelivery with a known id stores nothing). Atomic: of concurrent calls with one id, one gets 'new'.
   */
  async accept(delivery: IncomingDelivery, owner: string, leaseMs: number): Promise<Claim> {
    // One statement rather than a transaction: this runs before every acknowledgement, and on PGlite each
    // statement costs a round through the single connection.
    const rows = await this.db.query(
      `WITH recorded AS (
         INSERT INTO deliveries (id, event, action) VALUES ($1::text, $2::text, $3::text)
         ON CONFLICT (id) DO NOTHING RETURNING id
       )
       INSERT INTO pending_deliveries (delivery_id, event, action, lane, payload, lease_owner, lease_until)
       SELECT id, $2::text, $3::text, $4::text, $5::text, $6::text, ${leaseEnd(7)} FROM recorded
       RETURNING delivery_id`,
      [
        delivery.id,
        delivery.event,
        delivery.action,
        delivery.lane,
        delivery.payload,
        owner,
        checkLease(leaseMs),
      ],
    );
    return rows.length === 1 ? 'new' : 'duplicate';
  }

  /**
   * Starts an attempt at a delivery `owner` holds: counts the attempt, extends the lease by `leaseMs` and
   * returns the delivery. Returns null when `owner` does not hold it (finished, or taken over by another
   * instance after its lease lapsed): the caller must then leave it alone.
   */
  async begin(id: string, owner: string, leaseMs: number): Promise<PendingDelivery | null> {
    const [row] = await this.db.query(
      `UPDATE pending_deliveries SET attempts = attempts + 1, lease_until = ${leaseEnd(3)}
       WHERE delivery_id = $1 AND lease_owner = $2 RETURNING *`,
      [id, owner, checkLease(leaseMs)],
    );
    return row === undefined ? null : toPending(row);
  }

  /**
   * Ends a delivery `owner` holds: removes its payload and records the outcome on the delivery (`error`
   * says why it failed), atomically. Returns false, changing nothing, when `owner` no longer holds it.
   */
  async complete(
    id: string,
    owner: string,
    outcome: DeliveryOutcome,
    error: string | null = null,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `WITH removed AS (
         DELETE FROM pending_deliveries WHERE delivery_id = $1 AND lease_owner = $2 RETURNING delivery_id
       )
       UPDATE deliveries SET outcome = $3, error = $4, finished_at = now()
       WHERE id IN (SELECT delivery_id FROM removed) RETURNING id`,
      [id, owner, outcome, error],
    );
    return rows.length === 1;
  }

  /**
   * Extends `owner`'s leases on `ids` to `leaseMs` from now, and returns the ids it still holds. Only the
   * deliveries an instance is actually working on are renewed, so one it dropped (say its database write
   * failed) lapses and is taken over again.
   */
  async renew(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    const rows = await this.db.query(
      `UPDATE pending_deliveries SET lease_until = ${leaseEnd(3)}
       WHERE lease_owner = $1 AND delivery_id = ANY($2::text[]) RETURNING delivery_id`,
      [owner, [...ids], checkLease(leaseMs)],
    );
    return rows.map((row) => text(row, 'delivery_id'));
  }

  /** Lets every lease `owner` holds lapse now (a clean shutdown), so any instance may take them over. */
  async release(owner: string): Promise<number> {
    const rows = await this.db.query(
      'UPDATE pending_deliveries SET lease_until = now() WHERE lease_owner = $1 RETURNING delivery_id',
      [owner],
    );
    return rows.length;
  }

  /**
   * Leases to `owner` every pending delivery whose lease has lapsed, and returns them in arrival order.
   * Of instances calling it at once, each delivery goes to exactly one.
   */
  async takeOver(owner: string, leaseMs: number): Promise<PendingDelivery[]> {
    const rows = await this.db.query(
      `WITH taken AS (
         UPDATE pending_deliveries SET lease_owner = $1, lease_until = ${leaseEnd(2)}
         WHERE lease_until <= now() RETURNING *
       )
       SELECT * FROM taken ORDER BY seq`,
      [owner, checkLease(leaseMs)],
    );
    return rows.map(toPending);
  }

  /** Every pending delivery, in arrival order. */
  async list(): Promise<PendingDelivery[]> {
    const rows = await this.db.query('SELECT * FROM pending_deliveries ORDER BY seq');
    return rows.map(toPending);
  }
}
