/**
 * The Anthropic SDK client of an agent run: the model key and base URL from the environment
 * (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, which the tests and the offline demo point at the loopback
 * fake), and the SDK's own retries off, because retry.ts decides what is retried and for how long.
 */
import Anthropic from '@anthropic-ai/sdk';

/**
 * Creates the client from `env`. Throws when `ANTHROPIC_API_KEY` is missing or empty: a run without the
 * key would fail on its first request, after the job had already done its mechanical work.
 */
export function createModelClient(env: NodeJS.ProcessEnv): Anthropic {
  const apiKey = env.ANTHROPIC_API_KEY;
  if (!apiKey)
    throw new Error('ANTHROPIC_API_KEY is not set: the agent needs the model key in its environment');
  // null, not undefined: the SDK would otherwise read process.env itself and ignore the `env` given here.
  return new Anthropic({ apiKey, baseURL: env.ANTHROPIC_BASE_URL || null, maxRetries: 0 });
}
