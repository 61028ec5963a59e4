/** The sub-issue the app opens for one story of an approved plan. */
import type { Story } from '../../core/results.js';
import { visible, escapeLines, escapeText, inlineCode, truncate } from './escape.js';

/** GitHub's limit on an issue title. */
const MAX_TITLE = 256;

/** The sub-issue's title: `[#12 B] <title>` (titles render as plain text, so only invisible characters go). */
export function storyIssueTitle(epic: number, story: Story): string {
  return truncate(visible(`[#${epic} ${story.id}] ${story.title}`).replace(/\s+/g, ' ').trim(), MAX_TITLE);
}

/** The sub-issue's body: what the developer role and the reviewers work from. */
export function storyIssueBody(epic: number, story: Story): string {
  return [
    `Story ${inlineCode(story.id, 40)} of #${epic}: ${escapeText(story.title, 200)}`,
    '',
    escapeLines(story.description, 6000),
    '',
    '**Acceptance criteria**',
    ...story.acceptance_criteria.map((criterion) => `- ${escapeText(criterion, 1000)}`),
    '',
    `**Depends on:** ${story.depends_on.length === 0 ? 'nothing' : story.depends_on.map((id) => inlineCode(id, 40)).join(', ')}`,
    `**Estimate:** ${story.estimate} points`,
    '',
    '_Opened by the AI orchestrator for the approved plan; its label follows the story (`ai:in-progress`, `ai:in-review`, …)._',
  ].join('\n');
}
