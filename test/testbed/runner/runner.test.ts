import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHub } from '../../../testbed/github/index.js';
import type { GitHubTestbed, StateEvent } from '../../../testbed/github/index.js';
import { startRunner, WorkflowError } from '../../../testbed/runner/index.js';
import type { LocalRunner } from '../../../testbed/runner/index.js';
import type { World } from '../world.js';
import { job, jobResults, scratchDir, step, world, writeFiles } from './support.js';

const SECRET = 'sk-deploy-5f2a9c';

/** A small workflow using what ours uses: inputs, run-name, if, needs, a matrix, always(), a composite action. */
const TINY = `
name: tiny
run-name: tiny \${{ inputs.greeting }} \${{ inputs.key }}
on:
  workflow_dispatch:
    inputs:
      greeting: { required: false, type: string, default: hello }
      key: { required: true, type: string }
      fail: { required: false, type: string, default: 'no' }
permissions: {}
concurrency:
  group: tiny-\${{ inputs.key }}
  cancel-in-progress: false
env:
  WORKFLOW_LEVEL: wf-\${{ inputs.key }}
jobs:
  first:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      issues: write
    env:
      JOB_LEVEL: job-\${{ inputs.greeting }}
    steps:
      - id: hello
        shell: bash
        env:
          SECRET: \${{ secrets.DEPLOY_KEY }}
          GREETING: \${{ inputs.greeting }}
        run: |
          echo "greeting=$GREETING" >> "$GITHUB_OUTPUT"
          { echo 'story<<EOF_1'; echo 'line one'; echo 'line two'; echo 'EOF_1'; } >> "$GITHUB_OUTPUT"
          echo "EXPORTED=from-env-file" >> "$GITHUB_ENV"
          { echo 'MULTI<<END'; echo 'a'; echo 'b'; echo 'END'; } >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin"
          printf '#!/bin/sh\\necho tool ran\\n' > "$RUNNER_TEMP/bin/mytool"
          chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
          echo "the secret is $SECRET"
          echo "## done" >> "$GITHUB_STEP_SUMMARY"
      - id: env
        shell: bash
        run: |
          echo "exported=$EXPORTED multi=$(echo "$MULTI" | tr '\\n' ,) $WORKFLOW_LEVEL $JOB_LEVEL $(mytool)"
          echo "event $(node -e 'const e = require(process.env.GITHUB_EVENT_PATH); console.log(e.inputs.key, e.ref, e.repository.full_name)')"
          env | grep -E '^(CI|GITHUB_[A-Z_]+|RUNNER_OS)=' | grep -vE '^GITHUB_(OUTPUT|ENV|PATH|STEP_SUMMARY|EVENT_PATH|WORKSPACE)=' | sort
          echo "workspace $(basename "$GITHUB_WORKSPACE") $(pwd | xargs basename)"
      - id: greet
        uses: acme/tools/greet@v1
        env:
          FROM_CALLER: caller-env
        with:
          name: \${{ steps.hello.outputs.greeting }}
      - id: show
        shell: bash
        run: echo "composite said \${{ steps.greet.outputs.message }} (\${{ steps.greet.outcome }})"
      - id: boom
        if: inputs.fail == 'yes'
        shell: bash
        run: exit 3
      - id: cleanup
        if: failure()
        shell: bash
        run: echo "cleaning up after \${{ steps.boom.outcome }}"
  colors:
    needs: first
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        color: [red, blue]
    steps:
      - id: paint
        run: echo "color \${{ matrix.color }} after \${{ needs.first.result }}"
  after:
    needs: [first, colors]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - id: report
        run: echo "first=\${{ needs.first.result }} colors=\${{ needs.colors.result }}"
  never:
    if: inputs.greeting == 'never'
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`;

const GREET = `
name: greet
inputs:
  name: { required: true }
  punctuation: { required: false, default: '!' }
  repo: { required: false, default: '\${{ github.repository }}' }
outputs:
  message:
    value: \${{ steps.make.outputs.message }}
runs:
  using: composite
  steps:
    - id: make
      shell: bash
      env:
        NAME: \${{ inputs.name }}
        P: \${{ inputs.punctuation }}
        REPO: \${{ inputs.repo }}
      run: echo "message=hello $NAME$P from $REPO via $(basename "$GITHUB_ACTION_PATH") with $FROM_CALLER" >> "$GITHUB_OUTPUT"
    - id: last
      if: always()
      shell: bash
      run: echo "composite sees job env $JOB_LEVEL"
`;

/** Each run sleeps, writing when it started and ended, so overlaps can be checked. */
const SERIAL = `
name: serial
on:
  workflow_dispatch:
    inputs:
      key: { required: true, type: string }
      log: { required: true, type: string }
concurrency:
  group: serial-\${{ inputs.key }}
jobs:
  only:
    runs-on: ubuntu-latest
    steps:
      - env:
          LOG: \${{ inputs.log }}
        run: |
          echo "start $GITHUB_RUN_ID $(date +%s%N)" >> "$LOG"
          sleep 0.4
          echo "end $GITHUB_RUN_ID $(date +%s%N)" >> "$LOG"
`;

/** Three matrix jobs that sleep, writing when each started and ended. */
const PARALLEL = `
name: parallel
on:
  workflow_dispatch:
    inputs:
      log: { required: true, type: string }
jobs:
  sleepy:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        n: [1, 2, 3]
    steps:
      - env:
          LOG: \${{ inputs.log }}
          N: \${{ matrix.n }}
        run: |
          echo "start $N $(date +%s%N)" >> "$LOG"
          sleep 0.3
          echo "end $N $(date +%s%N)" >> "$LOG"
`;

/** When each `start <key>` and `end <key>` line of a log was written, in milliseconds. */
function timesIn(log: string): (what: 'start' | 'end', key: string | number) => number {
  const times = new Map<string, number>();
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const [what, key, at] = line.split(' ');
    times.set(`${what} ${key}`, Number(at) / 1e6);
  }
  return (what, key) => times.get(`${what} ${key}`) ?? Number.NaN;
}

const SLOW = `
name: slow
on: workflow_dispatch
jobs:
  slow:
    runs-on: ubuntu-latest
    timeout-minutes: 0.01
    steps:
      - id: hang
        run: sleep 30
      - id: skipped
        run: echo not reached
      - id: always
        if: always() && cancelled()
        run: echo "after the timeout"
`;

let github: GitHubTestbed;
let fixtures: string;
let w: World;
let runner: LocalRunner;

beforeAll(async () => {
  github = await startGitHub();
  fixtures = scratchDir('tiny');
  writeFiles(fixtures, {
    'tiny.yml': TINY,
    'serial.yml': SERIAL,
    'parallel.yml': PARALLEL,
    'slow.yml': SLOW,
    'tools/greet/action.yml': GREET,
  });
});

afterAll(async () => {
  await runner.close();
  await github.close();
  rmSync(fixtures, { recursive: true, force: true });
});

beforeEach(async () => {
  await runner?.close();
  w = world(github);
  runner = startRunner({
    github,
    projectRoot: process.cwd(),
    secrets: { DEPLOY_KEY: SECRET },
    actions: { 'acme/tools': join(fixtures, 'tools') },
  });
});

describe('a tiny workflow', () => {
  it('runs its jobs in order with inputs, outputs, env files, a matrix, a composite action and always()', async () => {
    const events: string[] = [];
    const unsubscribe = github.state.subscribe((event: StateEvent) => {
      if (event.kind === 'workflow_run') events.push(`${event.action}:${event.run.conclusion ?? ''}`);
    });
    runner.addWorkflow(w.repo, { file: join(fixtures, 'tiny.yml') });
    const run = await runner.dispatch(w.repo, 'tiny.yml', { inputs: { key: 'k1' }, actor: 'alice' });
    unsubscribe();

    expect(run.conclusion).toBe('success');
    expect(run.title).toBe('tiny hello k1');
    expect(github.state.actions.run(w.repo, run.id)).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      displayTitle: 'tiny hello k1',
    });
    expect(events).toEqual(['requested:', 'in_progress:', 'completed:success']);
    expect(jobResults(run)).toEqual([
      'after: success',
      'colors (blue): success',
      'colors (red): success',
      'first: success',
      'never: skipped',
    ]);
    // Jobs are recorded as they finish: `after` waited for both matrix jobs.
    expect(run.jobs.map((record) => record.name).indexOf('after')).toBeGreaterThan(
      Math.max(...['colors (red)', 'colors (blue)'].map((name) => run.jobs.map((r) => r.name).indexOf(name))),
    );

    const first = job(run, 'first');
    const hello = step(first, 'hello');
    expect(hello.outputs).toEqual({ greeting: 'hello', story: 'line one\nline two' });
    expect(hello.outputKeys).toEqual(['greeting', 'story']);
    expect(hello.stdout).toBe('the secret is ***\n');
    expect(hello.files.summary).toBe('## done\n');

    const env = step(first, 'env').stdout.split('\n');
    expect(env[0]).toBe('exported=from-env-file multi=a,b, wf-k1 job-hello tool ran');
    expect(env[1]).toBe('event k1 refs/heads/main acme/widgets');
    expect(env).toEqual(
      expect.arrayContaining([
        'CI=true',
        'GITHUB_ACTIONS=true',
        'GITHUB_ACTOR=alice',
        `GITHUB_API_URL=${github.url}`,
        'GITHUB_EVENT_NAME=workflow_dispatch',
        'GITHUB_JOB=first',
        'GITHUB_REF=refs/heads/main',
        'GITHUB_REPOSITORY=acme/widgets',
        `GITHUB_RUN_ID=${run.id}`,
        `GITHUB_SERVER_URL=${github.url}`,
        `GITHUB_SHA=${w.repo.branches.get('main')}`,
        'GITHUB_WORKFLOW=tiny',
        'RUNNER_OS=Linux',
        'workspace widgets widgets',
      ]),
    );
    expect(env.some((line) => line.startsWith('GITHUB_TOKEN='))).toBe(false);

    const greet = step(first, 'greet');
    expect(greet.outputs).toEqual({ message: 'hello hello! from acme/widgets via greet with caller-env' });
    expect(greet.steps.map((inner) => [inner.id, inner.outcome])).toEqual([
      ['make', 'success'],
      ['last', 'success'],
    ]);
    expect(step(first, 'last').stdout).toBe('composite sees job env job-hello\n');
    expect(step(first, 'show').stdout).toBe(
      'composite said hello hello! from acme/widgets via greet with caller-env (success)\n',
    );
    expect(step(first, 'boom').outcome).toBe('skipped');
    expect(step(first, 'cleanup').outcome).toBe('skipped');
    expect(step(job(run, 'colors (red)'), 'paint').stdout).toBe('color red after success\n');
    expect(step(job(run, 'after'), 'report').stdout).toBe('first=success colors=success\n');

    // Each job's GITHUB_TOKEN has exactly the job's permissions (and metadata: read, as on GitHub).
    expect(first.tokenPermissions).toEqual({ contents: 'read', issues: 'write', metadata: 'read' });
    expect(job(run, 'after').tokenPermissions).toEqual({ metadata: 'read' });
    const minted = github.state.apps
      .tokens()
      .filter((token) => token.request.repositories?.[0] === 'widgets');
    expect(minted.map((token) => token.request.permissions)).toContainEqual({
      contents: 'read',
      issues: 'write',
      metadata: 'read',
    });
  });

  it('fails a job on a failing step, skips its dependants, still runs always() jobs, and concludes failure', async () => {
    runner.addWorkflow(w.repo, { file: join(fixtures, 'tiny.yml') });
    const run = await runner.dispatch(w.repo, 'tiny.yml', { inputs: { key: 'k2', fail: 'yes' } });

    expect(run.conclusion).toBe('failure');
    expect(github.state.actions.run(w.repo, run.id).conclusion).toBe('failure');
    expect(jobResults(run)).toEqual([
      'after: success',
      'colors: skipped',
      'first: failure',
      'never: skipped',
    ]);
    const first = job(run, 'first');
    expect(step(first, 'boom')).toMatchObject({
      outcome: 'failure',
      exitCode: 3,
      error: 'Process completed with exit code 3.',
    });
    expect(step(first, 'cleanup').stdout).toBe('cleaning up after failure\n');
    expect(step(job(run, 'after'), 'report').stdout).toBe('first=failure colors=skipped\n');
  });

  it('runs what the app dispatches over the REST API, and idle() waits for it', async () => {
    runner.addWorkflow(w.repo, { file: join(fixtures, 'tiny.yml') });
    const response = await w.bot.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        owner: 'acme',
        repo: 'widgets',
        workflow_id: 'tiny.yml',
        ref: 'main',
        inputs: { key: 'from-app', greeting: 'hi' },
        return_run_details: true,
      },
    );
    const runId = (response.data as { workflow_run_id: number }).workflow_run_id;
    await runner.idle();
    expect(runner.run(runId)).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      title: 'tiny hi from-app',
    });
    const listed = await w.bot.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
      owner: 'acme',
      repo: 'widgets',
      run_id: runId,
    });
    expect(listed.data).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      display_title: 'tiny hi from-app',
    });
  });

  it('leaves dispatches queued when not listening, until execute() runs one', async () => {
    await runner.close();
    runner = startRunner({
      github,
      projectRoot: process.cwd(),
      secrets: { DEPLOY_KEY: SECRET },
      actions: { 'acme/tools': join(fixtures, 'tools') },
      listen: false,
    });
    runner.addWorkflow(w.repo, { file: join(fixtures, 'tiny.yml') });
    const queued = github.state.actions.dispatch(w.repo, 'tiny.yml', github.state.as('alice'), 'main', {
      key: 'q',
    });
    await runner.idle();
    expect(github.state.actions.run(w.repo, queued.id).status).toBe('queued');
    const run = await runner.execute(w.repo, queued.id);
    expect(run.conclusion).toBe('success');
  });
});

describe('scheduling', () => {
  it('serializes a concurrency group (a newer pending run cancels the older pending one) and not other groups', async () => {
    runner.addWorkflow(w.repo, { file: join(fixtures, 'serial.yml') });
    const log = join(fixtures, `serial-${Date.now()}.log`);
    const dispatch = (key: string) => runner.dispatch(w.repo, 'serial.yml', { inputs: { key, log } });
    const [first, replaced, last, other] = await Promise.all([
      dispatch('same'),
      dispatch('same'),
      dispatch('same'),
      dispatch('other'),
    ]);
    expect([first.conclusion, replaced.conclusion, last.conclusion, other.conclusion]).toEqual([
      'success',
      'cancelled',
      'success',
      'success',
    ]);
    expect(replaced.jobs).toEqual([]);
    const at = timesIn(log);
    expect(at('start', last.id)).toBeGreaterThanOrEqual(at('end', first.id));
    expect(at('start', other.id)).toBeLessThan(at('end', first.id));
  });

  it('runs at most maxParallelJobs jobs at once', async () => {
    const overlaps = async (maxParallelJobs: number | undefined) => {
      await runner.close();
      w = world(github);
      runner = startRunner({
        github,
        projectRoot: process.cwd(),
        ...(maxParallelJobs === undefined ? {} : { maxParallelJobs }),
      });
      runner.addWorkflow(w.repo, { file: join(fixtures, 'parallel.yml') });
      const log = join(fixtures, `parallel-${maxParallelJobs ?? 'default'}.log`);
      const run = await runner.dispatch(w.repo, 'parallel.yml', { inputs: { log } });
      expect(run.conclusion).toBe('success');
      const at = timesIn(log);
      const pairs = [
        [1, 2],
        [1, 3],
        [2, 3],
      ] as const;
      return pairs.filter(([a, b]) => at('start', a) < at('end', b) && at('start', b) < at('end', a)).length;
    };
    expect(await overlaps(1)).toBe(0);
    expect(await overlaps(undefined)).toBe(3);
  });

  it('enforces timeout-minutes: the running step is killed, always() steps still run, the job fails', async () => {
    runner.addWorkflow(w.repo, { file: join(fixtures, 'slow.yml') });
    const started = performance.now();
    const run = await runner.dispatch(w.repo, 'slow.yml');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(run.conclusion).toBe('failure');
    const slow = job(run, 'slow');
    expect(slow.error).toBe(
      'The job running on runner local-runner has exceeded the maximum execution time of 0.01 minutes.',
    );
    expect(step(slow, 'hang')).toMatchObject({ outcome: 'failure', error: 'The operation was canceled.' });
    expect(step(slow, 'skipped').outcome).toBe('skipped');
    expect(step(slow, 'always').stdout).toBe('after the timeout\n');
  });
});

describe('what the runner refuses when a workflow is added', () => {
  it('a second workflow at the same path of a repository', () => {
    runner.addWorkflow(w.repo, { file: join(fixtures, 'tiny.yml') });
    expect(() => runner.addWorkflow(w.repo, { file: join(fixtures, 'tiny.yml') })).toThrow(
      'acme/widgets already has a workflow .github/workflows/tiny.yml',
    );
  });

  const refuse = (name: string, text: string) => {
    writeFiles(fixtures, { [name]: text });
    return () => runner.addWorkflow(w.repo, { file: join(fixtures, name) });
  };
  const workflowWith = (steps: string, extra = '') =>
    `on: workflow_dispatch\njobs:\n  j:\n    runs-on: ubuntu-latest\n${extra}    steps:\n${steps}`;

  it.each([
    [
      'an unknown third-party action',
      workflowWith('      - uses: someone/else@v1\n'),
      /jobs.j.steps\[0\]: the local runner has no equivalent of the third-party action someone\/else/,
    ],
    ['a local action path', workflowWith('      - uses: ./local\n'), /does not run "\.\/local"/],
    [
      'an input the action lacks',
      workflowWith('      - uses: acme/tools/greet@v1\n        with: { name: x, nope: y }\n'),
      /with.nope: acme\/tools\/greet@v1 declares no input nope/,
    ],
    [
      'an unsupported step key',
      workflowWith('      - run: echo\n        continue-on-error: true\n'),
      /does not support the key continue-on-error/,
    ],
    [
      'an unsupported job key',
      workflowWith('      - run: echo\n', '    services: {}\n'),
      /jobs.j: the local runner does not support the key services/,
    ],
    ['another shell', workflowWith('      - run: echo\n        shell: python\n'), /runs only bash/],
    [
      'an unsupported function',
      workflowWith("      - run: echo ${{ format('{0}', github.sha) }}\n"),
      /jobs.j.steps\[0\].run: the local runner does not support the function format\(\)/,
    ],
    ['the env context', workflowWith('      - run: echo ${{ env.X }}\n'), /does not support the env context/],
    [
      'secrets in an if:',
      workflowWith('      - if: secrets.X\n        run: echo\n'),
      /the secrets context is not available here/,
    ],
    [
      'a matrix with fail-fast',
      workflowWith('      - run: echo\n', '    strategy: { matrix: { a: [1] } }\n'),
      /fail-fast: false only/,
    ],
    [
      'a Windows job',
      'on: workflow_dispatch\njobs:\n  j:\n    runs-on: windows-latest\n    steps:\n      - run: echo\n',
      /Linux jobs only/,
    ],
    [
      'a push trigger',
      'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n',
      /on: the local runner runs workflow_dispatch only, not push/,
    ],
    [
      'a boolean input',
      'on:\n  workflow_dispatch:\n    inputs:\n      b: { type: boolean }\njobs:\n  j: { runs-on: ubuntu-latest, steps: [{ run: echo }] }\n',
      /on.workflow_dispatch.inputs.b.type: the local runner supports string inputs only, not "boolean"/,
    ],
    [
      'a needs cycle',
      'on: workflow_dispatch\njobs:\n  a: { runs-on: ubuntu-latest, needs: b, steps: [{ run: echo }] }\n  b: { runs-on: ubuntu-latest, needs: a, steps: [{ run: echo }] }\n',
      /needs form a cycle/,
    ],
  ])('%s', (_label, text, message) => {
    const add = refuse('refused.yml', text);
    expect(add).toThrow(WorkflowError);
    expect(add).toThrow(message);
  });
});
