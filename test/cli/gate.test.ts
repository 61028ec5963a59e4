import { describe, expect, it } from '@jest/globals';
import { GATE_USAGE, gateCommand } from '../../cli/gate.js';
import type { CliIO } from '../../cli/io.js';
import { allPass, HEAD, OTHER_HEAD, verdict } from '../support/verdicts.js';

/** A CliIO over a map of fake files, recording what the command prints. */
function memoryIO(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readText: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
  };
  return { io, out, err };
}

async function run(args: string[], files: Record<string, string>) {
  const { io, out, err } = memoryIO(files);
  const code = await gateCommand(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const json = (value: unknown) => JSON.stringify(value);

describe('ai-orchestrator gate', () => {
  it('prints an approved decision as JSON and exits 0 for a bare list of verdicts', async () => {
    const { code, out, err } = await run(['--verdicts', 'v.json'], { 'v.json': json(allPass()) });
    expect(code).toBe(0);
    expect(err).toBe('');
    const decision = JSON.parse(out);
    expect(decision.decision).toBe('approved');
    expect(decision.head_sha).toBe(HEAD);
    expect(decision.reasons[0]).toBe('all 4 required reviewers passed on abc1234');
    expect(out).toBe(JSON.stringify(decision, null, 2));
  });

  it('exits 1 and prints the decision when the gate blocks', async () => {
    const verdicts = [
      ...allPass().slice(0, 3),
      verdict('security', { status: 'block', summary: 'secret in code' }),
    ];
    const { code, out } = await run(['--verdicts', 'v.json'], { 'v.json': json(verdicts) });
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      decision: 'blocked',
      reasons: ['security blocks: secret in code', 'no test results (not required by policy)'],
    });
  });

  it('reads the envelope: tests, changed files, head and authorship', async () => {
    const envelope = {
      verdicts: allPass(),
      tests: { passed: 4, failed: 1 },
      changed_files: ['src/a.ts'],
      head_sha: HEAD,
      ai_authored: true,
    };
    const { code, out } = await run(['--verdicts', 'in.json'], { 'in.json': json(envelope) });
    expect(code).toBe(1);
    expect(JSON.parse(out).reasons).toEqual(['1 test failed (4 passed)']);
  });

  it('lets --head override the head of the file, accepting capitals', async () => {
    const file = { 'in.json': json({ verdicts: allPass(), head_sha: HEAD }) };
    const { code, out } = await run(['--verdicts', 'in.json', '--head', OTHER_HEAD.toUpperCase()], file);
    expect(code).toBe(1);
    const decision = JSON.parse(out);
    expect(decision.head_sha).toBe(OTHER_HEAD);
    expect(decision.reviewers.map((row: { status: string }) => row.status)).toEqual([
      'stale',
      'stale',
      'stale',
      'stale',
    ]);
  });

  it('merges --policy over the default: skip paths make a docs change neutral (exit 0)', async () => {
    const files = {
      'in.json': json({ verdicts: [], changed_files: ['docs/index.md'] }),
      'policy.yml': 'gate:\n  skip:\n    paths: ["docs/**"]\n',
    };
    const { code, out } = await run(['--verdicts', 'in.json', '--policy', 'policy.yml'], files);
    expect(code).toBe(0);
    expect(JSON.parse(out).decision).toBe('skipped');
  });

  it('merges --policy over the default: concerns block when the policy says so', async () => {
    const verdicts = [...allPass().slice(0, 3), verdict('security', { status: 'concerns' })];
    const files = { 'v.json': json(verdicts), 'policy.yml': 'gate:\n  concerns: block\n' };
    expect((await run(['--verdicts', 'v.json'], files)).code).toBe(0);
    expect((await run(['--verdicts', 'v.json', '--policy', 'policy.yml'], files)).code).toBe(1);
  });

  it('prints the usage for --help', async () => {
    const { code, out } = await run(['--help'], {});
    expect(code).toBe(0);
    expect(out).toBe(GATE_USAGE);
  });

  describe('bad input exits 2 and says why on stderr', () => {
    const cases: Array<[string, string[], Record<string, string>, string]> = [
      ['a missing --verdicts', [], {}, 'gate: --verdicts <file> is required'],
      [
        'an unknown flag',
        ['--verdicts', 'v.json', '--force'],
        { 'v.json': '[]' },
        "gate: Unknown option '--force'",
      ],
      ['a positional argument', ['v.json'], { 'v.json': '[]' }, 'gate: Unexpected argument'],
      [
        'a bad --head',
        ['--verdicts', 'v.json', '--head', 'main'],
        { 'v.json': '[]' },
        'gate: --head "main": expected a commit SHA',
      ],
      ['an unreadable file', ['--verdicts', 'nope.json'], {}, 'nope.json: cannot read the file: ENOENT'],
      ['bad JSON', ['--verdicts', 'v.json'], { 'v.json': '{"verdicts": [' }, 'v.json: not valid JSON'],
      ['a JSON scalar', ['--verdicts', 'v.json'], { 'v.json': '"APPROVED"' }, 'v.json: not a gate input:'],
      [
        'a bad envelope',
        ['--verdicts', 'v.json'],
        { 'v.json': json({ verdicts: [], tests: { passed: 1, failed: -1 }, approve: true }) },
        'v.json: not a gate input:\n  tests.failed: expected a non-negative integer, got -1\n  approve: unknown key',
      ],
      [
        'an envelope without verdicts',
        ['--verdicts', 'v.json'],
        { 'v.json': json({ tests: { passed: 1, failed: 0 } }) },
        'verdicts: expected a list of verdict documents, got nothing',
      ],
      [
        'a policy that is not YAML',
        ['--verdicts', 'v.json', '--policy', 'p.yml'],
        { 'v.json': '[]', 'p.yml': 'gate: [unclosed' },
        'p.yml: not valid YAML',
      ],
      [
        'an invalid policy, every bad field listed',
        ['--verdicts', 'v.json', '--policy', 'p.yml'],
        { 'v.json': '[]', 'p.yml': 'gate:\n  concerns: maybe\n  block_on_severity: info\n' },
        'p.yml: invalid policy:\n  gate.concerns: expected one of allow, block, got "maybe"\n  gate.block_on_severity: expected one of minor, major, blocker, got "info"',
      ],
      [
        'an unreadable policy',
        ['--verdicts', 'v.json', '--policy', 'p.yml'],
        { 'v.json': '[]' },
        'p.yml: cannot read the file',
      ],
    ];

    it.each(cases)('%s', async (_name, args, files, message) => {
      const { code, out, err } = await run(args, files);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(message);
    });
  });
});
