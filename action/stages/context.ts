/**
 * The `context` input: what the app tells a stage besides the issue, story and pull request (core
 * DispatchContext: a `/reject` reason or the failure a `/retry` follows, the questions asked last time and
 * the `/clarify` answer, the release gate's blocking reasons) and the repository's lessons.
 *
 * Everything in it is text people or models wrote, so the stages pass it to agents only as untrusted data.
 */
import { z } from 'zod';
import type { DispatchContext } from '../../core/workflow.js';
import { MAX_LESSONS } from '../context/lessons.js';

const text = z
  .string({ error: 'expected a string' })
  .max(50_000, { error: 'expected at most 50,000 characters' });
const texts = z
  .array(text, { error: 'expected a list of strings' })
  .max(100, { error: 'expected at most 100 items' });

const ContextSchema = z.strictObject(
  {
    reason: text.optional(),
    questions: texts.optional(),
    answer: text.optional(),
    findings: texts.optional(),
    lessons: z
      .array(text, { error: 'expected a list of strings' })
      .max(MAX_LESSONS, { error: `expected at most ${MAX_LESSONS} lessons` })
      .optional(),
  },
  { error: 'expected a JSON object with reason, questions, answer, findings and lessons' },
);

export type StageContext = DispatchContext & { lessons?: string[] };

/**
 * Parses the `context` input (JSON). An empty input is an empty context. Throws a RangeError naming the
 * problem for text that is not JSON or not the shape above (an unknown key included: the app and the
 * action are released together, so an unknown key is a mistake, not a newer app).
 */
export function parseStageContext(input: string): StageContext {
  if (input.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (error) {
    throw new RangeError(`the context input is not JSON: ${(error as Error).message}`);
  }
  const parsed = ContextSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(
      `the context input is invalid: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const context: StageContext = {};
  for (const [key, field] of Object.entries(parsed.data)) {
    if (field !== undefined) Object.assign(context, { [key]: field });
  }
  return context;
}
