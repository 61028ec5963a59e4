/**
 * Lessons per repository, learnt from approvals, rejections, failures and retries and passed to later
 * dispatches. Bounded: only the newest few are kept (the policy's `lessons.max`, at most 5).
 */
import type { Queryable, Row } from './engine.js';
import { choice, integer, text, timestamp } from './rows.js';

export const LESSON_SOURCES = ['approval', 'rejection', 'failure', 'retry'] as const;
export type LessonSource = (typeof LESSON_SOURCES)[number];

/** The most lessons a repository can keep, whatever the policy says. */
export const MAX_LESSONS = 5;

export interface LessonRecord {
  id: number;
  repository: string;
  text: string;
  source: LessonSource;
  /** When it was last learnt. */
  at: string;
}

function toLesson(row: Row): LessonRecord {
  return {
    id: integer(row, 'id'),
    repository: text(row, 'repository'),
    text: text(row, 'text'),
    source: choice(row, 'source', LESSON_SOURCES),
    at: timestamp(row, 'at'),
  };
}

function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 0 || max > MAX_LESSONS) {
    throw new RangeError(`store: lessons max must be an integer from 0 to ${MAX_LESSONS}, got ${max}`);
  }
}

export class Lessons {
  constructor(private readonly db: Queryable) {}

  /**
   * Records a lesson (1–1000 characters) and drops the repository's oldest so that at most `max` remain
   * (0–5, the policy's `lessons.max`); returns the kept lessons, newest first. A lesson already kept is
   * learnt again: it becomes the newest rather than taking a second place.
   */
  async add(repository: string, lesson: string, source: LessonSource, max: number): Promise<LessonRecord[]> {
    checkMax(max);
    return this.db.transaction(async (tx) => {
      // Serialises additions per repository, so two concurrent ones can't each keep `max` of their own view.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ai-orchestrator:lessons:${repository}`]);
      await tx.query(
        `INSERT INTO lessons (repository, text, source) VALUES ($1, $2, $3)
         ON CONFLICT (repository, text) DO UPDATE SET source = excluded.source, at = clock_timestamp()`,
        [repository, lesson, source],
      );
      await tx.query(
        `DELETE FROM lessons WHERE repository = $1 AND id NOT IN (
           SELECT id FROM lessons WHERE repository = $1 ORDER BY at DESC, id DESC LIMIT $2)`,
        [repository, max],
      );
      return this.listIn(tx, repository, max);
    });
  }

  /**
   * The repository's newest lessons, newest first, at most `max` (0–5): fewer than stored if the policy's
   * bound was lowered since they were added.
   */
  async list(repository: string, max: number): Promise<LessonRecord[]> {
    checkMax(max);
    return this.listIn(this.db, repository, max);
  }

  private async listIn(db: Queryable, repository: string, max: number): Promise<LessonRecord[]> {
    const rows = await db.query(
      'SELECT * FROM lessons WHERE repository = $1 ORDER BY at DESC, id DESC LIMIT $2',
      [repository, max],
    );
    return rows.map(toLesson);
  }
}
