import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandFile, runComposite } from '../../../testbed/runner/index.js';
import { ROOT, STAGE_ACTIONS, isRecord, readYaml } from './project-files.js';

let scratch: string;
let canary: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ai-orchestrator-bundle-'));
  canary = join(scratch, 'pwned');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** No request may leave the machine: the API is a closed port (the inputs fail to parse before any call). */
const OFFLINE = { GITHUB_API_URL: 'http://127.0.0.1:9', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

/** Lines of a step's log that GitHub would read as workflow commands. */
const commandLines = (log: string) => log.split('\n').filter((line) => line.startsWith('::'));

describe('the committed bundles start, and fail fast and clearly without inputs', () => {
  it.each(STAGE_ACTIONS)('dist/actions/%s.js', (stage) => {
    const folder = mkdtempSync(join(scratch, `${stage}-`));
    const output = join(folder, 'output');
    writeFileSync(output, '');
    const result = spawnSync(process.execPath, [join(ROOT, 'dist/actions', `${stage}.js`)], {
      cwd: folder,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RUNNER_TEMP: folder,
        GITHUB_OUTPUT: output,
        GITHUB_ACTION_PATH: join(ROOT, 'action', stage),
        ...OFFLINE,
      },
    });
    expect(result.status).toBe(1);
    expect(commandLines(result.stdout)).toEqual([
      `::error::ai-orchestrator ${stage} failed: the run_key input is required`,
    ]);
    expect(parseCommandFile(readFileSync(output, 'utf8')).values.outcome).toBe('failed');
  });
});

/** Every hostile value of the injection corpus at once: any one of them evaluated by a shell trips the canary. */
const hostile = () =>
  [
    `a"; touch ${canary}"`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `'; touch ${canary}; '`,
    `\nEOF\ntouch ${canary}\nEOF`,
    `\nNODE_OPTIONS=--require ${canary}\nresult-path=/etc/passwd\noutcome<<ghadelimiter_1\nsucceeded\nghadelimiter_1`,
    `\n::set-env name=NODE_OPTIONS::--require ${canary}\n::add-path::${scratch}`,
  ].join('');

const CASES = [
  ...STAGE_ACTIONS.map((stage) => ({
    file: `action/${stage}/action.yml`,
    folder: join(ROOT, 'action', stage),
    fixed: {},
  })),
  { file: 'action.yml', folder: ROOT, fixed: { stage: 'implement' } },
  { file: 'action.yml', folder: ROOT, fixed: { stage: 'review', role: 'architecture' } },
];

describe.each(CASES)('$file with the real bundle and hostile inputs', ({ file, folder, fixed }) => {
  it('fails on the inputs without running them, and writes only its two outputs', async () => {
    const action = readYaml(file);
    const names = isRecord(action) && isRecord(action.inputs) ? Object.keys(action.inputs) : [];
    const inputs = Object.fromEntries(
      names.map((name) => [name, name === 'role' ? 'security' : hostile()]).concat(Object.entries(fixed)),
    );
    const run = mkdtempSync(join(scratch, 'run-'));
    mkdirSync(join(run, 'workspace'));
    const result = await runComposite(action, inputs, {
      actionPath: folder,
      runnerTemp: join(run, 'temp'),
      workspace: join(run, 'workspace'),
      scratch: join(run, 'steps'),
      github: {
        repository: 'octo/repo',
        token: 'ghs_x',
        workspace: join(run, 'workspace'),
        event: { repository: { default_branch: 'main' } },
      },
      env: OFFLINE,
    });

    expect(existsSync(canary)).toBe(false);
    expect(result.ran.map((step) => [step.id, step.exitCode])).toEqual([
      ['prepare', 0],
      ['run', 1],
    ]);
    for (const step of result.ran) expect(step.files.env).toBe('');
    const stage = result.ran[1];
    expect([...(stage?.outputKeys ?? [])].sort()).toEqual(['outcome', 'result-path']);
    expect(stage?.outputs.outcome).toBe('failed');
    // The values reach the log only escaped: the one error line, and the masks @actions/core sets.
    for (const line of commandLines(stage?.stdout ?? '')) expect(line).toMatch(/^::(error|add-mask)::/);
    expect(commandLines(stage?.stdout ?? '').filter((line) => line.startsWith('::error::'))).toHaveLength(1);
  });
});
