/**
 * `ai-orchestrator demo`, the README's main-job command, run as the command line runs it: it finishes the
 * lifecycle, exits 0, says which model answered, prints the gate's decision, the merge, the audit log and
 * the ledger, and leaves no temporary folder behind. Bad arguments exit 2 before anything starts.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { demoCommand } from '../../cli/demo.js';
import { runDemo } from '../../testbed/demo/run-demo.js';
import { memoryIO } from '../support/cli-io.js';

describe('ai-orchestrator demo', () => {
  it('runs one issue from the label to a validated merge and says what ran', async () => {
    let text = '';
    let root: string | undefined;
    const outcome = await runDemo({
      write: (chunk) => {
        text += chunk;
      },
      tty: false,
      onWorld: (world) => {
        root = path.dirname(world.dataDir);
      },
    });
    expect(outcome).toMatchObject({ ok: true, problem: undefined });
    expect(outcome.seconds).toBeLessThan(120);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^model: recorded transcripts \(offline\)/);
    expect(text).not.toContain('live Anthropic API');
    expect(text).toMatch(/octocat reads the plan and comments \/approve on #1/);
    expect(text).toMatch(/release gate \(ai-orchestrator\/release-gate\): approved, check success/);
    expect(text).toMatch(/merged by ai-orchestrator\[bot\] \(squash\) as [0-9a-f]{40}/);
    expect(text).toMatch(/npm test: the command \(`npm test`\) failed with exit code 1/);
    expect(text).toMatch(/npm test: passed \(exit code 0\)/);
    expect(text).toMatch(/Audit log \(\d+ entries/);
    expect(text).toMatch(/pulls\.merge\s+acme\/notes#4 ok/);
    expect(text).toMatch(/Token and cost ledger/);
    expect(text).toMatch(/Transcripts: 6 agent runs replayed .*none left unplayed/);
    expect(text).toMatch(/Done in [\d.]+ s/);
    expect(root).toBeDefined();
    expect(existsSync(root as string)).toBe(false);
  }, 180_000);

  it('refuses arguments it does not know, or a timeout that is not a number, with exit 2', async () => {
    const unknown = memoryIO();
    expect(await demoCommand(['--fast'], unknown)).toBe(2);
    expect(unknown.stderr.join('\n')).toMatch(/Unknown option '--fast'/);
    const timeout = memoryIO();
    expect(await demoCommand(['--step-timeout', 'soon'], timeout)).toBe(2);
    expect(timeout.stderr.join('\n')).toMatch(/--step-timeout expects a number of seconds, got "soon"/);
  });
});
