/**
 * Runs tasks in lanes: the tasks of one lane one after another in the order they were pushed, different
 * lanes side by side, at most `concurrency` tasks at once. Lanes waiting for a free slot are served in
 * turn, so one busy lane can't starve the others.
 */

export type Task = () => Promise<void>;

export class LaneScheduler {
  /** Tasks not started yet, per lane (a lane is present only while it has some). */
  private readonly queued = new Map<string, Task[]>();
  /** Lanes with queued tasks and none running, in the order they will get a slot. */
  private readonly waiting: string[] = [];
  /** Lanes with a task running. */
  private readonly active = new Set<string>();
  private stopped = false;
  private listeners: (() => void)[] = [];

  /**
   * @param concurrency the most tasks running at once (a positive integer)
   * @param onError called with what a task rejected with (tasks should handle their own errors; this
   *   keeps a slip from becoming an unhandled rejection)
   */
  constructor(
    private readonly concurrency: number,
    private readonly onError: (error: unknown) => void,
  ) {
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.active.size;
  }

  /** Tasks pushed and not started yet. */
  get pending(): number {
    let count = 0;
    for (const tasks of this.queued.values()) count += tasks.length;
    return count;
  }

  /** Queues `task` at the end of `lane`. After `stop`, it is never started. */
  push(lane: string, task: Task): void {
    const tasks = this.queued.get(lane);
    if (tasks === undefined) {
      this.queued.set(lane, [task]);
      if (!this.active.has(lane)) this.waiting.push(lane);
    } else {
      tasks.push(task);
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.active.size < this.concurrency) {
      const lane = this.waiting.shift();
      if (lane === undefined) break;
      this.start(lane);
    }
    this.notify();
  }

  private start(lane: string): void {
    const tasks = this.queued.get(lane);
    const task = tasks?.shift();
    if (tasks === undefined || task === undefined) return;
    if (tasks.length === 0) this.queued.delete(lane);
    this.active.add(lane);
    const run = async () => {
      try {
        await task();
      } catch (error) {
        this.onError(error);
      }
    };
    void run().then(() => {
      this.active.delete(lane);
      // The lane's next task waits its turn behind lanes that have been waiting longer.
      if (this.queued.has(lane)) this.waiting.push(lane);
      this.pump();
    });
  }

  private notify(): void {
    const idle = this.active.size === 0 && (this.stopped || this.queued.size === 0);
    if (!idle) return;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  /** Resolves once nothing runs and nothing is queued (after `stop`: once nothing runs). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.listeners.push(resolve);
      this.notify();
    });
  }

  /**
   * Starts nothing more, and waits at most `timeoutMs` for the running tasks to finish. Resolves true if
   * they all did, false if some were still running at the deadline. Queued tasks are dropped.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    this.queued.clear();
    this.waiting.length = 0;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.idle().then(() => true), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
