/**
 * The text of a repository's dashboard issue. Everything taken from issues, plans and runs (titles,
 * questions, reasons, lessons) is untrusted and quoted with app/render's escaping, so it can neither ping
 * anyone nor pass for the app's own words, nor fake a second pause checkbox.
 */
import { costLine, escapeText, inlineCode, link, login } from '../render/index.js';
import type { ItemSummary } from '../overview/items.js';
import { pauseBox } from './checkbox.js';
import type { DashboardIssueView } from './view.js';

export const DASHBOARD_TITLE = 'AI orchestrator dashboard';

/** Rows a section shows at most; GitHub caps an issue body at 65,536 characters. */
const MAX_ROWS = 40;

function bounded<T>(rows: readonly T[], render: (row: T) => string): string[] {
  const shown = rows.slice(0, MAX_ROWS).map(render);
  if (rows.length > shown.length) shown.push(`- … and ${rows.length - shown.length} more`);
  return shown;
}

/** `#12 Add pet insurance` or `#14 story `B` of #12: Story B`. */
function subject(item: ItemSummary): string {
  const title = item.title === null ? '' : ` ${escapeText(item.title, 120)}`;
  if (item.story === null) return `#${item.issue}${title}`;
  const epic = item.epicIssue === null ? '' : ` of #${item.epicIssue}`;
  return `#${item.issue} story ${inlineCode(item.story, 40)}${epic}:${title}`;
}

function waitingLine(item: ItemSummary): string {
  const waiting = item.waiting;
  switch (waiting?.kind) {
    case 'plan_approval':
      return `- ${subject(item)}: the plan waits for ${'`/approve`'} or ${'`/reject <reason>`'}.`;
    case 'clarification':
      return [
        `- ${subject(item)}: questions wait for ${'`/clarify <answers>`'}:`,
        ...waiting.questions.slice(0, 5).map((question) => `  - ${escapeText(question, 300)}`),
      ].join('\n');
    case 'merge_approval':
      return `- ${subject(item)}: pull request #${item.pr ?? '?'} is ready; ${'`/approve`'} on it merges.`;
    case 'blocked':
      return [
        `- ${subject(item)}: blocked by the release gate; ${'`/clarify <text>`'} or ${'`/retry`'}:`,
        ...waiting.reasons.slice(0, 5).map((reason) => `  - ${escapeText(reason, 300)}`),
      ].join('\n');
    default:
      return `- ${subject(item)}`;
  }
}

function activeRow(item: ItemSummary): string {
  const queued = item.queued > 0 ? ` (${item.queued} queued)` : '';
  return `| ${subject(item)} | ${item.state.replace(/_/g, ' ')}${queued} | ${item.pr === null ? '' : `#${item.pr}`} |`;
}

function failureLine(item: ItemSummary): string {
  const failure = item.failure;
  if (failure === null) return `- ${subject(item)}`;
  const where = failure.runUrl === null ? '' : ` in ${link('this run', failure.runUrl)}`;
  return `- ${subject(item)} failed${where}: ${escapeText(failure.reason, 400)} (${'`/retry`'} on #${item.issue} runs it again)`;
}

function section(heading: string, lines: readonly string[], empty: string): string[] {
  return ['', `### ${heading}`, '', ...(lines.length === 0 ? [`_${empty}_`] : lines)];
}

/** The issue's body (without the app's marker, which the GitHub edge adds). */
export function renderDashboardIssue(view: DashboardIssueView): string {
  const lines = [
    `## ${DASHBOARD_TITLE}`,
    '',
    'What the orchestrator is doing in this repository: updated when work waits for a human, fails or ends, and by the heartbeat every few minutes.',
    '',
    pauseBox(view.paused),
    '',
    '<sub>Ticking the box does what `/pause` does, unticking it what `/resume` does, with the same rules (maintain or admin permission); a change by anyone else is undone.</sub>',
  ];
  if (view.paused) {
    const by = view.pausedBy === null ? '' : ` by ${login(view.pausedBy)}`;
    const at = view.pausedAt === null ? '' : ` at ${view.pausedAt.slice(0, 16).replace('T', ' ')} UTC`;
    lines.push(
      '',
      `**Paused**${by}${at}: the orchestrator writes nothing and starts no run here until the box is unticked or someone comments ${'`/resume`'}.`,
    );
  }
  lines.push(
    ...section(
      `Waiting for a human (${view.waiting.length})`,
      bounded(view.waiting, waitingLine),
      'Nothing waits for you.',
    ),
    ...section(
      `At work (${view.active.length})`,
      view.active.length === 0
        ? []
        : ['| item | stage | pull request |', '| --- | --- | --- |', ...bounded(view.active, activeRow)],
      'No work in progress.',
    ),
    ...section(
      `Recent failures (${view.failures.length})`,
      bounded(view.failures, failureLine),
      'No failures.',
    ),
    ...section(
      'Lessons',
      view.lessons.map((lesson, index) => `${index + 1}. ${escapeText(lesson, 300)}`),
      'None learnt yet.',
    ),
    '',
    '### Cost',
    '',
    costLine(view.cost),
  );
  if (view.daily.length > 0) {
    lines.push(
      '',
      '| day (UTC) | cost | input tokens | output tokens |',
      '| --- | --- | --- | --- |',
      ...view.daily.map(
        (day) =>
          `| ${day.day} | $${day.costUsd.toFixed(2)} | ${day.tokensIn.toLocaleString('en-US')} | ${day.tokensOut.toLocaleString('en-US')} |`,
      ),
    );
  }
  lines.push(
    '',
    '<sub>Kept up to date by the orchestrator: edits other than the checkbox are overwritten. Commands go in comments on the work items: `/status`, `/approve`, `/reject <reason>`, `/clarify <text>`, `/retry [story]`, `/cancel`.</sub>',
  );
  return lines.join('\n');
}

/** The reply when a change of the checkbox was refused and undone; `reason` (untrusted) is escaped. */
export function renderBoxRefusal(paused: boolean, reason: string): string {
  const what = paused ? 'Ticking' : 'Unticking';
  const command = paused ? '/pause' : '/resume';
  return `${what} the pause box was undone (it follows the same rules as ${inlineCode(command)}): ${escapeText(reason, 500)}`;
}
