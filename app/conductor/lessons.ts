/**
 * What the repository learns from a transition (design §1 "Learn, but bounded"): a rejected plan's reason,
 * a failure's stage and reason, what a human retry followed, and what an approval came after. Pure; the
 * store keeps at most the policy's `lessons.max` of them, newest first, and every dispatch carries them.
 */
import type { LessonSource } from '../store/index.js';
import type { WorkflowEvent, WorkItem } from '../../core/workflow.js';
import type { ItemDocument } from './document.js';

export interface Lesson {
  text: string;
  source: LessonSource;
}

/** The store's bound on one lesson. */
const MAX_LESSON_CHARS = 1000;

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function lesson(source: LessonSource, text: string): Lesson {
  const flat = oneLine(text);
  return { source, text: flat.length > MAX_LESSON_CHARS ? `${flat.slice(0, MAX_LESSON_CHARS - 1)}…` : flat };
}

/** The lessons of an applied transition from `before` (with its document) to `after` on `event`. */
export function lessonsOf(before: ItemDocument, event: WorkflowEvent, after: WorkItem): Lesson[] {
  const item = before.item;
  const what = item.kind === 'story' ? `story ${item.story}` : 'the plan';
  switch (event.type) {
    case 'reject':
      return [lesson('rejection', `A plan was rejected by a human because: ${event.reason}`)];
    case 'stage_failed':
      return after.state === 'failed'
        ? [lesson('failure', `The ${event.stage} stage of ${what} failed: ${event.reason}`)]
        : [];
    case 'validated':
      return event.ok
        ? []
        : [
            lesson(
              'failure',
              `Validation after merging ${what} failed: ${event.reason ?? 'no reason given'}`,
            ),
          ];
    case 'plan_ready':
      return after.state === 'failed' && after.last_reason !== undefined
        ? [lesson('failure', `A plan was refused: ${after.last_reason}`)]
        : [];
    case 'retry': {
      if (item.state === 'blocked' && before.last_findings !== undefined && before.last_findings.length > 0) {
        return [
          lesson(
            'retry',
            `A human retried ${what} after the release gate blocked it for: ${before.last_findings.join('; ')}`,
          ),
        ];
      }
      return item.last_reason === undefined
        ? []
        : [lesson('retry', `A human retried ${what} after it failed: ${item.last_reason}`)];
    }
    case 'approve': {
      if (item.kind === 'epic' && before.last_rejection !== undefined) {
        return [
          lesson(
            'approval',
            `A plan was approved once it addressed the earlier rejection: ${before.last_rejection}`,
          ),
        ];
      }
      if (item.kind === 'story' && before.last_findings !== undefined && before.last_findings.length > 0) {
        return [
          lesson(
            'approval',
            `A change was approved for merging after revisions fixed the release gate's findings: ${before.last_findings.join('; ')}`,
          ),
        ];
      }
      return [];
    }
    default:
      return [];
  }
}
