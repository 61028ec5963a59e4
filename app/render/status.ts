/**
 * The state of a work item in words: the tracking comment on an epic's issue (edited in place as the work
 * moves) and the reply to `/status`. Both show the state and its label, what happens next, the stories,
 * the runs and what the models cost.
 */
import { STATE_LABEL } from '../../core/workflow.js';
import type { WorkItemKind, WorkState } from '../../core/workflow.js';
import { codeBlock, escapeLines, escapeText, inlineCode } from './escape.js';
import { link, shortSha } from './links.js';

export interface StoryLine {
  id: string;
  title?: string;
  /** The epic's view of it (pending, running, done, failed, cancelled) or, once started, its own state. */
  state: string;
  issue?: number;
  pr?: number;
}

export interface RunLine {
  stage: string;
  story: string | null;
  status: string;
  conclusion: string | null;
  url: string | null;
  attempts: number;
}

export interface CostLine {
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  cacheReadTokens: number;
}

export interface ItemView {
  kind: WorkItemKind;
  issue: number;
  state: WorkState;
  /** The repository is paused (`/pause`). */
  paused: boolean;
  /** For a story: its id, pull request and head. */
  story?: string;
  pr?: number;
  headSha?: string;
  gate?: { decision: string; headSha: string };
  stories: StoryLine[];
  /** Newest last. */
  runs: RunLine[];
  cost: CostLine;
  lastReason?: string;
  lastRunUrl?: string;
  questions?: string[];
}

/** How many runs the comment lists (the newest). */
const RUNS_SHOWN = 10;

/** What happens next, or what a person can do, in each state. */
export function nextStep(kind: WorkItemKind, state: WorkState): string {
  switch (state) {
    case 'new':
      return 'Starting.';
    case 'planning':
      return 'The planner is at work.';
    case 'awaiting_plan_approval':
      return 'Waiting for `/approve` or `/reject <reason>` on the plan.';
    case 'awaiting_clarification':
      return 'Waiting for an answer: `/clarify <text>`.';
    case 'implementing':
      return kind === 'epic' ? 'The stories are at work.' : 'The developer is at work.';
    case 'reviewing':
      return 'The reviewers and the release gate are at work.';
    case 'revising':
      return 'The developer is addressing the review findings.';
    case 'blocked':
      return 'The release gate blocked it: `/clarify <text>` or `/retry`.';
    case 'awaiting_merge_approval':
      return 'Waiting for `/approve` on the pull request.';
    case 'merging':
      return 'Merging.';
    case 'validating':
      return 'Validating the default branch after the merge.';
    case 'done':
      return 'Done.';
    case 'failed':
      return '`/retry` runs the failed stage again.';
    case 'cancelled':
      return 'Cancelled.';
  }
}

function stateLine(view: ItemView): string {
  const label = STATE_LABEL[view.state];
  return `**State:** ${view.state.replace(/_/g, ' ')}${label === null ? '' : ` (${inlineCode(label)})`}. ${nextStep(view.kind, view.state)}`;
}

function storyTable(stories: readonly StoryLine[]): string[] {
  if (stories.length === 0) return [];
  return [
    '',
    '| story | title | state | issue | pull request |',
    '| --- | --- | --- | --- | --- |',
    ...stories.map(
      (story) =>
        `| ${inlineCode(story.id, 40)} | ${story.title === undefined ? '' : escapeText(story.title, 120)} | ${story.state.replace(/_/g, ' ')} | ${story.issue === undefined ? '' : `#${story.issue}`} | ${story.pr === undefined ? '' : `#${story.pr}`} |`,
    ),
  ];
}

function runTable(runs: readonly RunLine[]): string[] {
  if (runs.length === 0) return [];
  const shown = runs.slice(-RUNS_SHOWN);
  return [
    '',
    `Runs${runs.length > shown.length ? ` (newest ${shown.length} of ${runs.length})` : ''}:`,
    '',
    '| stage | story | run | status |',
    '| --- | --- | --- | --- |',
    ...shown.map((run) => {
      const status = run.conclusion === null ? run.status : `${run.status}: ${run.conclusion}`;
      const attempts = run.attempts > 1 ? ` (attempt ${run.attempts})` : '';
      return `| ${run.stage} | ${run.story === null ? '' : inlineCode(run.story, 40)} | ${link('run', run.url)} | ${escapeText(status, 60)}${attempts} |`;
    }),
  ];
}

export function costLine(cost: CostLine): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return `**Cost:** $${cost.costUsd.toFixed(2)} (${n(cost.tokensIn)} input tokens, ${n(cost.tokensOut)} output, ${n(cost.cacheReadTokens)} read from the prompt cache).`;
}

function body(view: ItemView): string[] {
  const lines = [stateLine(view)];
  if (view.paused)
    lines.push(
      '',
      '**Paused:** the repository is paused (`/pause`); nothing is written or started until `/resume`.',
    );
  if (view.pr !== undefined) {
    lines.push(
      '',
      `**Pull request:** #${view.pr}, head ${shortSha(view.headSha)}${view.gate === undefined ? '' : `; release gate: ${escapeText(view.gate.decision, 20)} for ${shortSha(view.gate.headSha)}`}.`,
    );
  }
  if (view.state === 'failed' && view.lastReason !== undefined) {
    lines.push(
      '',
      `Failed${view.lastRunUrl === undefined ? '' : ` in ${link('this run', view.lastRunUrl)}`}:`,
      '',
      codeBlock(view.lastReason, 2000),
    );
  }
  if (view.questions !== undefined && view.questions.length > 0) {
    lines.push(
      '',
      'Open questions:',
      '',
      ...view.questions.map((q, index) => `${index + 1}. ${escapeLines(q, 1000)}`),
    );
  }
  lines.push(...storyTable(view.stories), ...runTable(view.runs), '', costLine(view.cost));
  return lines;
}

/** The tracking comment of an epic (one per labelled issue, edited in place). */
export function renderTracking(view: ItemView): string {
  return [
    `## AI orchestrator: #${view.issue}`,
    '',
    ...body(view),
    '',
    '<sub>This comment is kept up to date by the orchestrator. Commands: `/status`, `/approve`, `/reject <reason>`, `/clarify <text>`, `/retry [story]`, `/cancel`, `/pause`, `/resume`.</sub>',
  ].join('\n');
}

/** The reply to `/status` on an item. */
export function renderStatus(view: ItemView): string {
  const what =
    view.kind === 'story' && view.story !== undefined
      ? `story ${inlineCode(view.story, 40)} (#${view.issue})`
      : `#${view.issue}`;
  return [`Status of ${what}:`, '', ...body(view)].join('\n');
}
