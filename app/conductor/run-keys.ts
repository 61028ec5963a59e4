/**
 * Run keys: the name a dispatch gives its run (`run_key` input, and the run's title), which the stage's
 * result document repeats. Random, so a key can never be guessed or reused, and short, so the title stays
 * readable: `plan-12-3f9a0c1b7d2e`, `implement-15-B-a1b2c3d4e5f6`.
 */
import { randomBytes } from 'node:crypto';

export function newRunKey(stage: string, issue: number, story?: string): string {
  const parts = [
    stage,
    String(issue),
    ...(story === undefined ? [] : [story]),
    randomBytes(6).toString('hex'),
  ];
  return parts.join('-');
}
