/**
 * The demo's transcripts: the model side of one issue, "Add a slugify(title) helper", on the sample
 * repository (../sample-repo.ts). They are written out by hand in the shape of Messages API replies,
 * not captured from a model, and the demo says so. Everything around them is real: the agent loop
 * executes each tool call, `npm test` really runs (and really fails once on the first version), git,
 * the guards, the checks and the gate judge the result as they would any model's.
 *
 * - planner: looks at the repository, reads the code the story builds on, submits a one-story plan;
 * - developer: writes the function and its tests, runs `npm test` (an edge case fails: hyphens left at
 *   the ends), fixes it, runs the tests again (they pass), finishes;
 * - the four reviewers read the change and pass it, test-quality with one minor finding.
 */
import type { ScriptedTurn, Transcript } from '../player.js';
import { SAMPLE_ISSUE } from '../sample-repo.js';

export const STORY_ID = 'slugify';
export const STORY_TITLE = 'Add slugify(title) for note URLs';

/**
 * Which issue the transcripts answer: words of its title (the planner's run is recognised by them) and
 * the title of the story the plan makes (the developer's and reviewers' runs are recognised by it). The
 * end-to-end tests file the same request under other titles, one per scenario.
 */
export interface SlugifyVariant {
  issueTitle: string;
  storyTitle: string;
}

export const DEMO_VARIANT: SlugifyVariant = { issueTitle: SAMPLE_ISSUE.title, storyTitle: STORY_TITLE };

/** The first version: the edge case (punctuation at either end) is not handled. */
export const SLUGIFY_V1 = String.raw`import { cleanTitle } from './title.js';

/**
 * A note title as a URL slug: lower case, accents removed, every run of characters other than ASCII
 * letters and digits turned into one hyphen, no hyphen at either end.
 */
export function slugify(title) {
  return cleanTitle(title)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
}
`;

const V1_TAIL = String.raw`    .replace(/[^a-z0-9]+/g, '-');`;
const FIXED_TAIL = String.raw`    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');`;

export const SLUGIFY_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slugify } from '../src/slugify.js';

test('slugify lower-cases words and joins them with hyphens', () => {
  assert.equal(slugify('Weekly Team Notes'), 'weekly-team-notes');
});

test('slugify removes accents', () => {
  assert.equal(slugify('Café crème'), 'cafe-creme');
});

test('slugify turns punctuation into one hyphen and trims both ends', () => {
  assert.equal(slugify('  Hello, World!  '), 'hello-world');
  assert.equal(slugify('Q3 -- plans & goals'), 'q3-plans-goals');
});
`;

const plan = (storyTitle: string) => ({
  summary:
    'One story: a pure `slugify(title)` in `src/slugify.js`, built on the existing `cleanTitle`, with node:test tests beside the existing ones.',
  stories: [
    {
      id: STORY_ID,
      title: storyTitle,
      description:
        'Add `src/slugify.js` exporting `slugify(title)`: clean the title with `cleanTitle`, remove accents (NFKD, drop combining marks), lower-case it, turn every run of characters other than ASCII letters and digits into one `-`, and trim `-` at both ends. Add `test/slugify.test.js`; `npm test` (node --test) picks it up.',
      acceptance_criteria: [
        "`slugify('Café crème')` returns `cafe-creme`",
        "`slugify('  Hello, World!  ')` returns `hello-world`: no hyphen at either end",
        'the new tests run with `npm test` and pass, and the existing tests still pass',
      ],
      depends_on: [],
      estimate: 2,
    },
  ],
});

const planner = (variant: SlugifyVariant): Transcript => ({
  id: `planner: ${variant.storyTitle}`,
  role: 'planner',
  match: ['Plan issue', variant.issueTitle],
  turns: [
    {
      say: 'I will look at the repository layout and the code the new helper should sit next to.',
      calls: [
        { name: 'list_files', input: { path: '.' } },
        { name: 'read_file', input: { path: 'src/title.js' } },
      ],
    },
    {
      say: 'The test script is `node --test`, so a `test/slugify.test.js` file is picked up with no set-up.',
      calls: [{ name: 'read_file', input: { path: 'package.json' } }],
      expect: ['src/title.js', 'export function cleanTitle'],
    },
    {
      calls: [{ name: 'submit_plan', input: plan(variant.storyTitle) }],
      expect: ['"test": "node --test"'],
    },
  ],
});

/**
 * The developer's run: writes the function and its tests, runs them (they fail), fixes, runs them again
 * (they pass), finishes. Recognised by the story's title in its first message.
 */
export function developerTranscript(storyTitle: string): Transcript {
  return {
    id: `developer: ${storyTitle}`,
    role: 'developer',
    match: ['Implement the story', storyTitle],
    exclude: ['After your change, the check'],
    turns: [
      {
        say: 'Reading the helper the story builds on and the existing test style.',
        calls: [
          { name: 'read_file', input: { path: 'src/title.js' } },
          { name: 'read_file', input: { path: 'test/title.test.js' } },
        ],
      },
      {
        say: 'Adding slugify and its tests, including the edge case with punctuation at both ends.',
        calls: [
          { name: 'write_file', input: { path: 'src/slugify.js', content: SLUGIFY_V1 } },
          { name: 'write_file', input: { path: 'test/slugify.test.js', content: SLUGIFY_TEST } },
        ],
        expect: ['cleanTitle', "from 'node:test'"],
      },
      {
        calls: [{ name: 'run_command', input: { command: 'npm test' } }],
        expect: ['created src/slugify.js', 'created test/slugify.test.js'],
      },
      {
        say: 'The punctuation case fails: the slug keeps a hyphen at the end ("hello-world-"). Trimming hyphens at both ends after the replacement.',
        calls: [
          {
            name: 'edit_file',
            input: { path: 'src/slugify.js', old_string: V1_TAIL, new_string: FIXED_TAIL },
          },
        ],
        expect: ['failed with exit code'],
      },
      {
        calls: [{ name: 'run_command', input: { command: 'npm test' } }],
        expect: ['edited src/slugify.js'],
      },
      {
        calls: [
          {
            name: 'finish',
            input: {
              summary:
                'Added `src/slugify.js` exporting `slugify(title)`: it cleans the title with `cleanTitle`, removes accents, lower-cases, turns runs of other characters into one hyphen and trims hyphens at both ends. Added `test/slugify.test.js` with three tests (words, accents, punctuation at the ends).',
              verification:
                '`npm test` failed once on the first version (the punctuation case returned "hello-world-"); after trimming the ends it passes: every test of test/slugify.test.js and test/title.test.js.',
              known_gaps: [],
            },
          },
        ],
        expect: ['passed (exit code 0)'],
      },
    ],
  };
}

/** What every reviewer reads before judging: the new function and its tests. */
const readChange: ScriptedTurn = {
  calls: [
    { name: 'read_file', input: { path: 'src/slugify.js' } },
    { name: 'read_file', input: { path: 'test/slugify.test.js' } },
  ],
};

function reviewer(
  role: 'story-alignment' | 'test-quality' | 'architecture' | 'security',
  say: string,
  verdict: { status: 'pass' | 'concerns' | 'block'; summary: string; findings: unknown[] },
  storyTitle: string,
): Transcript {
  return {
    id: `${role}: ${storyTitle}`,
    role,
    match: ['Review pull request', storyTitle],
    turns: [
      { ...readChange, say },
      { calls: [{ name: 'submit_verdict', input: verdict }], expect: ['replace(/^-+|-+$/g', 'Café crème'] },
    ],
  };
}

/** The four reviewers of the slugify pull request. */
export function reviewerTranscripts(storyTitle: string): Transcript[] {
  return [
    reviewer(
      'story-alignment',
      'Checking the change against each acceptance criterion.',
      {
        status: 'pass',
        summary:
          "All three criteria are met: `slugify('Café crème')` is tested to give `cafe-creme`, `'  Hello, World!  '` gives `hello-world` with no hyphen at either end, and the new tests run under `npm test` beside the existing one.",
        findings: [],
      },
      storyTitle,
    ),
    reviewer(
      'test-quality',
      'Reading the tests and the function they exercise.',
      {
        status: 'pass',
        summary:
          'The tests call the real function through its module and assert exact outputs for words, accents, and punctuation at both ends, including the case that failed first. One input class is not pinned down.',
        findings: [
          {
            severity: 'minor',
            category: 'test-coverage',
            message:
              "No test covers a title with no letter or digit (e.g. `'!!!'`), for which `slugify` returns an empty string; a test would make that behaviour deliberate.",
            file: 'test/slugify.test.js',
            line: 14,
          },
        ],
      },
      storyTitle,
    ),
    reviewer(
      'architecture',
      'Checking where the function lives and what it depends on.',
      {
        status: 'pass',
        summary:
          'A pure function in its own module next to `src/title.js`, reusing `cleanTitle` instead of repeating its white-space rule; no new dependency, no change to existing code.',
        findings: [],
      },
      storyTitle,
    ),
    reviewer(
      'security',
      'Looking for input handling risks in the new code.',
      {
        status: 'pass',
        summary:
          'A pure string transformation: no I/O, no dynamic code, no secrets. Its regular expressions have no nested quantifiers, so their run time is linear in the input (no ReDoS).',
        findings: [],
      },
      storyTitle,
    ),
  ];
}

/** Every run of the happy path, in the order they happen. */
export function slugifyTranscripts(variant: SlugifyVariant = DEMO_VARIANT): Transcript[] {
  return [
    planner(variant),
    developerTranscript(variant.storyTitle),
    ...reviewerTranscripts(variant.storyTitle),
  ];
}

/**
 * The same issue when the developer does not run the tests itself: it finishes with the first version,
 * the orchestrator's own test run fails on the edge case, and the output goes back to the developer in a
 * fix round (policy implement.fix_attempts), which fixes it and finishes again.
 */
export function slugifyFixRoundTranscripts(variant: SlugifyVariant): Transcript[] {
  const first: Transcript = {
    id: `developer: ${variant.storyTitle}`,
    role: 'developer',
    match: ['Implement the story', variant.storyTitle],
    exclude: ['After your change, the check'],
    turns: [
      { calls: [{ name: 'read_file', input: { path: 'src/title.js' } }] },
      {
        calls: [
          { name: 'write_file', input: { path: 'src/slugify.js', content: SLUGIFY_V1 } },
          { name: 'write_file', input: { path: 'test/slugify.test.js', content: SLUGIFY_TEST } },
        ],
        expect: ['export function cleanTitle'],
      },
      {
        calls: [
          {
            name: 'finish',
            input: {
              summary:
                'Added `src/slugify.js` with `slugify(title)` and its tests in `test/slugify.test.js`.',
              verification: 'I did not run the tests.',
              known_gaps: ['The tests were not run before finishing.'],
            },
          },
        ],
        expect: ['created src/slugify.js', 'created test/slugify.test.js'],
      },
    ],
  };
  const fix: Transcript = {
    id: `developer fix round: ${variant.storyTitle}`,
    role: 'developer',
    match: ['After your change, the check', variant.storyTitle, 'hello-world-'],
    turns: [
      {
        say: 'The output shows "hello-world-": hyphens at the ends are not trimmed.',
        calls: [
          {
            name: 'edit_file',
            input: { path: 'src/slugify.js', old_string: V1_TAIL, new_string: FIXED_TAIL },
          },
        ],
      },
      {
        calls: [{ name: 'run_command', input: { command: 'npm test' } }],
        expect: ['edited src/slugify.js'],
      },
      {
        calls: [
          {
            name: 'finish',
            input: {
              summary: '`src/slugify.js` now trims hyphens at both ends; `test/slugify.test.js` covers it.',
              verification: '`npm test` passes: every test of test/slugify.test.js and test/title.test.js.',
              known_gaps: [],
            },
          },
        ],
        expect: ['passed (exit code 0)'],
      },
    ],
  };
  return [planner(variant), first, fix, ...reviewerTranscripts(variant.storyTitle)];
}
