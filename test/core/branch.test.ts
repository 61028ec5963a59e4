import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import {
  MAX_SLUG_LENGTH,
  MAX_SUBJECT_LINE_LENGTH,
  branchName,
  commitMessage,
  commitType,
  isValidBranchName,
  slugify,
} from '../../core/branch.js';

/** What the real git says about a branch name (run outside any repository, no shell). */
const gitAccepts = (name: string): boolean =>
  spawnSync('git', ['check-ref-format', '--branch', name], { cwd: tmpdir(), encoding: 'utf8' }).status === 0;

const hostileTitles = [
  'a"; touch /tmp/pwned"',
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  '../../etc/passwd',
  '-rf --force',
  'refs/heads/main',
  'x.lock',
  'a@{1}..b~1^2:c?d*e[f\\g',
  '   ',
  '日本語のタイトル',
  '\u202eevil\u200b',
  'Ünïcödé Çafé naïve',
];

describe('slugify and branchName', () => {
  it('makes the documented branch from an ordinary title', () => {
    expect(branchName(123, 'Add pet insurance product')).toBe('ai/123-add-pet-insurance-product');
    expect(branchName(7, 'Ünïcödé Çafé: naïve   résumé!!')).toBe('ai/7-unicode-cafe-naive-resume');
  });

  it('falls back to a fixed slug when nothing ASCII is left', () => {
    expect(branchName(5, '日本語のタイトル')).toBe('ai/5-change');
  });

  it('bounds the slug, cutting at a word boundary', () => {
    const slug = slugify('implement the extremely long feature title that keeps going and going forever');
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).toBe('implement-the-extremely-long-feature-title-that');
  });

  it('refuses an issue number that is not a positive integer', () => {
    expect(() => branchName(0, 'x')).toThrow(RangeError);
    expect(() => branchName(1.5, 'x')).toThrow(RangeError);
    expect(() => branchName(Number.NaN, 'x')).toThrow(RangeError);
  });

  it('property: any title and issue give a short, shell-inert, valid branch name', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.string({ unit: 'binary' }), (issue, title) => {
        const name = branchName(issue, title);
        expect(name).toMatch(/^ai\/[1-9][0-9]*-[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(name.length).toBeLessThanOrEqual('ai/10000000-'.length + MAX_SLUG_LENGTH);
        expect(isValidBranchName(name)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the real git check-ref-format accepts the branch names of hostile and random titles', () => {
    const random = fc.sample(fc.string({ unit: 'binary', maxLength: 80 }), { numRuns: 40, seed: 42 });
    for (const title of [...hostileTitles, ...random]) {
      const name = branchName(42, title);
      expect({ title, name, git: gitAccepts(name) }).toEqual({ title, name, git: true });
    }
  });
});

describe('isValidBranchName agrees with git check-ref-format --branch', () => {
  const corpus = [
    'ai/1-x',
    '-x',
    'HEAD',
    'a b',
    'a@{x',
    'a/.b',
    'a.lock/b',
    'x"; touch',
    '$(x)',
    'a/b/',
    '/a',
    'ai/1-`x`',
    'é',
    'a..b',
    'a\\b',
    'a/-b',
    'a.',
    'a//b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'tab\there',
    'del\u007f',
  ];

  it('on a corpus of edge cases', () => {
    for (const name of corpus) {
      expect({ name, ours: isValidBranchName(name) }).toEqual({ name, ours: gitAccepts(name) });
    }
  });

  it('never accepts what git refuses, on random names built from the troublesome characters', () => {
    const names = fc.sample(
      fc.string({
        unit: fc.constantFrom(
          'a',
          'b',
          '.',
          '/',
          '-',
          '@',
          '{',
          '~',
          '^',
          ':',
          ' ',
          '\\',
          'l',
          'o',
          'c',
          'k',
          '*',
        ),
        minLength: 1,
        maxLength: 12,
      }),
      { numRuns: 150, seed: 7 },
    );
    for (const name of names) {
      if (isValidBranchName(name)) expect({ name, git: gitAccepts(name) }).toEqual({ name, git: true });
    }
  });

  it('is stricter than git only for a lone @', () => {
    expect(gitAccepts('@')).toBe(true);
    expect(isValidBranchName('@')).toBe(false);
  });
});

describe('commitType', () => {
  it('prefers an explicit type, then labels, then the title', () => {
    expect(commitType({ title: 'Fix the crash', labels: ['documentation'], type: 'refactor' })).toBe(
      'refactor',
    );
    expect(commitType({ title: 'Fix the crash', labels: ['documentation'] })).toBe('docs');
    expect(commitType({ title: 'Fix the crash on save' })).toBe('fix');
    expect(commitType({ title: 'App crashes on start' })).toBe('fix');
  });

  it('reads the title', () => {
    expect(commitType({ title: 'Add pet insurance product' })).toBe('feat');
    expect(commitType({ title: 'Document the config file in the README' })).toBe('docs');
    expect(commitType({ title: 'Test the parser edge cases' })).toBe('test');
    expect(commitType({ title: 'Refactor the session store' })).toBe('refactor');
    expect(commitType({ title: 'Bump zod to 4.1' })).toBe('chore');
    expect(commitType({ title: 'chore(ci): cache npm' })).toBe('chore');
  });

  it('ignores labels that name no type', () => {
    expect(commitType({ title: 'Add export', labels: ['ai:implement', 'good first issue'] })).toBe('feat');
    expect(commitType({ title: 'Add export', labels: ['bug'] })).toBe('fix');
  });
});

describe('commitMessage', () => {
  it('writes the design example', () => {
    expect(commitMessage({ issue: 123, type: 'feat', summary: 'Add pet insurance product.' })).toBe(
      'feat(#123): add pet insurance product\n',
    );
  });

  it('keeps acronyms, drops a conventional prefix of its own, and adds a body after a blank line', () => {
    expect(
      commitMessage({
        issue: 9,
        type: 'fix',
        summary: 'fix: API keys leak',
        body: 'What changed.\r\n\r\nTests: npm test  ',
      }),
    ).toBe('fix(#9): API keys leak\n\nWhat changed.\n\nTests: npm test\n');
  });

  it('uses one clean line of a hostile summary, verbatim apart from invisible characters', () => {
    const message = commitMessage({
      issue: 1,
      type: 'feat',
      summary: '\n  a"; touch /tmp/pwned" $(touch /tmp/pwned) `id`\u202e\u200b\nsecond line\nEOF',
    });
    expect(message).toBe('feat(#1): a"; touch /tmp/pwned" $(touch /tmp/pwned) `id`\n');
  });

  it('property: the header is one bounded line for any summary that has visible text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 99999 }), (summary, issue) => {
        let message: string;
        try {
          message = commitMessage({ issue, type: 'feat', summary });
        } catch (error) {
          expect(String(error)).toMatch(/no visible text/);
          return;
        }
        const header = message.split('\n')[0] as string;
        expect(header.startsWith(`feat(#${issue}): `)).toBe(true);
        expect(header.length).toBeLessThanOrEqual(MAX_SUBJECT_LINE_LENGTH);
        expect(message.endsWith('\n')).toBe(true);
        expect(message.split('\n')).toHaveLength(2);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses an empty summary and an unknown type', () => {
    expect(() => commitMessage({ issue: 1, type: 'feat', summary: ' \u200b\n ' })).toThrow(/no visible text/);
    expect(() => commitMessage({ issue: 1, type: 'wip' as 'feat', summary: 'x' })).toThrow(
      /unknown commit type/,
    );
  });
});
