import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { main } from '../../cli/main.js';
import { memoryIO } from '../support/cli-io.js';

const defaultYaml = readFileSync(new URL('../../policies/default.yml', import.meta.url), 'utf8');

describe('ai-orchestrator policy check', () => {
  it('exits 0 with a summary of the effective policy for the default file', async () => {
    const io = memoryIO({ 'policies/default.yml': defaultYaml });
    expect(await main(['policy', 'check', 'policies/default.yml'], io)).toBe(0);
    expect(io.stdout[0]).toBe('policies/default.yml: valid. Effective policy:');
    expect(io.stdout.join('\n')).toMatch(/trigger label\s+ai:implement/);
    expect(io.stdout.join('\n')).toMatch(/\/pause \/resume need maintain\+/);
    expect(io.stderr).toEqual([]);
  });

  it('summarises the merged policy, not the file alone', async () => {
    const io = memoryIO({ 'c.yml': 'merge:\n  method: rebase\nimplement:\n  fix_attempts: 3\n' });
    expect(await main(['policy', 'check', 'c.yml'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/merge\s+rebase/);
    expect(out).toMatch(/3 fix attempts/);
    expect(out).toMatch(/trigger label\s+ai:implement/);
  });

  it('exits 1 naming a misspelt key, a wrong type and an out-of-range number', async () => {
    const io = memoryIO({
      'bad.yml': 'implement:\n  fix_atempts: 1\n  fix_attempts: many\nreview:\n  revision_rounds: 12\n',
    });
    expect(await main(['policy', 'check', 'bad.yml'], io)).toBe(1);
    expect(io.stderr).toEqual([
      'bad.yml: 3 invalid settings',
      '  implement.fix_attempts: expected an integer from 0 to 5, got "many"',
      '  implement.fix_atempts: unknown key; did you mean "fix_attempts"?',
      '  review.revision_rounds: expected an integer from 0 to 5, got 12',
    ]);
    expect(io.stdout).toEqual([]);
  });

  it('exits 2 when the file cannot be read or parsed, saying why', async () => {
    const missing = memoryIO();
    expect(await main(['policy', 'check', 'nope.yml'], missing)).toBe(2);
    expect(missing.stderr).toEqual(['nope.yml: cannot read the file: no such file']);

    const broken = memoryIO({ 'b.yml': 'a: [1\n' });
    expect(await main(['policy', 'check', 'b.yml'], broken)).toBe(2);
    expect(broken.stderr[0]).toMatch(/^b\.yml: not valid YAML: /);

    const list = memoryIO({ 'l.yml': '- a\n' });
    expect(await main(['policy', 'check', 'l.yml'], list)).toBe(2);
    expect(list.stderr[0]).toBe('l.yml: expected a mapping of settings at the top level, got a list');
  });

  it('exits 2 on bad usage', async () => {
    const io = memoryIO();
    expect(await main(['policy', 'check'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/expected exactly one file/);
    expect(await main(['policy', 'frobnicate'], io)).toBe(2);
    expect(await main(['nonsense'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/Unknown command "nonsense"/);
  });

  it('prints the JSON schema of the configuration file', async () => {
    const io = memoryIO();
    expect(await main(['policy', 'schema'], io)).toBe(0);
    const schema = JSON.parse(io.stdout.join('\n')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['trigger', 'implement', 'gate']));
  });
});
