/**
 * The action's runner end to end: a composite action's step environment (INPUT_* variables, the files the
 * runner names) running the review stage against the offline GitHub and the Anthropic fake.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runStageFromEnv } from '../../../action/stages/main.js';
import { parseStageResult } from '../../../core/results.js';
import { useHarness } from './support/fixtures.js';
import { openAiPull } from './support/pulls.js';
import { verdict } from './support/scripts.js';
import { PROJECT_ROOT } from './support/world.js';

const harness = useHarness();
let saved: NodeJS.ProcessEnv;
let savedExitCode: typeof process.exitCode;

beforeEach(() => {
  saved = { ...process.env };
  savedExitCode = process.exitCode;
});
afterEach(() => {
  process.env = saved;
  process.exitCode = savedExitCode;
});

describe('runStageFromEnv', () => {
  it('runs a stage from the action inputs, writes its result and sets its outputs', async () => {
    const world = await harness.world('node');
    const issue = world.issue('Add a multiply function', 'Add multiply.').number;
    const pull = await openAiPull(world, issue, {
      'src/multiply.js': 'export const multiply = (a, b) => a * b;\n',
    });
    harness.fake.enqueue(verdict('pass', 'Fine.'));
    const output = path.join(world.root, 'output');
    const summary = path.join(world.root, 'summary');
    writeFileSync(output, '');
    writeFileSync(summary, '');
    // @actions/core writes outputs and the summary to the files the process environment names.
    process.env.GITHUB_OUTPUT = output;
    process.env.GITHUB_STEP_SUMMARY = summary;
    const resultPath = path.join(world.root, 'result', 'result.json');
    await runStageFromEnv('review', {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_API_URL: harness.github.url,
      GITHUB_SERVER_URL: harness.github.url,
      GITHUB_REPOSITORY: 'acme/calc',
      GITHUB_WORKSPACE: world.work,
      GITHUB_ACTION_PATH: path.join(PROJECT_ROOT, 'action', 'review'),
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: harness.fake.url,
      INPUT_ROLE: 'security',
      INPUT_PR: String(pull.number),
      INPUT_ISSUE: String(issue),
      INPUT_RUN_KEY: 'run-42',
      INPUT_CONTEXT: '{}',
      'INPUT_GITHUB-TOKEN': world.token,
      'INPUT_RESULT-PATH': resultPath,
    });
    const parsed = parseStageResult(JSON.parse(readFileSync(resultPath, 'utf8')));
    expect(parsed).toMatchObject({
      ok: true,
      result: { stage: 'review', run_key: 'run-42', pr: pull.number, outcome: { status: 'succeeded' } },
    });
    const outputs = readFileSync(output, 'utf8');
    expect(outputs).toMatch(/^outcome<<(\S+)\nsucceeded\n\1$/m);
    expect(outputs).toContain(resultPath);
    expect(readFileSync(summary, 'utf8')).toContain('## ai-orchestrator review: succeeded');
    expect(readFileSync(summary, 'utf8')).toContain('| security |');
    expect(process.exitCode).toBe(savedExitCode);
  });
});
