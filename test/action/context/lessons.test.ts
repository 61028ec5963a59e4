import { describe, expect, it } from '@jest/globals';
import { MAX_LESSON_CHARS, normalizeLessons, TooManyLessonsError } from '../../../action/context/lessons.js';

describe('lessons', () => {
  it('puts each lesson on one clean line and drops empty ones', () => {
    expect(normalizeLessons(['  run  the\ntests\u202e first ', '\u200b', 'x'.repeat(300)])).toEqual([
      'run the tests first',
      `${'x'.repeat(MAX_LESSON_CHARS - 1)}…`,
    ]);
  });

  it('refuses more than five instead of cutting silently', () => {
    expect(() => normalizeLessons(['1', '2', '3', '4', '5', '6'])).toThrow(TooManyLessonsError);
  });
});
