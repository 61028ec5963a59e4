import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MAX_BRIEF_LINES, MAX_LINE_CHARS, renderBrief, stackItems } from '../../../action/context/brief.js';
import type { BriefInput } from '../../../action/context/brief.js';
import type { Stack } from '../../../action/context/types.js';

const noConventions = {
  tools: [],
  tests: { dirs: [], patterns: [], colocated: 0, total: 0 },
  languages: [],
  notes: [],
};

function input(overrides: Partial<BriefInput>): BriefInput {
  return {
    repoName: 'shop',
    trackedFiles: { count: 10, source: 'git' },
    stacks: [{ path: '.', kind: 'node', packageManager: 'npm', test: 'npm test', notes: [] }],
    conventions: noConventions,
    relevantFiles: [],
    callers: [],
    searchTruncated: false,
    lessons: [],
    ...overrides,
  };
}

describe('renderBrief', () => {
  it('says when no test command exists, and leaves out sections with nothing to say', () => {
    const brief = renderBrief(
      input({ stacks: [{ path: '.', kind: 'unknown', notes: ['no build manifest found'] }] }),
    );
    expect(brief).toMatch(/^No test command was found in this repository/m);
    expect(brief).not.toMatch(/Files relevant/);
    expect(brief).not.toMatch(/Lessons/);
    expect(brief.split('\n')[0]).toBe(
      'Context brief for shop: 10 tracked files (git ls-files), assembled mechanically.',
    );
  });

  it('lists a story with no matching file explicitly', () => {
    const brief = renderBrief(input({ storyTitle: 'Make it faster' }));
    expect(brief).toMatch(/- no tracked file matched the story's words, paths or identifiers/);
  });

  it('trims the longest lists first and says how many lines it left out', () => {
    const relevantFiles = Array.from({ length: 40 }, (_, i) => ({
      path: `src/f${i}.ts`,
      score: 40 - i,
      reasons: ['path: f'],
    }));
    const brief = renderBrief(
      input({ storyTitle: 'Story', relevantFiles, lessons: ['a', 'b', 'c', 'd', 'e'] }),
    );
    const lines = brief.split('\n');
    expect(lines).toHaveLength(MAX_BRIEF_LINES);
    const shown = lines.filter((l) => l.startsWith('- src/f')).length;
    expect(lines).toContain(`Files relevant to the story (best first) (${40 - shown} more not shown):`);
    expect(lines.filter((l) => /^\d\. /.test(l))).toEqual(['1. a', '2. b', '3. c', '4. d', '5. e']);
  });

  it('never exceeds the line or width limits, whatever it is given', () => {
    const text = fc.string({ maxLength: 400 });
    const stack = fc.record({
      path: text,
      kind: fc.constantFrom('node', 'go', 'unknown' as const),
      test: fc.option(text, { nil: undefined }),
      notes: fc.array(text, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(stack, { maxLength: 60 }),
        fc.array(fc.record({ path: text, score: fc.nat(), reasons: fc.array(text, { maxLength: 3 }) }), {
          maxLength: 60,
        }),
        fc.array(
          fc.record({
            symbol: text,
            source: fc.constantFrom('story', 'diff' as const),
            definedAt: fc.array(text, { maxLength: 3 }),
            sites: fc.array(fc.record({ file: text, line: fc.nat(), text }), { maxLength: 6 }),
            total: fc.nat(),
          }),
          { maxLength: 12 },
        ),
        fc.array(text, { maxLength: 5 }),
        fc.option(text, { nil: undefined }),
        (stacks, relevantFiles, callers, lessons, storyTitle) => {
          const brief = renderBrief(
            input({
              stacks: stacks as Stack[],
              relevantFiles,
              callers,
              lessons,
              ...(storyTitle ? { storyTitle } : {}),
            }),
          );
          const lines = brief.split('\n');
          expect(lines.length).toBeLessThanOrEqual(MAX_BRIEF_LINES);
          for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('stackItems', () => {
  const member = (path: string): Stack => ({
    path,
    kind: 'node',
    packageManager: 'pnpm',
    test: 'pnpm test',
    workspace: 'member',
    notes: [],
  });

  it('shows the root and the stacks holding relevant files first, and folds look-alike stacks into one line', () => {
    const stacks = [
      member('packages/p10'),
      member('packages/p2'),
      member('packages/p1'),
      member('packages/p3'),
    ];
    const items = stackItems(
      [{ path: '.', kind: 'node', packageManager: 'pnpm', notes: ['workspace root'] }, ...stacks],
      [{ path: 'packages/p3/src/a.ts', score: 1, reasons: [] }],
    );
    expect(items).toEqual([
      '- . [node, pnpm] no commands (workspace root)',
      '- packages/p3 [node, pnpm, workspace member] test: pnpm test',
      '- 3 folders (packages/p1, packages/p2, packages/p10) [node, pnpm, workspace member] test: pnpm test',
    ]);
  });
});
