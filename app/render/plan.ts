/**
 * The plan as the people approving it read it: summary, each story with its acceptance criteria,
 * dependencies and estimate, and the critical path that bounds the wall time. Every text of the plan was
 * written by a model and is escaped.
 */
import { criticalPath } from '../../core/dag.js';
import type { Plan } from '../../core/results.js';
import { escapeLines, escapeText, inlineCode } from './escape.js';

const ids = (list: readonly string[]): string =>
  list.length === 0 ? '—' : list.map((id) => inlineCode(id, 40)).join(', ');

/** The plan comment of epic issue `issue`. */
export function renderPlan(issue: number, plan: Plan): string {
  const path = criticalPath(
    plan.stories.map((story) => ({ id: story.id, depends_on: story.depends_on, estimate: story.estimate })),
  );
  const total = plan.stories.reduce((sum, story) => sum + story.estimate, 0);
  const lines = [
    `### Plan for #${issue}`,
    '',
    escapeLines(plan.summary, 3000),
    '',
    `**${plan.stories.length} ${plan.stories.length === 1 ? 'story' : 'stories'}, ${total} points; critical path ${path.stories.map((id) => inlineCode(id, 40)).join(' → ')} (${path.length} points).** Stories whose dependencies are done run in parallel, so the critical path bounds the wall time.`,
    '',
    '| story | title | estimate | depends on |',
    '| --- | --- | --- | --- |',
    ...plan.stories.map(
      (story) =>
        `| ${inlineCode(story.id, 40)} | ${escapeText(story.title, 200)} | ${story.estimate} | ${ids(story.depends_on)} |`,
    ),
  ];
  for (const story of plan.stories) {
    lines.push(
      '',
      `#### ${inlineCode(story.id, 40)} ${escapeText(story.title, 200)}`,
      '',
      escapeLines(story.description, 3000),
      '',
      'Acceptance criteria:',
      ...story.acceptance_criteria.map((criterion) => `- ${escapeText(criterion, 500)}`),
    );
  }
  lines.push(
    '',
    'Reply `/approve` to open one issue per story and start them, or `/reject <reason>` to plan again.',
  );
  return lines.join('\n');
}
