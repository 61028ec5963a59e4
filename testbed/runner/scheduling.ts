/**
 * How runs and jobs share the machine: a bound on jobs running at once, and GitHub's concurrency groups —
 * one run of a group at a time, at most one more pending, and a newer pending run cancelling the older
 * pending one (with `cancel-in-progress: false`, the only setting the runner accepts).
 */

/** At most `limit` tasks at once; the others wait in order. */
export class JobSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a job limit of ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    }
  }
}

/** A group with a run in progress, and the run waiting for it, if any. */
interface Group {
  pending: ((admitted: boolean) => void) | undefined;
}

export class ConcurrencyGroups {
  private readonly groups = new Map<string, Group>();

  /**
   * Waits for the group to be free. Resolves true when the run may start, false when a newer run of the
   * group took its pending place (the run is then cancelled without starting, as on GitHub).
   */
  enter(name: string): Promise<boolean> {
    // Group names compare case-insensitively on GitHub.
    const key = name.toLowerCase();
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, { pending: undefined });
      return Promise.resolve(true);
    }
    group.pending?.(false);
    return new Promise((resolve) => {
      group.pending = resolve;
    });
  }

  /** Frees the group: its pending run, if any, starts. */
  leave(name: string): void {
    const key = name.toLowerCase();
    const group = this.groups.get(key);
    if (group === undefined) return;
    const next = group.pending;
    if (next === undefined) {
      this.groups.delete(key);
      return;
    }
    group.pending = undefined;
    next(true);
  }
}
