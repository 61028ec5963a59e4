/**
 * Transcripts that stop at the plan: a planner that first needs an answer (which date format?), and a
 * planner for an issue filed while the repository is paused.
 */
import type { Transcript } from '../../../testbed/demo/player.js';
import { plannerQuestionTranscript, plannerTranscript } from '../../../testbed/demo/transcripts/kit.js';

export const DATES_ISSUE = {
  title: 'Show dates on notes',
  body: 'Notes should show the day they were written. Add a `formatDate(date)` helper in `src/` for that, with tests.',
};
export const DATES_QUESTION =
  'Which format should `formatDate` produce: ISO 8601 (`2024-05-01`) or a long form (`1 May 2024`)? And in which time zone?';
export const DATES_ANSWER = 'ISO 8601 (YYYY-MM-DD), in UTC';

export const ARCHIVE_ISSUE = {
  title: 'Archive old notes',
  body: 'Add `isStale(note, now)` in `src/`: true when a note was last edited more than a year before `now`. With tests.',
};

const story = (id: string, title: string, description: string, criteria: string[]) => ({
  id,
  title,
  description,
  acceptance_criteria: criteria,
  depends_on: [],
  estimate: 1,
});

export function plannerOnlyTranscripts(): Transcript[] {
  return [
    plannerQuestionTranscript({
      id: 'planner asks: dates',
      match: [DATES_ISSUE.title],
      exclude: [DATES_ANSWER],
      read: ['src/title.js'],
      questions: [DATES_QUESTION],
    }),
    plannerTranscript({
      id: 'planner with the answer: dates',
      match: [DATES_ISSUE.title, DATES_ANSWER],
      read: ['src/title.js'],
      plan: {
        summary:
          'One story: `formatDate(date)` returning the UTC day in ISO 8601, as the maintainer answered.',
        stories: [
          story(
            'format-date',
            'Add formatDate(date) in ISO 8601',
            'Add `src/format-date.js` exporting `formatDate(date)`: the UTC day of `date` as `YYYY-MM-DD`. Add tests.',
            [
              "`formatDate(new Date('2024-05-01T23:30:00Z'))` returns `2024-05-01`",
              'the day is taken in UTC, whatever the machine time zone',
            ],
          ),
        ],
      },
    }),
    plannerTranscript({
      id: 'planner: archive',
      match: [ARCHIVE_ISSUE.title],
      read: ['src/title.js'],
      plan: {
        summary: 'One story: `isStale(note, now)` in `src/stale.js` with tests.',
        stories: [
          story(
            'stale',
            'Add isStale(note, now)',
            'Add `src/stale.js` exporting `isStale(note, now)`, true when `note.editedAt` is more than 365 days before `now`.',
            ['a note edited 366 days before `now` is stale; one edited 364 days before is not'],
          ),
        ],
      },
    }),
  ];
}
