/**
 * The demo's transcripts, played to the real agent loop (the real SDK against the loopback fake) in a
 * copy of the sample repository: each run ends the way the demo needs, and `npm test` really fails once
 * and passes after the fix. A transcript that no longer fits the tools or the repository fails here,
 * before the whole lifecycle runs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { defaultPolicy } from '../../core/policy.js';
import type { AgentRole } from '../../core/roles.js';
import { loadRolePrompt } from '../../action/agent/prompts.js';
import { runAgent } from '../../action/agent/run-agent.js';
import type { AgentRunResult } from '../../action/agent/run-agent.js';
import { agentSettings } from '../../action/agent/settings.js';
import { ZERO_USAGE } from '../../action/agent/usage.js';
import { transcriptPlayer } from '../../testbed/demo/player.js';
import type { PlayerLog } from '../../testbed/demo/player.js';
import { SAMPLE_FILES, SAMPLE_ISSUE } from '../../testbed/demo/sample-repo.js';
import { STORY_TITLE, slugifyTranscripts } from '../../testbed/demo/transcripts/slugify.js';
import { startAnthropicFake } from '../../testbed/anthropic/server.js';
import type { AnthropicFake } from '../../testbed/anthropic/server.js';

const PROMPTS = path.resolve('prompts');
let fake: AnthropicFake;
let log: PlayerLog;
let workspace: string;

beforeAll(async () => {
  const player = transcriptPlayer(slugifyTranscripts());
  log = player.log;
  fake = await startAnthropicFake({ fallback: player.responder });
  workspace = await mkdtemp(path.join(tmpdir(), 'transcripts-'));
  for (const [file, text] of Object.entries(SAMPLE_FILES)) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
});

afterAll(async () => {
  await fake.close();
  await rm(workspace, { recursive: true, force: true });
});

async function run(role: AgentRole, task: string, data: string): Promise<AgentRunResult> {
  const policy = defaultPolicy();
  return runAgent(
    {
      role,
      rolePrompt: await loadRolePrompt(PROMPTS, role),
      brief: 'Node package acme-notes; tests: npm test',
      task,
      untrusted: [{ label: 'issue', text: data }],
      workspaceRoot: workspace,
      protectedPaths: policy.protected_paths,
      ...(role === 'developer'
        ? {
            commands: {
              allowedCommands: ['npm test'],
              timeoutMs: 60_000,
              maxOutputChars: 12_000,
              baseEnv: process.env,
            },
          }
        : {}),
      settings: agentSettings(policy, role, ZERO_USAGE),
    },
    {
      client: new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 }),
      sleep: async () => undefined,
      random: () => 0,
      now: Date.now,
    },
  );
}

describe('the slugify transcripts', () => {
  it('plan, implement with one failing test run, and pass four reviews', async () => {
    const plan = await run(
      'planner',
      'Plan issue #1 of acme/notes.',
      `# ${SAMPLE_ISSUE.title}\n\n${SAMPLE_ISSUE.body}`,
    );
    expect(plan.status).toBe('completed');
    if (plan.status !== 'completed' || plan.result.kind !== 'plan') throw new Error('no plan');
    expect(plan.result.plan.stories.map((story) => story.title)).toEqual([STORY_TITLE]);

    const developer = await run(
      'developer',
      'Implement the story of issue #2 of acme/notes.',
      `# [#1 slugify] ${STORY_TITLE}`,
    );
    expect(developer).toMatchObject({ status: 'completed', toolErrors: 0 });
    expect(developer.filesChanged).toEqual(['src/slugify.js', 'test/slugify.test.js']);
    expect(await readFile(path.join(workspace, 'src/slugify.js'), 'utf8')).toContain(
      "replace(/^-+|-+$/g, '')",
    );

    for (const role of ['story-alignment', 'test-quality', 'architecture', 'security'] as const) {
      const review = await run(
        role,
        'Review pull request #3 of the story in issue #2.',
        `# [#1 slugify] ${STORY_TITLE}`,
      );
      expect(review.status).toBe('completed');
      if (review.status !== 'completed' || review.result.kind !== 'verdict') throw new Error('no verdict');
      expect(review.result.verdict.status).toBe('pass');
      // The fake's usage comes from the requests: the stable prefix is read from the prompt cache.
      expect(review.usage.cache_read_input_tokens).toBeGreaterThan(0);
    }
    expect(log.divergences).toEqual([]);
    expect(log.unplayed()).toEqual([]);
  });

  it('refuses to improvise when no transcript matches the run', async () => {
    const result = await run('planner', 'Plan issue #9 of acme/notes.', 'Something else entirely');
    expect(result).toMatchObject({ status: 'failed' });
    expect(log.divergences.at(-1)).toMatch(/^no transcript left for a planner run starting "Plan issue #9/);
  });
});
