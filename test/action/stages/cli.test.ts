/**
 * `ai-orchestrator stage`: the same stage functions on a local checkout, with the action's inputs as
 * flags, GitHub at GITHUB_API_URL with GITHUB_TOKEN and the model at ANTHROPIC_BASE_URL.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../../cli/main.js';
import { repositoryOfUrl, stageCommand } from '../../../cli/stage.js';
import { parseStageResult } from '../../../core/results.js';
import { memoryIO } from '../../support/cli-io.js';
import { useHarness } from './support/fixtures.js';
import { openAiPull } from './support/pulls.js';
import { finish, writeFiles } from './support/scripts.js';
import type { World } from './support/world.js';

const harness = useHarness();

const env = (world: World): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GITHUB_API_URL: harness.github.url,
  GITHUB_TOKEN: world.token,
  ANTHROPIC_API_KEY: 'test-key',
  ANTHROPIC_BASE_URL: harness.fake.url,
});

describe('ai-orchestrator stage', () => {
  it('implements a story on a local checkout, pushing to its origin and opening the pull request', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Add `multiply(a, b)`.').number;
    harness.fake.enqueue(
      writeFiles({
        'src/calc.js':
          'export function add(a, b) {\n  return a + b;\n}\n\nexport function multiply(a, b) {\n  return a * b;\n}\n',
        'test/multiply.test.js':
          "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { multiply } from '../src/calc.js';\n\ntest('multiply', () => {\n  assert.equal(multiply(2, 3), 6);\n});\n",
      }),
      finish('Added `multiply` to `src/calc.js` with `test/multiply.test.js`.'),
    );
    const io = memoryIO();
    const resultPath = path.join(world.root, 'out', 'result.json');
    const code = await stageCommand(
      [
        'implement',
        '--repo',
        world.work,
        '--issue',
        String(issue),
        '--run-key',
        'cli-1',
        '--result-path',
        resultPath,
      ],
      io,
      env(world),
    );
    expect({ code, stderr: io.stderr }).toMatchObject({ code: 0 });
    const written = parseStageResult(JSON.parse(readFileSync(resultPath, 'utf8')));
    expect(written).toMatchObject({
      ok: true,
      result: {
        stage: 'implement',
        run_key: 'cli-1',
        repository: 'acme/calc',
        outcome: { status: 'succeeded' },
      },
    });
    expect(JSON.parse(io.stdout.join('\n'))).toEqual(written.ok ? written.result : undefined);
    expect(harness.github.state.pulls.list(world.repo)).toHaveLength(1);
  });

  it('runs the release gate and exits 0 for a decision, whatever it is', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Add multiply.').number;
    const pull = await openAiPull(world, issue, {
      'src/multiply.js': 'export const multiply = (a, b) => a * b;\n',
    });
    const withEnv = memoryIO();
    expect(
      await stageCommand(
        ['release-gate', '--repo', world.work, '--issue', String(issue), '--pr', String(pull.number)],
        withEnv,
        env(world),
      ),
    ).toBe(0);
    expect(JSON.parse(withEnv.stdout.join('\n'))).toMatchObject({
      outcome: { status: 'succeeded', gate: { decision: 'blocked' } },
    });
  });

  it('says what is wrong with its flags and exits 2', async () => {
    const world = await harness.world('node');
    for (const args of [
      ['deploy', '--repo', world.work],
      ['plan'],
      ['plan', '--repo', world.work, '--issue', 'x'],
      ['review', '--repo', world.work, '--issue', '1', '--pr', '2'],
      ['plan', '--repo', world.work, '--bogus'],
    ]) {
      const io = memoryIO();
      expect({ args, code: await stageCommand(args, io, env(world)) }).toEqual({ args, code: 2 });
      expect(io.stderr.join('\n')).toMatch(/^stage: /);
    }
    const help = memoryIO();
    expect(await main(['stage', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toContain(
      'Usage: ai-orchestrator stage <plan|implement|review|release-gate|validate>',
    );
  });

  it('finds the repository in the origin URL', () => {
    expect(repositoryOfUrl('https://github.com/acme/calc.git')).toBe('acme/calc');
    expect(repositoryOfUrl('git@github.com:acme/calc.git')).toBe('acme/calc');
    expect(repositoryOfUrl('http://127.0.0.1:4000/acme/calc')).toBe('acme/calc');
    expect(repositoryOfUrl(undefined)).toBeUndefined();
  });
});
