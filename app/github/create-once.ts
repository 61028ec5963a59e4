/**
 * Creates that must happen exactly once although the network may lie (checklist 38): a POST answered with
 * a 5xx, or never answered, may still have been stored. So the POST goes out with Octokit's automatic
 * retry switched off, and after a transient failure the caller's lookup (a hidden marker) decides whether
 * to try again. When the create may already have happened before (a step repeated after a crash), the
 * lookup runs first.
 */
import { isTransient } from './errors.js';

export interface CreateOnce<T> {
  /** One POST, with plugin-retry off for it (`request: { retries: 0 }`). */
  create(): Promise<T>;
  /** Finds what an earlier attempt created, or undefined. */
  find(): Promise<T | undefined>;
  /** Whether an earlier attempt (before a crash) may have created it: then `find` runs first. */
  mayExist: boolean;
  /** POSTs at most (≥ 1). */
  attempts: number;
  /** Milliseconds to wait before POST number `attempt` (2, 3, …); default 200 ms × (attempt − 1). */
  backoffMs?: (attempt: number) => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Returns what was created (or found). Throws the last error when every attempt failed transiently and the
 * lookup found nothing, and at once for a non-transient failure (a 4xx is GitHub's answer, not a glitch).
 */
export async function createOnce<T>(spec: CreateOnce<T>): Promise<T> {
  if (spec.mayExist) {
    const existing = await spec.find();
    if (existing !== undefined) return existing;
  }
  const attempts = Math.max(1, Math.floor(spec.attempts));
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1) await sleep(spec.backoffMs?.(attempt) ?? 200 * (attempt - 1));
    try {
      return await spec.create();
    } catch (error) {
      if (!isTransient(error)) throw error;
      const stored = await spec.find();
      if (stored !== undefined) return stored;
      if (attempt >= attempts) throw error;
    }
  }
}
