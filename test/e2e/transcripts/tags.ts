/**
 * Transcripts of "tags for notes", planned as four stories in a DAG: A (parse) first; B (normalise) and C
 * (count) after A, side by side; D (export them all) after B and C. Each developer reads what the stories
 * before it merged, so a story that started early fails its transcript. C's first developer finishes
 * without running the tests and with a bug; the orchestrator's test run fails it (this repository allows
 * no fix round); after `/retry C` a second developer gets it right.
 */
import type { ScriptedCall, Transcript } from '../../../testbed/demo/player.js';
import { plannerTranscript, reviewerTranscripts } from '../../../testbed/demo/transcripts/kit.js';

export const TAGS_ISSUE = {
  title: 'Tags for notes',
  body: 'Notes carry tags like `#work`. We need to find them in a note, store them in one form, count them across notes, and import it all from one module.',
};

export const TITLES = {
  A: 'Parse #tags from note text',
  B: 'Normalise tags',
  C: 'Count tags across notes',
  D: 'Export the tag helpers',
} as const;

const PARSE = `/** The tags of a note's text: each \`#word\` (letters, digits, hyphens) after a space, in order, without the \`#\`. */
export function parseTags(text) {
  return [...String(text).matchAll(/(?:^|\\s)#([\\p{L}\\p{N}-]+)/gu)].map((match) => match[1]);
}
`;
const PARSE_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTags } from '../../src/tags/parse.js';

test('parseTags finds each #tag in order, not a # inside a word', () => {
  assert.deepEqual(parseTags('Plan #work and #Home-office, not a#b'), ['work', 'Home-office']);
});
`;
const NORMALIZE = `/** Tags as they are stored: lower case, each once, sorted. */
export function normalizeTags(tags) {
  return [...new Set(tags.map((tag) => tag.toLowerCase()))].sort();
}
`;
const NORMALIZE_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeTags } from '../../src/tags/normalize.js';
import { parseTags } from '../../src/tags/parse.js';

test('normalizeTags lower-cases, removes repeats and sorts', () => {
  assert.deepEqual(normalizeTags(parseTags('#Work #home #work')), ['home', 'work']);
});
`;
/** The first version counts occurrences, not notes. */
const COUNT_WRONG = `import { parseTags } from './parse.js';

/** How many notes carry each tag (case-insensitive): tag → count. */
export function countTags(texts) {
  const counts = new Map();
  for (const text of texts) {
    for (const tag of parseTags(text).map((found) => found.toLowerCase())) {
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  }
  return counts;
}
`;
const COUNT = `import { parseTags } from './parse.js';

/** How many notes carry each tag (case-insensitive): tag → count; a tag repeated in one note counts once. */
export function countTags(texts) {
  const counts = new Map();
  for (const text of texts) {
    for (const tag of new Set(parseTags(text).map((found) => found.toLowerCase()))) {
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  }
  return counts;
}
`;
const COUNT_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTags } from '../../src/tags/count.js';

test('countTags counts the notes that carry each tag', () => {
  const counts = countTags(['#work #work', '#Work #home']);
  assert.equal(counts.get('work'), 2);
  assert.equal(counts.get('home'), 1);
});
`;
const INDEX = `export { countTags } from './count.js';
export { normalizeTags } from './normalize.js';
export { parseTags } from './parse.js';
`;
const INDEX_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTags, normalizeTags, parseTags } from '../../src/tags/index.js';

test('the tag helpers work together from one module', () => {
  assert.deepEqual(normalizeTags(parseTags('#B #a #b')), ['a', 'b']);
  assert.equal(countTags(['#a', '#A #b']).get('a'), 2);
});
`;

const story = (id: string, title: string, description: string, dependsOn: string[]) => ({
  id,
  title,
  description,
  acceptance_criteria: ['the function behaves as described and its tests pass with `npm test`'],
  depends_on: dependsOn,
  estimate: 1,
});

const plan = {
  summary:
    'Four stories: parsing first; normalising and counting on top of it, in parallel; one module at the end.',
  stories: [
    story(
      'A',
      TITLES.A,
      '`src/tags/parse.js`: `parseTags(text)` returns the words after a `#`, in order.',
      [],
    ),
    story(
      'B',
      TITLES.B,
      '`src/tags/normalize.js`: `normalizeTags(tags)` lower-cases, removes repeats, sorts.',
      ['A'],
    ),
    story(
      'C',
      TITLES.C,
      '`src/tags/count.js`: `countTags(texts)` maps each tag to the number of notes with it.',
      ['A'],
    ),
    story('D', TITLES.D, '`src/tags/index.js` re-exports the three functions; a test uses them together.', [
      'B',
      'C',
    ]),
  ],
};

const write = (path: string, content: string): ScriptedCall => ({
  name: 'write_file',
  input: { path, content },
});
const read = (path: string): ScriptedCall => ({ name: 'read_file', input: { path } });
const npmTest: ScriptedCall = { name: 'run_command', input: { command: 'npm test' } };
const finish = (summary: string, verification: string, gaps: string[] = []): ScriptedCall => ({
  name: 'finish',
  input: { summary, verification, known_gaps: gaps },
});

/** A developer that reads `reads` (they must exist), writes `files`, runs the tests (they must pass), finishes. */
function developer(
  id: string,
  title: string,
  reads: { path: string; expect: string }[],
  files: Record<string, string>,
  options: { match?: string[]; exclude?: string[] } = {},
): Transcript {
  const paths = Object.keys(files);
  return {
    id: `developer: ${id}`,
    role: 'developer',
    match: ['Implement the story', title, ...(options.match ?? [])],
    ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
    turns: [
      ...(reads.length === 0 ? [] : [{ calls: reads.map((entry) => read(entry.path)) }]),
      {
        calls: Object.entries(files).map(([path, content]) => write(path, content)),
        ...(reads.length === 0 ? {} : { expect: reads.map((entry) => entry.expect) }),
      },
      { calls: [npmTest] },
      {
        calls: [
          finish(
            `Added ${paths.map((path) => `\`${path}\``).join(' and ')}.`,
            '`npm test` passes, the new tests included.',
          ),
        ],
        expect: ['passed (exit code 0)'],
      },
    ],
  };
}

const RETRY_WORDS = 'why this runs again';

export function tagsTranscripts(): Transcript[] {
  const parseRead = { path: 'src/tags/parse.js', expect: 'export function parseTags' };
  return [
    plannerTranscript({ id: 'planner: tags', match: [TAGS_ISSUE.title], read: ['src/title.js'], plan }),
    developer('A', TITLES.A, [], { 'src/tags/parse.js': PARSE, 'test/tags/parse.test.js': PARSE_TEST }),
    developer('B', TITLES.B, [parseRead], {
      'src/tags/normalize.js': NORMALIZE,
      'test/tags/normalize.test.js': NORMALIZE_TEST,
    }),
    // C, first attempt: counts occurrences instead of notes, and does not run the tests.
    {
      id: 'developer: C (first attempt)',
      role: 'developer',
      match: ['Implement the story', TITLES.C],
      exclude: [RETRY_WORDS],
      turns: [
        { calls: [read(parseRead.path)] },
        {
          calls: [write('src/tags/count.js', COUNT_WRONG), write('test/tags/count.test.js', COUNT_TEST)],
          expect: [parseRead.expect],
        },
        {
          calls: [
            finish('Added `src/tags/count.js` and `test/tags/count.test.js`.', 'I did not run the tests.', [
              'The tests were not run.',
            ]),
          ],
        },
      ],
    },
    // C, after /retry C: the run is told why it runs again, and counts notes.
    developer(
      'C (retry)',
      TITLES.C,
      [parseRead],
      {
        'src/tags/count.js': COUNT,
        'test/tags/count.test.js': COUNT_TEST,
      },
      { match: [RETRY_WORDS] },
    ),
    developer(
      'D',
      TITLES.D,
      [
        { path: 'src/tags/normalize.js', expect: 'export function normalizeTags' },
        { path: 'src/tags/count.js', expect: 'new Set(parseTags(text)' },
      ],
      { 'src/tags/index.js': INDEX, 'test/tags/index.test.js': INDEX_TEST },
    ),
    ...reviewerTranscripts({
      id: 'A',
      storyTitle: TITLES.A,
      read: ['src/tags/parse.js', 'test/tags/parse.test.js'],
    }),
    ...reviewerTranscripts({
      id: 'B',
      storyTitle: TITLES.B,
      read: ['src/tags/normalize.js', 'test/tags/normalize.test.js'],
    }),
    ...reviewerTranscripts({
      id: 'C',
      storyTitle: TITLES.C,
      read: ['src/tags/count.js', 'test/tags/count.test.js'],
    }),
    ...reviewerTranscripts({
      id: 'D',
      storyTitle: TITLES.D,
      read: ['src/tags/index.js', 'test/tags/index.test.js'],
    }),
  ];
}
