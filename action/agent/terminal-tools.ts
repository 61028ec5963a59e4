/**
 * The tools that end a run: submit_plan (planner), submit_verdict (reviewers), finish (developer) and
 * ask_clarification (planner, developer). Their input is the run's product, so it is validated strictly
 * against the core schemas (core/results.ts): a plan with a dependency cycle or a verdict with an extra
 * field is an error sent back to the model, never a result.
 */
import { z } from 'zod';
import { FindingSchema, PlanSchema, VERDICT_STATUSES } from '../../core/results.js';
import { terminalTool } from './tool.js';
import type { AgentTool } from './tool.js';

const text = (max: number, description: string) => {
  const error = `expected a non-empty string of at most ${max} characters`;
  return z.string({ error }).trim().min(1, { error }).max(max, { error }).describe(description);
};

/** submit_plan: a plan per core PlanSchema, with at most `maxStories` stories (policy plan.max_stories). */
export function submitPlanTool(maxStories: number): AgentTool {
  const schema = PlanSchema.superRefine((plan, ctx) => {
    if (plan.stories.length > maxStories) {
      ctx.addIssue({
        code: 'custom',
        path: ['stories'],
        message: `the policy allows at most ${maxStories} stories; merge stories, or ask for the issue to be split`,
      });
    }
  });
  return terminalTool({
    name: 'submit_plan',
    description:
      'Submit the plan and end your run: a summary and the stories (id, title, description, acceptance ' +
      'criteria, depends_on, estimate in story points). A human approves it before any code is written.',
    schema,
    result: (plan) => ({ kind: 'plan', plan }),
  });
}

const VerdictInput = z.strictObject(
  {
    status: z
      .enum(VERDICT_STATUSES, { error: `expected one of ${VERDICT_STATUSES.join(', ')}` })
      .describe('pass: nothing blocks; concerns: problems worth fixing; block: must not merge.'),
    summary: text(
      4000,
      'The verdict in a few sentences, saying what was checked and what could not be verified.',
    ),
    findings: z
      .array(FindingSchema, { error: 'expected a list of findings' })
      .max(200, { error: 'expected at most 200 findings' })
      .describe('Each problem found, with file and line where known.'),
  },
  { error: 'expected a verdict {status, summary, findings}' },
);

export const submitVerdictTool: AgentTool = terminalTool({
  name: 'submit_verdict',
  description:
    'Submit your review verdict and end your run: status (pass, concerns or block), a summary and the ' +
    'findings. Judge only what you verified in the evidence.',
  schema: VerdictInput,
  result: (verdict) => ({ kind: 'verdict', verdict }),
});

export const finishTool: AgentTool = terminalTool({
  name: 'finish',
  description:
    'End your run when the story is implemented: what you changed, how you verified it (the commands you ran ' +
    'and what they reported) and what is still missing or unverified. Be exact; a false claim is a defect.',
  schema: z.strictObject(
    {
      summary: text(4000, 'What you changed and why, file by file if it helps.'),
      verification: text(4000, 'The commands you ran to check the change and what they reported.'),
      known_gaps: z
        .array(text(1000, 'One thing not done or not verified.'), { error: 'expected a list of strings' })
        .max(20, { error: 'expected at most 20 items' })
        .describe('Anything not done, not verified or uncertain; an empty list only when there is nothing.'),
    },
    { error: 'expected {summary, verification, known_gaps}' },
  ),
  result: (input) => ({
    kind: 'finish',
    report: { summary: input.summary, verification: input.verification, knownGaps: input.known_gaps },
  }),
});

export const askClarificationTool: AgentTool = terminalTool({
  name: 'ask_clarification',
  description:
    'Stop and ask a human when the task is ambiguous or contradictory, or needs a decision you cannot make ' +
    'from the repository. Ends your run; the work resumes with the answer.',
  schema: z.strictObject(
    {
      questions: z
        .array(text(2000, 'One question a human can answer.'), { error: 'expected a list of questions' })
        .min(1, { error: 'expected 1 to 10 questions' })
        .max(10, { error: 'expected 1 to 10 questions' })
        .describe('Each question on its own, with the options you see where there are some.'),
    },
    { error: 'expected {questions}' },
  ),
  result: (input) => ({ kind: 'clarification', questions: input.questions }),
});
