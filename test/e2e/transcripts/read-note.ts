/**
 * Transcripts of "read a note by name": the first version joins the name into the path unchecked, the
 * security reviewer blocks it (path traversal), and after a person's `/clarify` the developer revises it
 * to accept only plain names; the second round of reviews passes.
 */
import type { Transcript } from '../../../testbed/demo/player.js';
import { plannerTranscript, reviewerTranscripts } from '../../../testbed/demo/transcripts/kit.js';

export const READ_NOTE_ISSUE = {
  title: 'Read a note by its name',
  body: 'Notes live as `<name>.md` files in a folder. Add `readNote(folder, name)` in `src/` returning the text of the note, with tests.',
};
export const READ_NOTE_STORY = 'Add readNote(folder, name)';
export const CLARIFICATION =
  '/clarify Note names are plain: letters, digits and hyphens only. Refuse any other name with an error, and test that `../secret` is refused.';

const READ_NOTE_V1 = `import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The text of the note \`name\` in \`folder\` (the file \`<name>.md\`). */
export async function readNote(folder, name) {
  return readFile(path.join(folder, \`\${name}.md\`), 'utf8');
}
`;

/** The revision: a name is checked before it becomes part of a path. */
const READ_NOTE_V2 = `import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Names a note may have: letters, digits and hyphens, so a name can never leave the notes folder. */
const NOTE_NAME = /^[A-Za-z0-9-]+$/;

/** The text of the note \`name\` in \`folder\` (the file \`<name>.md\`). */
export async function readNote(folder, name) {
  if (!NOTE_NAME.test(name)) throw new RangeError(\`invalid note name: \${JSON.stringify(name)}\`);
  return readFile(path.join(folder, \`\${name}.md\`), 'utf8');
}
`;

const TEST_HEAD = `import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readNote } from '../src/read-note.js';

test('readNote reads <name>.md from the folder', async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'notes-'));
  await writeFile(path.join(folder, 'weekly.md'), '# Weekly\\n');
  assert.equal(await readNote(folder, 'weekly'), '# Weekly\\n');
});
`;

const TEST_V2 = `${TEST_HEAD}
test('readNote refuses a name that would leave the folder', async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'notes-'));
  await assert.rejects(readNote(folder, '../secret'), RangeError);
});
`;

const plan = {
  summary: 'One story: `readNote(folder, name)` in `src/read-note.js`, with node:test tests.',
  stories: [
    {
      id: 'read-note',
      title: READ_NOTE_STORY,
      description:
        'Add `src/read-note.js` exporting `readNote(folder, name)`, which returns the UTF-8 text of `<folder>/<name>.md`. Add `test/read-note.test.js`.',
      acceptance_criteria: [
        'readNote returns the text of `<name>.md` in the folder',
        'tests run with `npm test` and pass',
      ],
      depends_on: [],
      estimate: 2,
    },
  ],
};

const developer: Transcript = {
  id: 'developer: read-note',
  role: 'developer',
  match: ['Implement the story', READ_NOTE_STORY],
  exclude: ['This is a revision of pull request'],
  turns: [
    {
      calls: [
        { name: 'write_file', input: { path: 'src/read-note.js', content: READ_NOTE_V1 } },
        { name: 'write_file', input: { path: 'test/read-note.test.js', content: TEST_HEAD } },
      ],
    },
    { calls: [{ name: 'run_command', input: { command: 'npm test' } }] },
    {
      calls: [
        {
          name: 'finish',
          input: {
            summary: 'Added `src/read-note.js` with `readNote(folder, name)` and `test/read-note.test.js`.',
            verification: '`npm test` passes.',
            known_gaps: [],
          },
        },
      ],
      expect: ['passed (exit code 0)'],
    },
  ],
};

const revision: Transcript = {
  id: 'developer revision: read-note',
  role: 'developer',
  match: [
    'This is a revision of pull request',
    READ_NOTE_STORY,
    'letters, digits and hyphens only',
    'security blocks',
  ],
  turns: [
    {
      say: 'The security finding and the answer agree: only plain names, checked before the path is built.',
      calls: [{ name: 'read_file', input: { path: 'src/read-note.js' } }],
    },
    {
      calls: [
        { name: 'write_file', input: { path: 'src/read-note.js', content: READ_NOTE_V2 } },
        { name: 'write_file', input: { path: 'test/read-note.test.js', content: TEST_V2 } },
      ],
      expect: ['path.join(folder'],
    },
    {
      calls: [{ name: 'run_command', input: { command: 'npm test' } }],
      expect: ['replaced src/read-note.js', 'replaced test/read-note.test.js'],
    },
    {
      calls: [
        {
          name: 'finish',
          input: {
            summary:
              '`src/read-note.js` now accepts only names of letters, digits and hyphens and throws a RangeError for any other; `test/read-note.test.js` checks that `../secret` is refused.',
            verification: '`npm test` passes, the new refusal test included.',
            known_gaps: [],
          },
        },
      ],
      expect: ['passed (exit code 0)'],
    },
  ],
};

const read = ['src/read-note.js', 'test/read-note.test.js'];

export function readNoteTranscripts(): Transcript[] {
  return [
    plannerTranscript({
      id: 'planner: read-note',
      match: [READ_NOTE_ISSUE.title],
      read: ['src/title.js'],
      plan,
    }),
    developer,
    // Round one: the name goes into the path unchecked, and the security reviewer blocks.
    ...reviewerTranscripts({
      id: 'read-note round 1',
      storyTitle: READ_NOTE_STORY,
      read,
      exclude: ['NOTE_NAME'],
      verdicts: {
        security: {
          status: 'block',
          summary:
            '`name` reaches `path.join` unchecked, so a caller can read any `.md` file the process can: `readNote(folder, "../../home/user/private")`.',
          findings: [
            {
              severity: 'blocker',
              category: 'path-traversal',
              message:
                'Validate `name` before building the path (e.g. allow only letters, digits and hyphens), and test that a name with `..` is refused.',
              file: 'src/read-note.js',
              line: 6,
            },
          ],
        },
      },
    }),
    revision,
    // Round two: the revision's diff has the name check.
    ...reviewerTranscripts({
      id: 'read-note round 2',
      storyTitle: READ_NOTE_STORY,
      read,
      match: ['NOTE_NAME'],
    }),
  ];
}
