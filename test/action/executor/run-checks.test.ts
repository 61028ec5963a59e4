import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandTimeoutMs, describeFailure, runChecks } from '../../../action/executor/run-checks.js';
import { runProcess } from '../../../action/executor/run-process.js';
import { defaultPolicy } from '../../../core/policy.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'executor-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), LANG: 'C.UTF-8' };

/** Whether a process with this id is still alive. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits up to `ms` for `check` to hold. */
async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('runProcess', () => {
  it('captures stdout and stderr with the exit code and a duration', async () => {
    const result = await runProcess('echo out; echo err >&2; exit 3', {
      cwd: dir,
      env: baseEnv,
      timeoutMs: 5000,
      maxCaptureChars: 10_000,
    });
    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      startError: null,
      droppedChars: 0,
    });
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('kills the whole process group of a command that runs past its time limit', async () => {
    const started = Date.now();
    const result = await runProcess('sleep 30 & echo $! > sleeper.pid; wait', {
      cwd: dir,
      env: baseEnv,
      timeoutMs: 400,
      maxCaptureChars: 1000,
      graceMs: 500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(5000);
    const sleeper = Number(readFileSync(join(dir, 'sleeper.pid'), 'utf8'));
    expect(await eventually(() => !alive(sleeper))).toBe(true);
  });

  it('escalates to SIGKILL when the command ignores SIGTERM', async () => {
    const result = await runProcess("trap '' TERM; sleep 30 & wait; sleep 30", {
      cwd: dir,
      env: baseEnv,
      timeoutMs: 300,
      maxCaptureChars: 1000,
      graceMs: 300,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
  });

  it('finishes when the command exits, even if it left a process holding the output open, and stops that process', async () => {
    const started = Date.now();
    const result = await runProcess('sleep 30 & echo $! > straggler.pid; echo done', {
      cwd: dir,
      env: baseEnv,
      timeoutMs: 10_000,
      maxCaptureChars: 1000,
      graceMs: 300,
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.output).toBe('done\n');
    expect(Date.now() - started).toBeLessThan(5000);
    const straggler = Number(readFileSync(join(dir, 'straggler.pid'), 'utf8'));
    expect(await eventually(() => !alive(straggler))).toBe(true);
  });

  it('bounds what it holds, keeping the start and the end', async () => {
    const result = await runProcess('for i in $(seq 1 20000); do echo "line $i"; done', {
      cwd: dir,
      env: baseEnv,
      timeoutMs: 10_000,
      maxCaptureChars: 4000,
    });
    expect(result.droppedChars).toBeGreaterThan(100_000);
    expect(result.output.startsWith('line 1\nline 2\n')).toBe(true);
    expect(result.output.endsWith('line 20000\n')).toBe(true);
    expect(result.output.length).toBeLessThan(4100);
  });

  it('reports a working directory that does not exist as a start error', async () => {
    const result = await runProcess('true', {
      cwd: join(dir, 'missing'),
      env: baseEnv,
      timeoutMs: 1000,
      maxCaptureChars: 100,
    });
    expect(result.exitCode).toBeNull();
    expect(result.startError).toMatch(/ENOENT/);
  });
});

describe('runChecks', () => {
  it('runs the commands in order and stops at the first failure', async () => {
    const outcome = await runChecks(
      [
        { name: 'build', command: 'echo built > build.txt', timeoutMs: 5000 },
        { name: 'test', command: 'echo "Error: 2 tests failed" >&2; exit 1', timeoutMs: 5000 },
        { name: 'lint', command: 'touch linted', timeoutMs: 5000 },
      ],
      { cwd: dir, env: baseEnv },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.results.map((r) => [r.name, r.ok, r.exitCode])).toEqual([
      ['build', true, 0],
      ['test', false, 1],
    ]);
    expect(outcome.results[1]?.output).toContain('Error: 2 tests failed');
    expect(existsSync(join(dir, 'linted'))).toBe(false);
    expect(describeFailure(outcome.results[1]!)).toBe(
      'test (`echo "Error: 2 tests failed" >&2; exit 1`) failed with exit code 1',
    );
  });

  it('reports a timeout and a missing program plainly', async () => {
    const slow = await runChecks([{ name: 'test', command: 'sleep 5', timeoutMs: 200 }], {
      cwd: dir,
      env: baseEnv,
    });
    expect(slow.results[0]).toMatchObject({ ok: false, timedOut: true });
    expect(describeFailure(slow.results[0]!)).toMatch(
      /^test \(`sleep 5`\) timed out after \d+ s and was stopped$/,
    );
    const missing = await runChecks([{ name: 'build', command: 'no-such-program-here', timeoutMs: 5000 }], {
      cwd: dir,
      env: baseEnv,
    });
    expect(missing.results[0]).toMatchObject({ ok: false, exitCode: 127 });
    expect(missing.results[0]?.output).toContain('no-such-program-here');
  });

  it('trims long output to the bound, failures first', async () => {
    const script = [
      'for i in $(seq 1 3000); do echo "PASS test/m$i.test.ts"; done',
      'echo "FAIL test/sum.test.ts"',
      'echo "  ● sum › adds"',
      'echo "    Expected: 3"',
      'echo "    Received: 4"',
      'for i in $(seq 1 3000); do echo "PASS test/n$i.test.ts"; done',
      'exit 1',
    ].join('\n');
    writeFileSync(join(dir, 'noisy.sh'), script);
    const outcome = await runChecks([{ name: 'test', command: 'bash noisy.sh', timeoutMs: 10_000 }], {
      cwd: dir,
      env: baseEnv,
      maxOutputChars: 3000,
    });
    const output = outcome.results[0]!.output;
    expect(output.length).toBeLessThan(3300);
    expect(output.startsWith('=== Failures (jest) ===')).toBe(true);
    expect(output).toContain('Received: 4');
  });

  it('gives the child no secret: planted canaries never reach its environment', async () => {
    const canaries = {
      GITHUB_TOKEN: 'CANARY_github_token_1',
      GH_TOKEN: 'CANARY_gh_token_2',
      ANTHROPIC_API_KEY: 'CANARY_anthropic_3',
      ACTIONS_RUNTIME_TOKEN: 'CANARY_runtime_4',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'CANARY_oidc_5',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://CANARY_oidc_url_6',
      NPM_TOKEN: 'CANARY_npm_7',
      DB_PASSWORD: 'CANARY_db_8',
      MY_SECRET_VALUE: 'CANARY_secret_9',
      SSH_PRIVATE_KEY: 'CANARY_private_10',
      STRIPE_KEY: 'CANARY_stripe_11',
    };
    const env = { ...baseEnv, CI: 'true', ...canaries };
    const outcome = await runChecks(
      [{ name: 'test', command: "env; echo ---; tr '\\0' '\\n' < /proc/self/environ", timeoutMs: 5000 }],
      { cwd: dir, env },
    );
    const output = outcome.results[0]!.output;
    expect(outcome.ok).toBe(true);
    expect(output).not.toContain('CANARY_');
    for (const name of Object.keys(canaries)) expect(output).not.toContain(`${name}=`);
    expect(output).toContain('CI=true');
    expect(output).toContain(`PATH=${baseEnv.PATH}`);
    expect(output).toContain('LANG=C.UTF-8');
  });

  it("filters this process's own environment by default", async () => {
    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = 'CANARY_default_env_12';
    try {
      const outcome = await runChecks([{ name: 'env', command: 'env', timeoutMs: 5000 }], { cwd: dir });
      expect(outcome.ok).toBe(true);
      expect(outcome.results[0]!.output).not.toContain('CANARY_');
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    }
  });

  it('refuses to pass vacuously and refuses a missing time limit', async () => {
    await expect(runChecks([], { cwd: dir })).rejects.toThrow(/pass vacuously/);
    await expect(runChecks([{ name: 'x', command: 'true', timeoutMs: 0 }], { cwd: dir })).rejects.toThrow(
      /timeoutMs/,
    );
  });

  it('takes the time limit from the policy', () => {
    expect(commandTimeoutMs(defaultPolicy())).toBe(10 * 60_000);
  });
});
