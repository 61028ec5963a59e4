/** Shared set-up of the agent tests: temporary repositories, settings, the SDK client on the fake. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { defaultPolicy } from '../../../core/policy.js';
import type { AgentRole } from '../../../core/roles.js';
import { createModelClient } from '../../../action/agent/client.js';
import type { AgentDeps } from '../../../action/agent/run-agent.js';
import { agentSettings } from '../../../action/agent/settings.js';
import type { AgentSettings } from '../../../action/agent/settings.js';
import { ZERO_USAGE } from '../../../action/agent/usage.js';
import type { AnthropicFake } from '../../../testbed/anthropic/server.js';

/** A temporary folder holding `files` (path → content); removed by the returned `remove`. */
export async function tempRepo(
  files: Record<string, string>,
): Promise<{ root: string; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'agent-test-'));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * The default policy's settings for `role`, with fast retries, a current model (the SDK warns on every
 * request to a model it lists as deprecated, which the default policy's claude-sonnet-4-5 is) and
 * `overrides` on top.
 */
export function testSettings(role: AgentRole, overrides: Partial<AgentSettings> = {}): AgentSettings {
  const settings = agentSettings(defaultPolicy(), role, ZERO_USAGE);
  return {
    ...settings,
    model: 'claude-sonnet-4-6',
    retry: { ...settings.retry, baseDelayMs: 10, maxDelayMs: 100 },
    ...overrides,
  };
}

/** The real SDK client, pointed at the fake through the environment as a job would be. */
export function clientFor(fake: AnthropicFake): Anthropic {
  return createModelClient({ ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url });
}

/** Dependencies whose sleep records the requested delay and returns at once. */
export function recordingDeps(client: Anthropic): AgentDeps & { sleeps: number[]; lines: string[] } {
  const sleeps: number[] = [];
  const lines: string[] = [];
  return {
    client,
    sleeps,
    lines,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    now: () => Date.parse('2030-01-01T00:00:00Z'),
    log: (line) => void lines.push(line),
  };
}

type Json = Record<string, unknown>;

/** The parsed body of the fake's `index`-th request. */
export function requestBody(fake: AnthropicFake, index: number): Json {
  const request = fake.requests[index];
  if (!request) throw new Error(`the fake received no request #${index} (only ${fake.requests.length})`);
  return request.body as Json;
}

/** The content blocks of the last message of a request. */
export function lastMessageBlocks(fake: AnthropicFake, index: number): Json[] {
  const messages = requestBody(fake, index).messages as { content: Json[] }[];
  return messages.at(-1)!.content;
}
