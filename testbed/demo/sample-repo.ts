/**
 * The demo's sample repository: a small Node package whose tests run with `npm test` (`node --test`),
 * and the issue a person files against it. The transcripts in transcripts/ were written against exactly
 * these files, so they are one unit: change one, check the other.
 */

export const SAMPLE_OWNER = 'acme';
export const SAMPLE_REPO = 'notes';
/** The human maintainer who files the issue and approves (admin on the repository). */
export const MAINTAINER = 'octocat';

export const SAMPLE_FILES: Readonly<Record<string, string>> = {
  'package.json': `${JSON.stringify(
    {
      name: 'acme-notes',
      version: '1.0.0',
      description: 'Helpers for note titles.',
      type: 'module',
      private: true,
      scripts: { test: 'node --test' },
    },
    null,
    2,
  )}\n`,
  'README.md': [
    '# acme-notes',
    '',
    'Helpers for note titles. `src/title.js` cleans a title up for display.',
    '',
    'Run the tests with `npm test`.',
    '',
  ].join('\n'),
  'src/title.js': [
    '/** A note title for display: runs of white space collapsed to one space, none at either end. */',
    'export function cleanTitle(title) {',
    "  return String(title).replace(/\\s+/g, ' ').trim();",
    '}',
    '',
  ].join('\n'),
  'test/title.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { cleanTitle } from '../src/title.js';",
    '',
    "test('cleanTitle collapses white space', () => {",
    "  assert.equal(cleanTitle('  Weekly   notes \\n'), 'Weekly notes');",
    '});',
    '',
  ].join('\n'),
};

export const SAMPLE_ISSUE = {
  title: 'Add a slugify(title) helper for note URLs',
  body: [
    'Notes need stable URLs. Please add `slugify(title)` next to `cleanTitle` in `src/`:',
    '',
    '- lower case, accents removed (`Café` → `cafe`);',
    '- every run of characters that are not letters or digits becomes one `-`;',
    '- no `-` at either end.',
    '',
    'Cover it with tests.',
  ].join('\n'),
};
