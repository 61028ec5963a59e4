/**
 * Probot's Octokit without the write spacing of @octokit/plugin-throttling, for the benches' second
 * configuration. Probot's default throttling puts every write (POST, PATCH, PUT, DELETE) of one
 * installation at least 1 s after the previous one, as GitHub asks of integrations to avoid its secondary
 * rate limits; the conductor tests turn that spacing off, and so does this class. Retries and rate-limit
 * handling stay as Probot has them.
 */
import Bottleneck from 'bottleneck';
import { ProbotOctokit } from 'probot';

export function octokitWithoutWriteSpacing(): typeof ProbotOctokit {
  const groups = {
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
  };
  return ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
    ...instance,
    throttle: { ...(instance.throttle as object | undefined), ...groups },
  }));
}
