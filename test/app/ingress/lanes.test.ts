/** The lane scheduler: per-lane order, concurrency across lanes, its bound, and stopping. */
import { describe, expect, it } from '@jest/globals';
import { LaneScheduler } from '../../../app/queue/lanes.js';
import { laneOf } from '../../../app/queue/lane.js';

/** A task that records its start and end in `log` and finishes when `release` is called. */
function controllable(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const task = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
  };
  return { task, release: () => release() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LaneScheduler', () => {
  it('runs one lane in order and other lanes alongside, within the bound', async () => {
    const log: string[] = [];
    const lanes = new LaneScheduler(2, (error) => log.push(`error ${String(error)}`));
    const a1 = controllable(log, 'a1');
    const a2 = controllable(log, 'a2');
    const b1 = controllable(log, 'b1');
    const c1 = controllable(log, 'c1');
    lanes.push('a', a1.task);
    lanes.push('a', a2.task);
    lanes.push('b', b1.task);
    lanes.push('c', c1.task);
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    expect([lanes.running, lanes.pending]).toEqual([2, 2]);
    a1.release();
    await tick();
    // c waited longer than a's next task, so it gets the free slot first.
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start c1']);
    b1.release();
    await tick();
    expect(log.slice(4)).toEqual(['end b1', 'start a2']);
    a2.release();
    c1.release();
    await lanes.idle();
    expect([lanes.running, lanes.pending]).toEqual([0, 0]);
  });

  it('passes a task rejection to onError and carries on with the lane', async () => {
    const errors: unknown[] = [];
    const ran: string[] = [];
    const lanes = new LaneScheduler(1, (error) => errors.push(error));
    lanes.push('a', () => Promise.reject(new Error('slip')));
    lanes.push('a', async () => {
      ran.push('next');
    });
    await lanes.idle();
    expect(errors).toEqual([new Error('slip')]);
    expect(ran).toEqual(['next']);
  });

  it('stops: starts nothing more, and reports whether the running tasks ended in time', async () => {
    const log: string[] = [];
    const lanes = new LaneScheduler(1, () => undefined);
    const slow = controllable(log, 'slow');
    lanes.push('a', slow.task);
    lanes.push('a', controllable(log, 'never').task);
    await tick();
    expect(await lanes.stop(20)).toBe(false);
    slow.release();
    expect(await lanes.stop(1_000)).toBe(true);
    lanes.push('b', controllable(log, 'after stop').task);
    await tick();
    expect(log).toEqual(['start slow', 'end slow']);
  });

  it('refuses a concurrency that is not a positive integer', () => {
    expect(() => new LaneScheduler(0, () => undefined)).toThrow(RangeError);
  });
});

describe('laneOf', () => {
  it('puts a repository in one lane by id, else an installation, else the app', () => {
    expect(laneOf({ repository: { id: 7, full_name: 'o/r' }, installation: { id: 3 } })).toBe('repository:7');
    expect(laneOf({ installation: { id: 3 }, repositories: [] })).toBe('installation:3');
    expect(laneOf({ zen: 'hi', repository: null })).toBe('app');
    expect(laneOf({ repository: { id: '7' } })).toBe('app');
  });
});
