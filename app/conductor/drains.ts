/**
 * The outbox drains running in this process, by item: a drain that finds another one busy with the same
 * item waits for it instead of racing it (across processes, the lease in the item's document does that).
 */
export class DrainRegistry {
  private readonly running = new Map<string, Promise<unknown>>();

  /** The drain of `itemId` running now, if any. */
  current(itemId: string): Promise<unknown> | undefined {
    return this.running.get(itemId);
  }

  /** Runs `work` as the drain of `itemId`; callers check `current` first. */
  async run<T>(itemId: string, work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.running.set(itemId, promise);
    try {
      return await promise;
    } finally {
      if (this.running.get(itemId) === promise) this.running.delete(itemId);
    }
  }

  /** Resolves when every drain running now has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }
}
