/** Shared set-up of the stage test files: one offline GitHub, one Anthropic fake and one RSA key per file. */
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { startAnthropicFake } from '../../../../testbed/anthropic/server.js';
import type { AnthropicFake } from '../../../../testbed/anthropic/server.js';
import { startGitHub } from '../../../../testbed/github/index.js';
import type { GitHubTestbed } from '../../../../testbed/github/index.js';
import { buildWorld, CANARIES } from './world.js';
import type { World } from './world.js';

export interface Harness {
  github: GitHubTestbed;
  fake: AnthropicFake;
  /** Builds this test's world from a fixture; cleaned up after the test. */
  world(fixture: 'node' | 'python'): Promise<World>;
}

/** Registers the hooks of a test file and returns the harness its tests use; `clock` drives the fake GitHub's time. */
export function useHarness(options: { clock?: () => Date } = {}): Harness {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
  const worlds: World[] = [];
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.github = await startGitHub({
      autoDeliver: false,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  });
  afterAll(async () => {
    await harness.github.close();
  });
  beforeEach(async () => {
    harness.fake = await startAnthropicFake();
  });
  afterEach(async () => {
    await harness.fake.close();
    for (const world of worlds.splice(0)) world.cleanup();
  });
  harness.world = async (fixture) => {
    const world = await buildWorld(harness.github, fixture, key);
    worlds.push(world);
    return world;
  };
  return harness;
}

/** Every canary found in what left the stage: GitHub requests and model requests. */
export function leakedCanaries(harness: Harness): string[] {
  const outbound = [
    ...harness.github.requests.all().map((request) => JSON.stringify(request.body ?? '')),
    ...harness.fake.requests.map((request) => request.raw.toString('utf8')),
  ].join('\n');
  return Object.values(CANARIES).filter((canary) => outbound.includes(canary));
}
