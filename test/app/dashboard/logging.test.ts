import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from 'probot';
import { queued } from '../conductor/flows.js';
import { Scenario } from '../conductor/harness.js';
import { startAppWorld } from './world.js';
import type { AppWorld } from './world.js';

interface Line {
  level: number;
  msg: string;
  delivery?: string;
  event?: string;
  repository?: string;
  item?: string;
  run_key?: string;
  run_id?: number;
}

const lines: Line[] = [];
let world: AppWorld;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n'))
        if (text !== '') lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  world = await startAppWorld({ LOG_LEVEL: 'debug' }, pino({ level: 'debug' }, sink) as unknown as Logger);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('structured logs', () => {
  it('name the delivery, the item and the run on every line written while a delivery is handled', async () => {
    const scenario = new Scenario(world.world);
    const issue = scenario.openIssue('Add pet insurance');
    scenario.label(issue);
    await world.settle();
    const run = queued(scenario, 'plan');
    scenario.complete(run, scenario.planResult(run, [{ id: 'A' }]));
    await world.settle();
    const item = (await scenario.item(issue))!;
    const dispatch = (await world.world.store.dispatches.getByRunId(run.id))!;

    const requests = lines.filter((line) => line.msg.startsWith('GitHub request:'));
    expect(requests.length).toBeGreaterThan(10);
    // Every call to GitHub in this lifecycle was made for a delivery, and its line says which.
    for (const line of requests)
      expect(line).toEqual(
        expect.objectContaining({ delivery: expect.any(String), event: expect.any(String) }),
      );

    const labeled = world.world.github.webhooks
      .deliveries('issues')
      .find((delivery) => delivery.action === 'labeled')!;
    const dispatched = requests.filter((line) =>
      /POST .*\/actions\/workflows\/.*\/dispatches/.test(line.msg),
    );
    expect(dispatched[0]).toEqual(
      expect.objectContaining({
        delivery: labeled.id,
        event: 'issues.labeled',
        repository: scenario.fullName,
        item: item.id,
      }),
    );

    const completed = world.world.github.webhooks
      .deliveries('workflow_run')
      .find((delivery) => delivery.action === 'completed')!;
    const artifacts = requests.filter((line) => /\/actions\/runs\/\d+\/artifacts/.test(line.msg));
    expect(artifacts).toEqual([
      expect.objectContaining({
        delivery: completed.id,
        event: 'workflow_run.completed',
        item: item.id,
        run_key: dispatch.runKey,
        run_id: run.id,
      }),
    ]);

    const handled = lines.filter((line) => line.msg === 'delivery handled');
    expect(handled.map((line) => line.delivery)).toEqual(expect.arrayContaining([labeled.id, completed.id]));
  });
});
