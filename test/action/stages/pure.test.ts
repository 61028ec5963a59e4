/** The pure parts of the stages: parsing inputs, reading test counts and citations, escaping, documents. */
import { describe, expect, it } from '@jest/globals';
import { embedDocument, readEmbeddedDocument } from '../../../action/github/embedded-document.js';
import { parseRepository } from '../../../action/github/repository.js';
import { checkCommands, inFolder, shellQuote } from '../../../action/stages/check-commands.js';
import { citedFiles } from '../../../action/stages/citations.js';
import { parseStageContext } from '../../../action/stages/context.js';
import { InputError, parseStageInputs } from '../../../action/stages/inputs.js';
import { codeBlock, inlineText, table } from '../../../action/stages/markdown.js';
import { readTestCounts } from '../../../action/stages/test-counts.js';
import { defaultPolicy } from '../../../core/policy.js';

describe('readTestCounts', () => {
  it.each([
    [
      'node --test (TAP)',
      '# tests 3\n# suites 0\n# pass 2\n# fail 1\n# cancelled 0\n',
      { passed: 2, failed: 1 },
    ],
    ['node --test (spec)', 'ℹ tests 4\nℹ pass 4\nℹ fail 0\n', { passed: 4, failed: 0 }],
    ['jest', 'Tests:       1 failed, 3 passed, 4 total\nSnapshots:   0 total', { passed: 3, failed: 1 }],
    ['vitest', ' Test Files  1 passed (1)\n      Tests  5 passed (5)\n', { passed: 5, failed: 0 }],
    ['pytest', '===== 3 passed, 1 failed, 1 error in 0.12s =====', { passed: 3, failed: 2 }],
    ['unittest ok', 'test_a ... ok\n\nRan 2 tests in 0.001s\n\nOK\n', { passed: 2, failed: 0 }],
    [
      'unittest failed',
      'Ran 4 tests in 0.002s\n\nFAILED (failures=1, errors=1, skipped=1)\n',
      { passed: 1, failed: 2 },
    ],
    [
      'cargo',
      'test result: ok. 3 passed; 0 failed; 0 ignored\ntest result: FAILED. 1 passed; 2 failed; 0 ignored',
      { passed: 4, failed: 2 },
    ],
    ['mocha', '  3 passing (12ms)\n  1 failing\n', { passed: 3, failed: 1 }],
  ])('reads %s output', (_name, output, expected) => {
    expect(readTestCounts(output)).toEqual(expected);
  });

  it('does not guess a count from output that states none', () => {
    expect(readTestCounts('build finished\nall good\n')).toBeUndefined();
    expect(readTestCounts('Ran 3 tests in 0.1s\n(interrupted)')).toBeUndefined();
  });
});

describe('citedFiles', () => {
  it('takes paths in code spans and bare paths with a folder and an extension', () => {
    expect(
      citedFiles(
        'Changed `src/calc.js` and `package.json`; added tests in test/calc.test.js:12. See `src/` too.',
        'Ran `npm test` and `node --test`.',
      ),
    ).toEqual(['src/calc.js', 'package.json', 'src/', 'test/calc.test.js:12']);
  });

  it('leaves out expressions, versions, branches and URLs', () => {
    expect(
      citedFiles(
        'Uses `Math.max`, `config.timeout`, `1.2.3`, `origin/main`, https://example.com/a/b.js and e.g. this.',
      ),
    ).toEqual([]);
  });
});

describe('inlineText and codeBlock', () => {
  it('keeps model text inert in a table cell: no HTML, no link, no mention, no new row', () => {
    const cell = inlineText('ok | <img src=x> [a](http://e) @alice **b**\nnext');
    expect(cell).not.toMatch(/<|(?<!\\)\||(?<!\\)\[|@/);
    expect(cell).toContain('&lt;img');
    expect(cell).toContain('&#64;alice');
    expect(table(['a'], [[cell]]).split('\n')).toHaveLength(3);
  });

  it('redacts secrets and cuts long text', () => {
    const token = `ghs_${'a'.repeat(36)}`;
    expect(inlineText(`token ${token}`)).not.toContain(token);
    expect(inlineText('x'.repeat(50), 10)).toHaveLength(10);
  });

  it('fences a code block so that the text cannot close it', () => {
    const block = codeBlock('a ``` b ```` c');
    const fence = block.split('\n')[0]!.replace('text', '');
    expect(fence).toBe('`````');
    expect(block.endsWith(`\n${fence}`)).toBe(true);
  });
});

describe('embedded documents', () => {
  it('round-trips a JSON value through a hidden marker', () => {
    const value = { role: 'security', findings: [{ message: '-->' }] };
    const marker = embedDocument('reviewer-document', value);
    expect(marker).toMatch(/^<!-- ai-orchestrator:reviewer-document:v1 [A-Za-z0-9+/=]+ -->$/);
    expect(readEmbeddedDocument('reviewer-document', `text\n\n${marker}`)).toEqual({ ok: true, value });
  });

  it('reports a missing, damaged or foreign marker instead of throwing', () => {
    expect(readEmbeddedDocument('reviewer-document', 'no marker')).toMatchObject({ ok: false });
    expect(
      readEmbeddedDocument('reviewer-document', '<!-- ai-orchestrator:reviewer-document:v1 %%% -->'),
    ).toMatchObject({
      ok: false,
      reason: 'the reviewer-document marker is damaged',
    });
    expect(
      readEmbeddedDocument('reviewer-document', '<!-- ai-orchestrator:reviewer-document:v1 AAAA -->'),
    ).toMatchObject({
      ok: false,
    });
    expect(readEmbeddedDocument('test-results', embedDocument('reviewer-document', {}))).toMatchObject({
      ok: false,
    });
  });
});

describe('checkCommands', () => {
  it('orders build, typecheck, lint and test across stacks and runs sub-projects in their folder', () => {
    const commands = checkCommands(
      [
        { path: '.', kind: 'node', test: 'npm test', lint: 'npm run lint', notes: [] },
        { path: "svc/it's", kind: 'python', test: 'pytest', build: 'uv build', notes: [] },
      ],
      defaultPolicy(),
    );
    expect(commands.map((c) => [c.name, c.command])).toEqual([
      ["build (svc/it's)", `cd 'svc/it'\\''s' && uv build`],
      ['lint', 'npm run lint'],
      ['test', 'npm test'],
      ["test (svc/it's)", `cd 'svc/it'\\''s' && pytest`],
    ]);
    expect(commands[0]!.timeoutMs).toBe(10 * 60_000);
    expect(
      checkCommands(
        [{ path: '.', kind: 'make', test: 'make test', lint: 'make lint', notes: [] }],
        defaultPolicy(),
        ['test'],
      ),
    ).toHaveLength(1);
  });

  it('quotes a folder so that it is one shell word', () => {
    expect(shellQuote('$(touch /tmp/x)')).toBe("'$(touch /tmp/x)'");
    expect(inFolder('.', 'npm test')).toBe('npm test');
  });
});

describe('stage inputs', () => {
  const defaults = {
    workspace: '/w',
    promptsDir: () => '/prompts',
    remoteUrl: 'https://github.com/acme/calc.git',
  };
  const raw = { issue: '12', run_key: 'k-1', repository: 'acme/calc' };

  it('parses the inputs of a stage', () => {
    expect(
      parseStageInputs(
        'review',
        { ...raw, pr: '7', role: 'security', context: '{"lessons":["a"]}' },
        defaults,
      ),
    ).toEqual({
      runKey: 'k-1',
      repository: { owner: 'acme', repo: 'calc' },
      issue: 12,
      pr: 7,
      role: 'security',
      workspace: '/w',
      promptsDir: '/prompts',
      context: { lessons: ['a'] },
      remoteUrl: 'https://github.com/acme/calc.git',
    });
  });

  it('does not look for prompts in the stages that run no agent', () => {
    const promptsDir = () => {
      throw new InputError('no prompts');
    };
    expect(
      parseStageInputs('release-gate', { ...raw, pr: '7' }, { ...defaults, promptsDir }).promptsDir,
    ).toBe('');
    expect(() => parseStageInputs('plan', raw, { ...defaults, promptsDir })).toThrow('no prompts');
  });

  it.each([
    [{ ...raw, issue: '0' }, 'the issue input must be a positive whole number'],
    [{ ...raw, issue: '' }, 'the issue input is required'],
    [{ ...raw, run_key: ' ' }, 'the run_key input is required'],
    [{ ...raw, repository: 'acme' }, 'the repository input'],
    [{ ...raw, story: 'a b' }, 'the story input must be a story id'],
    [{ ...raw, role: 'janitor' }, 'the role input must be one of'],
    [{ ...raw, context: '{' }, 'the context input is not JSON'],
    [{ ...raw, context: '{"mood":"x"}' }, 'the context input is invalid'],
  ])('names a bad input %#', (given, message) => {
    expect(() => parseStageInputs('plan', given, defaults)).toThrow(message);
  });

  it('needs a role for review', () => {
    expect(() => parseStageInputs('review', raw, defaults)).toThrow('the review stage needs the role input');
  });

  it('reads an empty context as none and refuses more lessons than the app keeps', () => {
    expect(parseStageContext('')).toEqual({});
    expect(parseStageContext('{"answer":"yes","questions":["why?"]}')).toEqual({
      answer: 'yes',
      questions: ['why?'],
    });
    expect(() => parseStageContext(JSON.stringify({ lessons: ['1', '2', '3', '4', '5', '6'] }))).toThrow(
      'at most 5 lessons',
    );
  });

  it('refuses a repository that could address another endpoint', () => {
    expect(() => parseRepository('acme/calc/../x')).toThrow(RangeError);
    expect(parseRepository(' acme/calc ')).toEqual({ owner: 'acme', repo: 'calc' });
  });
});
