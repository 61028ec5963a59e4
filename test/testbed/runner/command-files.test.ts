import { describe, expect, it } from '@jest/globals';
import { parseCommandFile, parsePathFile } from '../../../testbed/runner/command-files.js';
import { Masker } from '../../../testbed/runner/masker.js';
import { CommandReader } from '../../../testbed/runner/workflow-commands.js';

describe('GITHUB_OUTPUT and GITHUB_ENV files, read as the runner reads them', () => {
  it('reads name=value lines, keeping everything after the first =', () => {
    expect(parseCommandFile('a=1\nb=x=y\n\nc=\n')).toEqual({
      keys: ['a', 'b', 'c'],
      values: { a: '1', b: 'x=y', c: '' },
    });
  });

  it('reads name<<DELIMITER blocks up to a line that is exactly the delimiter', () => {
    const text = [
      'summary<<ghadelimiter_1',
      'line one',
      '',
      'ghadelimiter_1 is not alone here',
      'ghadelimiter_1',
      'after=yes',
      'empty<<EOF',
      'EOF',
      '',
    ].join('\n');
    expect(parseCommandFile(text)).toEqual({
      keys: ['summary', 'after', 'empty'],
      values: {
        summary: 'line one\n\nghadelimiter_1 is not alone here',
        after: 'yes',
        empty: '',
      },
    });
  });

  it('decides between = and << by which comes first, and keeps the last value of a repeated name', () => {
    expect(parseCommandFile('a<<b=c\nx\nb=c\nk=v<<w\nk=2\n')).toEqual({
      keys: ['a', 'k', 'k'],
      values: { a: 'x', k: '2' },
    });
  });

  it.each([
    ['a line with neither', 'just text\n', /Invalid format 'just text'/],
    ['an empty name', '=value\n', /Name must not be empty/],
    ['an empty heredoc name', '<<EOF\nx\nEOF\n', /Name must not be empty and delimiter must not be empty/],
    ['a missing delimiter', 'a<<EOF\nvalue\n', /Matching delimiter not found 'EOF'/],
  ])('refuses %s', (_label, text, message) => {
    expect(() => parseCommandFile(text)).toThrow(message);
  });

  it('reads GITHUB_PATH as one folder per line', () => {
    expect(parsePathFile('/opt/a\n\n/opt/b\n')).toEqual(['/opt/a', '/opt/b']);
  });
});

describe('workflow commands and masking', () => {
  it('masks secrets whole and line by line, and add-mask values from the next line on', () => {
    const masker = new Masker();
    masker.addSecret('multi\nline-secret');
    masker.addSecret('  ');
    const reader = new CommandReader((value) => masker.add(value));
    expect(masker.mask('a multi\nline-secret b; line-secret alone')).toBe('a *** b; *** alone');
    reader.read('::add-mask::hunter2');
    expect(masker.mask('password hunter2')).toBe('password ***');
    expect(masker.mask('   ')).toBe('   ');
  });

  it('records annotations, deprecated set-output, and fails set-env, add-path and save-state', () => {
    const reader = new CommandReader(() => undefined);
    reader.read('::error title=Bad%3A thing,file=a.ts::it%25s broken%0Anext line');
    reader.read('::set-output name=outcome::succeeded');
    reader.read('::set-env name=NODE_OPTIONS::--require x');
    reader.read('::add-path::/tmp');
    reader.read('::save-state name=a::b');
    reader.read('::unknown-command::ignored');
    expect(reader.effects.annotations[0]).toEqual({
      level: 'error',
      message: 'it%s broken\nnext line',
      properties: { title: 'Bad: thing', file: 'a.ts' },
    });
    expect(reader.effects.outputs).toEqual({ outcome: 'succeeded' });
    expect(reader.effects.failures).toHaveLength(3);
    expect(reader.effects.failures[0]).toMatch(/The `set-env` command is disabled/);
  });

  it('stops reading commands between stop-commands and its token', () => {
    const masks: string[] = [];
    const reader = new CommandReader((value) => masks.push(value));
    reader.read('::stop-commands::pause-token');
    reader.read('::add-mask::not-a-mask');
    reader.read('::pause-token::');
    reader.read('::add-mask::a-mask');
    expect(masks).toEqual(['a-mask']);
  });
});
