/**
 * The repository's lessons (what earlier runs learned), checked and made safe to print on one line each.
 * The policy bounds them at five; more is a caller's mistake and is refused, not silently cut.
 */

export const MAX_LESSONS = 5;
export const MAX_LESSON_CHARS = 200;

/** Control, zero-width and bidirectional-control characters: they can hide or reorder text. */
const HIDING_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
  /[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Thrown when more than MAX_LESSONS lessons are passed. */
export class TooManyLessonsError extends RangeError {
  override name = 'TooManyLessonsError';
}

/**
 * Each lesson on one line: control, zero-width and bidirectional-override characters removed (they can
 * hide text from a human reader), whitespace collapsed, at most MAX_LESSON_CHARS characters. Empty
 * lessons are dropped. Throws TooManyLessonsError for more than MAX_LESSONS.
 */
export function normalizeLessons(lessons: readonly string[]): string[] {
  if (lessons.length > MAX_LESSONS) {
    throw new TooManyLessonsError(`at most ${MAX_LESSONS} lessons are allowed, got ${lessons.length}`);
  }
  return lessons
    .map((lesson) => lesson.replace(HIDING_CHARACTERS, '').replace(/\s+/g, ' ').trim())
    .filter((lesson) => lesson !== '')
    .map((lesson) =>
      lesson.length > MAX_LESSON_CHARS ? `${lesson.slice(0, MAX_LESSON_CHARS - 1)}…` : lesson,
    );
}
