/**
 * The durable delivery inbox (`store.pendingDeliveries`), run unchanged on every engine (see
 * pending-deliveries-pglite.test.ts and pending-deliveries-postgres.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Engine } from '../../../app/store/engine.js';
import { migrate } from '../../../app/store/migrate.js';
import { createStore } from '../../../app/store/index.js';
import type { IncomingDelivery, Store } from '../../../app/store/index.js';
import type { EngineHarness } from './harness.js';

/** A delivery in a lane of its own unless one is given. */
function delivery(
  lane = `repository:${randomUUID()}`,
  body: unknown = { action: 'labeled' },
): IncomingDelivery {
  return { id: randomUUID(), event: 'issues', action: 'labeled', lane, payload: JSON.stringify(body) };
}

/** An instance name no other test uses. */
const owner = () => `instance-${randomUUID()}`;

export function pendingDeliveriesSuite(harness: EngineHarness): void {
  describe(`pending deliveries on ${harness.name}`, () => {
    let engine: Engine;
    let store: Store;

    beforeAll(async () => {
      engine = await harness.open();
      await migrate(engine);
      store = createStore(engine);
    }, 120_000);

    afterAll(async () => {
      if (engine !== undefined) await harness.dispose(engine);
    });

    const pendingIds = async () => (await store.pendingDeliveries.list()).map((p) => p.id);

    it('keeps the raw payload of a new delivery, and nothing for a redelivery', async () => {
      const me = owner();
      // Odd whitespace and non-ASCII must come back byte for byte.
      const incoming = { ...delivery(), payload: '{ "action" :"labeled",\n\t"title": "🐛 café" }' };
      expect(await store.pendingDeliveries.accept(incoming, me, 60_000)).toBe('new');
      expect(await store.pendingDeliveries.accept(incoming, me, 60_000)).toBe('duplicate');
      const pending = (await store.pendingDeliveries.list()).filter((p) => p.id === incoming.id);
      expect(pending).toEqual([
        expect.objectContaining({
          id: incoming.id,
          event: 'issues',
          action: 'labeled',
          lane: incoming.lane,
          payload: incoming.payload,
          attempts: 0,
          leaseOwner: me,
        }),
      ]);
      expect(await store.deliveries.get(incoming.id)).toMatchObject({ event: 'issues', outcome: null });
    });

    it('accepts one of several concurrent deliveries with one id', async () => {
      const incoming = delivery();
      const claims = await Promise.all(
        Array.from({ length: 6 }, () => store.pendingDeliveries.accept(incoming, owner(), 60_000)),
      );
      expect(claims.filter((c) => c === 'new')).toHaveLength(1);
      expect((await pendingIds()).filter((id) => id === incoming.id)).toHaveLength(1);
    });

    it('counts attempts, and completes a delivery once, recording its outcome', async () => {
      const me = owner();
      const incoming = delivery();
      await store.pendingDeliveries.accept(incoming, me, 60_000);
      expect(await store.pendingDeliveries.begin(incoming.id, owner(), 60_000)).toBeNull();
      expect((await store.pendingDeliveries.begin(incoming.id, me, 60_000))?.attempts).toBe(1);
      expect((await store.pendingDeliveries.begin(incoming.id, me, 60_000))?.attempts).toBe(2);
      expect(await store.pendingDeliveries.complete(incoming.id, owner(), 'handled')).toBe(false);
      expect(await store.pendingDeliveries.complete(incoming.id, me, 'failed', 'handler threw: boom')).toBe(
        true,
      );
      expect(await store.pendingDeliveries.complete(incoming.id, me, 'handled')).toBe(false);
      expect(await pendingIds()).not.toContain(incoming.id);
      expect(await store.deliveries.get(incoming.id)).toMatchObject({
        outcome: 'failed',
        error: 'handler threw: boom',
      });
      expect(await store.pendingDeliveries.begin(incoming.id, me, 60_000)).toBeNull();
    });

    it('lets only lapsed or released leases be taken over, in arrival order, by one instance', async () => {
      const crashed = owner();
      const alive = owner();
      const lane = `repository:${randomUUID()}`;
      const first = delivery(lane);
      const second = delivery(lane);
      const held = delivery(lane);
      await store.pendingDeliveries.accept(first, crashed, 50);
      await store.pendingDeliveries.accept(second, crashed, 50);
      await store.pendingDeliveries.accept(held, alive, 60_000);
      await sleep(120);

      const takers = [owner(), owner(), owner()];
      const taken = await Promise.all(takers.map((t) => store.pendingDeliveries.takeOver(t, 60_000)));
      const ours = taken.map((list) => list.filter((p) => p.lane === lane).map((p) => p.id));
      // Each lapsed delivery went to exactly one taker, and the held one to none.
      expect(ours.flat().sort()).toEqual([first.id, second.id].sort());
      const winner = ours.find((ids) => ids.length > 0);
      expect(winner).toEqual([first.id, second.id]);

      expect(await store.pendingDeliveries.begin(first.id, crashed, 60_000)).toBeNull();
      expect(await store.pendingDeliveries.renew(alive, [held.id, first.id], 60_000)).toEqual([held.id]);
      expect(await store.pendingDeliveries.release(alive)).toBe(1);
      const afterRelease = await store.pendingDeliveries.takeOver(owner(), 60_000);
      expect(afterRelease.map((p) => p.id)).toContain(held.id);
    });

    it('refuses a lease that is not a positive whole number of milliseconds', async () => {
      await expect(store.pendingDeliveries.accept(delivery(), owner(), 0)).rejects.toThrow(RangeError);
      await expect(store.pendingDeliveries.renew(owner(), [], 1.5)).rejects.toThrow(/positive whole number/);
    });
  });
}
