/**
 * The conductor on a real Postgres (TEST_DATABASE_URL; `.ci/run` sets it when one answers on
 * 127.0.0.1:5432): the diamond plan with restarts between events, and two replicas (two Probots, two
 * connection pools' worth of concurrency) given two `/approve` at once. Skipped, saying so, without one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { approvePlan, deliver, implemented, implementing, planned, reviewed } from './flows.js';
import { Scenario, startConductor, startWorld } from './harness.js';
import type { Running, World } from './harness.js';

const url = process.env.TEST_DATABASE_URL;
const SKIP = 'conductor tests on Postgres skipped: TEST_DATABASE_URL is not set';

if (url === undefined || url === '') {
  console.warn(SKIP);
  describe.skip(SKIP, () => {
    it('runs on Postgres', () => undefined);
  });
} else {
  let world: World;
  let running: Running;

  beforeAll(async () => {
    world = await startWorld({ postgresUrl: url });
    running = await startConductor(world);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  describe('the conductor on Postgres', () => {
    it('runs a plan A; B→A; C→A; D→B,C to done with a restart between any two events', async () => {
      const scenario = new Scenario(world);
      const step = async () => {
        running = await startConductor(world);
        return running;
      };
      const epic = await planned(scenario, step, [
        { id: 'A' },
        { id: 'B', depends_on: ['A'] },
        { id: 'C', depends_on: ['A'] },
        { id: 'D', depends_on: ['B', 'C'] },
      ]);
      await approvePlan(scenario, step, epic);
      await deliver(scenario, step, 'A');
      expect(implementing(scenario)).toEqual(['B', 'C']);
      await deliver(scenario, step, 'B');
      await deliver(scenario, step, 'C');
      await deliver(scenario, step, 'D');
      expect((await scenario.item(epic))?.state).toBe('done');
      expect(scenario.requests('pulls/merge')).toHaveLength(4);
    });

    it('merges once when two replicas get two /approve at the same moment', async () => {
      const scenario = new Scenario(world);
      const step = async () => running;
      const epic = await planned(scenario, step, [{ id: 'A' }]);
      await approvePlan(scenario, step, epic);
      const pr = await implemented(scenario, step, 'A');
      await reviewed(scenario, step, 'A');
      scenario.comment(pr, '/approve', 'bob');
      scenario.comment(pr, '/approve', 'alice');
      const [first, second] = world.github.webhooks.held().slice(-2);
      const replica = await startConductor(world);
      await Promise.all([running.receive(first!.id), replica.receive(second!.id)]);
      await running.pump();
      expect(scenario.mergedPulls()).toEqual([pr]);
      expect(scenario.requests('pulls/merge')).toHaveLength(1);
    });
  });
}
