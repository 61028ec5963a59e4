/**
 * The action's runner (action/stages/main.ts) with the environment a runner gives a composite action's
 * step: INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. These cases fail before any
 * stage logic runs, so they need no GitHub: the point is that a result document is written anyway.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { actionInput, runStageFromEnv } from '../../../action/stages/main.js';
import { parseStageResult } from '../../../core/results.js';
import { PROJECT_ROOT } from './support/world.js';

// @actions/core keeps the summary file's path once it has seen it, so one folder serves the whole file.
let dir: string;
let saved: NodeJS.ProcessEnv;
let savedExitCode: typeof process.exitCode;
/** A loopback "GitHub" that answers 404 to everything: fails fast, unlike an unreachable address. */
let nowhere: Server;
let nowhereUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'stage-main-'));
  nowhere = createServer((_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => nowhere.listen(0, '127.0.0.1', resolve));
  nowhereUrl = `http://127.0.0.1:${(nowhere.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => nowhere.close(() => resolve()));
});
beforeEach(() => {
  saved = { ...process.env };
  savedExitCode = process.exitCode;
  for (const file of ['output', 'summary']) writeFileSync(path.join(dir, file), '');
  process.env.GITHUB_OUTPUT = path.join(dir, 'output');
  process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
});
afterEach(() => {
  process.env = saved;
  process.exitCode = savedExitCode;
  rmSync(path.join(dir, 'result.json'), { force: true });
});

/** The outputs the step set, from the GITHUB_OUTPUT file (`name<<delimiter` blocks). */
function outputs(): Record<string, string> {
  const text = readFileSync(path.join(dir, 'output'), 'utf8');
  const found: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) found[match[1]!] = match[3]!;
  return found;
}

const baseEnv = (inputs: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  RUNNER_TEMP: dir,
  GITHUB_WORKSPACE: dir,
  GITHUB_ACTION_PATH: path.join(PROJECT_ROOT, 'action', 'plan'),
  GITHUB_API_URL: nowhereUrl,
  ...Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  ),
});

describe('runStageFromEnv', () => {
  it('reads inputs as @actions/core does: upper-cased, spaces as underscores, trimmed', () => {
    expect(actionInput({ 'INPUT_PROMPTS-DIR': ' /p \n', INPUT_RUN_KEY: 'k' }, 'prompts-dir')).toBe('/p');
    expect(actionInput({ INPUT_A_B: 'x' }, 'a b')).toBe('x');
    expect(actionInput({}, 'issue')).toBe('');
  });

  it('writes a valid failed result when GitHub refuses the stage, and fails the step', async () => {
    const resultPath = path.join(dir, 'out', 'result.json');
    await runStageFromEnv(
      'release-gate',
      baseEnv({
        issue: '3',
        pr: '4',
        run_key: 'key-9',
        repository: 'acme/calc',
        'github-token': 'ghs_notreal',
        'result-path': resultPath,
      }),
    );
    const parsed = parseStageResult(JSON.parse(readFileSync(resultPath, 'utf8')));
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.result).toMatchObject({
      stage: 'release-gate',
      run_key: 'key-9',
      issue: 3,
      pr: 4,
      outcome: { status: 'failed' },
    });
    expect(outputs()).toEqual({ outcome: 'failed', 'result-path': resultPath });
    expect(process.exitCode).toBe(1);
    expect(readFileSync(path.join(dir, 'summary'), 'utf8')).toContain(
      '## ai-orchestrator release-gate: failed',
    );
  });

  it('writes a failed result naming a bad input when the run is still identifiable', async () => {
    const resultPath = path.join(dir, 'result.json');
    await runStageFromEnv(
      'plan',
      baseEnv({
        issue: '3',
        run_key: 'key-1',
        repository: 'acme/calc',
        context: '{not json',
        'result-path': resultPath,
      }),
    );
    const document = JSON.parse(readFileSync(resultPath, 'utf8')) as {
      outcome: { status: string; reason: string };
    };
    expect(parseStageResult(document).ok).toBe(true);
    expect(document.outcome.status).toBe('failed');
    expect(document.outcome.reason).toContain('the context input is not JSON');
    expect(process.exitCode).toBe(1);
  });

  it('writes no document it cannot make valid (no run key), and still fails the step saying why', async () => {
    const resultPath = path.join(dir, 'result.json');
    await runStageFromEnv(
      'plan',
      baseEnv({ issue: '3', repository: 'acme/calc', 'result-path': resultPath }),
    );
    expect(existsSync(resultPath)).toBe(false);
    expect(outputs()).toEqual({ outcome: 'failed', 'result-path': '' });
    expect(process.exitCode).toBe(1);
    expect(readFileSync(path.join(dir, 'summary'), 'utf8')).toContain('the run_key input is required');
  });
});
