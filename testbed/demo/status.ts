/**
 * The demo's live status: one row for the issue (plan, plan approval) and one per story (implement,
 * review, gate, merge approval, merge, validate), with a progress bar. On a terminal the table is redrawn
 * in place; elsewhere (CI logs have no terminal) every change is printed once as a plain line, so the log
 * reads as a timeline. Notes (what the human did) go above the table, or into the timeline.
 */
import type { Snapshot, StoryView } from './observe.js';

type Mark = 'done' | 'running' | 'waiting' | 'failed' | 'pending' | 'skipped';

const STORY_STEPS = ['implement', 'review', 'gate', 'approve', 'merge', 'validate'] as const;
type StoryStep = (typeof STORY_STEPS)[number];
const EPIC_STEPS = ['plan', 'approve'] as const;

/** Where a story stands: the step it is at and how that step is going. */
function storyPosition(story: StoryView): { at: number; mark: Mark } {
  const index = (step: StoryStep) => STORY_STEPS.indexOf(step);
  const stepOfState = (state: string | undefined): number => {
    switch (state) {
      case 'reviewing':
        return story.reviewsDone >= 4 ? index('gate') : index('review');
      case 'blocked':
        return index('gate');
      case 'awaiting_merge_approval':
        return index('approve');
      case 'merging':
        return index('merge');
      case 'validating':
        return index('validate');
      default:
        return index('implement');
    }
  };
  const resumeState = story.state === 'failed' || story.state === 'awaiting_clarification';
  switch (story.state) {
    case 'done':
      return { at: STORY_STEPS.length, mark: 'done' };
    case 'cancelled':
      return { at: 0, mark: 'skipped' };
    case 'awaiting_merge_approval':
      return { at: index('approve'), mark: 'waiting' };
    case 'blocked':
      return { at: index('gate'), mark: 'failed' };
    default:
      if (resumeState) {
        return {
          at: stepOfState(story.resumeState),
          mark: story.state === 'failed' ? 'failed' : 'waiting',
        };
      }
      return { at: stepOfState(story.state), mark: 'running' };
  }
}

function epicPosition(state: string | undefined, hasStories: boolean): { at: number; mark: Mark } {
  switch (state) {
    case undefined:
    case 'new':
    case 'planning':
      return { at: 0, mark: 'running' };
    case 'awaiting_plan_approval':
      return { at: 1, mark: 'waiting' };
    case 'awaiting_clarification':
      return { at: hasStories ? 2 : 0, mark: 'waiting' };
    case 'failed':
      return { at: hasStories ? 2 : 0, mark: hasStories ? 'done' : 'failed' };
    case 'cancelled':
      return { at: 0, mark: 'skipped' };
    default:
      return { at: 2, mark: 'done' };
  }
}

const SYMBOL: Record<Mark, string> = {
  done: '✓',
  running: '▶',
  waiting: '?',
  failed: '✗',
  pending: '·',
  skipped: '-',
};

function marks(count: number, position: { at: number; mark: Mark }): Mark[] {
  return Array.from({ length: count }, (_, step): Mark => {
    if (step < position.at) return 'done';
    if (step === position.at) return position.mark === 'done' ? 'done' : position.mark;
    return position.mark === 'skipped' ? 'skipped' : 'pending';
  });
}

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

/** What the story row says in words after its marks. */
function storyNote(story: StoryView): string {
  const pr = story.pr === undefined ? '' : `PR #${story.pr}`;
  const detail = (() => {
    switch (story.state) {
      case 'implementing':
        return 'the developer is writing and testing the change';
      case 'revising':
        return 'the developer is addressing the findings';
      case 'reviewing':
        return story.reviewsDone >= 4
          ? 'the release gate is deciding'
          : `${story.reviewsDone}/4 reviewers done`;
      case 'awaiting_merge_approval':
        return 'gate approved; waiting for a human /approve';
      case 'merging':
        return 'merging';
      case 'validating':
        return 'validating the default branch';
      case 'done':
        return 'merged and validated';
      default:
        return story.reason === undefined ? story.state : `${story.state}: ${story.reason}`;
    }
  })();
  return [pr, detail].filter((part) => part !== '').join(' · ');
}

function epicNote(state: string | undefined, reason: string | undefined): string {
  switch (state) {
    case undefined:
    case 'new':
      return 'waiting for the app';
    case 'planning':
      return 'the planner is reading the repository';
    case 'awaiting_plan_approval':
      return 'plan posted; waiting for a human /approve';
    case 'implementing':
      return 'plan approved; its stories are running';
    case 'done':
      return 'every story done';
    default:
      return reason === undefined ? state.replace(/_/g, ' ') : `${state}: ${reason}`;
  }
}

/** The table's lines for a snapshot. */
export function renderTable(snapshot: Snapshot, title: string, width = 100): string[] {
  const hasStories = snapshot.stories.length > 0;
  const epic = marks(EPIC_STEPS.length, epicPosition(snapshot.epic?.state, hasStories));
  const rows = snapshot.stories.map((story) => ({
    story,
    marks: marks(STORY_STEPS.length, storyPosition(story)),
  }));
  const all = [...epic, ...rows.flatMap((row) => row.marks)];
  const total = EPIC_STEPS.length + (hasStories ? rows.length * STORY_STEPS.length : STORY_STEPS.length);
  const done = all.filter((mark) => mark === 'done').length;
  const barWidth = 30;
  const filled = Math.round((done / total) * barWidth);
  const cut = (line: string) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);
  const nameWidth = Math.max(10, ...snapshot.stories.map((story) => story.id.length + 2));
  const header = `  ${pad('', nameWidth)} ${STORY_STEPS.map((step) => pad(step, 10)).join('')}`;
  // Every line fits the width: a wrapped line would throw off the redraw's count of lines to go back up.
  return [
    title,
    `  ${pad('issue', nameWidth)} plan ${SYMBOL[epic[0]!]}  approve ${SYMBOL[epic[1]!]}   ${epicNote(snapshot.epic?.state, snapshot.epic?.reason)}`,
    header,
    ...rows.map(
      (row) =>
        `  ${pad(row.story.id, nameWidth)} ${row.marks.map((mark) => pad(SYMBOL[mark], 10)).join('')}${storyNote(row.story)}`,
    ),
    `  [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${done}/${total} steps · ${snapshot.at.toFixed(1)} s`,
  ].map(cut);
}

/** The lines of the plain timeline: what changed since the previous snapshot. */
export function timelineChanges(previous: Snapshot | undefined, current: Snapshot): string[] {
  const at = `${current.at.toFixed(1).padStart(6)} s`;
  const lines: string[] = [];
  if (current.epic !== undefined && current.epic.state !== previous?.epic?.state) {
    lines.push(
      `${at}  issue      ${current.epic.state.replace(/_/g, ' ')} — ${epicNote(current.epic.state, current.epic.reason)}`,
    );
  }
  for (const story of current.stories) {
    const before = previous?.stories.find((candidate) => candidate.issue === story.issue);
    const changed =
      before === undefined ||
      before.state !== story.state ||
      before.reviewsDone !== story.reviewsDone ||
      before.pr !== story.pr;
    if (changed)
      lines.push(`${at}  ${pad(story.id, 10)} ${story.state.replace(/_/g, ' ')} — ${storyNote(story)}`);
  }
  for (const run of current.runs) {
    const before = previous?.runs.find((candidate) => candidate.id === run.id);
    if (run.status === 'completed' && before?.status !== 'completed') {
      const stage = run.inputs.stage ?? '?';
      const story = run.inputs.story ? ` story ${run.inputs.story}` : '';
      lines.push(
        `${at}  run ${run.id}  ${stage}${story}: ${run.conclusion ?? 'no conclusion'} in ${(run.durationMs / 1000).toFixed(1)} s`,
      );
    }
  }
  return lines;
}

/** Draws the status to `write` (which writes text as is): redrawn in place on a terminal, a timeline elsewhere. */
export class StatusView {
  private drawn = 0;
  private last: Snapshot | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly title: string,
    private readonly width: number = 100,
  ) {}

  update(snapshot: Snapshot): void {
    if (this.tty) {
      this.redraw(renderTable(snapshot, this.title, this.width));
    } else {
      for (const line of timelineChanges(this.last, snapshot)) this.write(`${line}\n`);
    }
    this.last = snapshot;
  }

  /** A line about what happened (a human's comment), kept above the table. */
  note(line: string): void {
    const at = `${(this.last?.at ?? 0).toFixed(1).padStart(6)} s`;
    if (this.tty) {
      this.clear();
      this.write(`${at}  ${line}\n`);
      if (this.last !== undefined) this.redraw(renderTable(this.last, this.title, this.width));
    } else {
      this.write(`${at}  ${line}\n`);
    }
  }

  /** Leaves the last table on screen (a terminal) or prints it once (a log), ending the live part. */
  finish(): void {
    if (this.last === undefined) return;
    if (this.tty) {
      this.redraw(renderTable(this.last, this.title, this.width));
    } else {
      for (const line of renderTable(this.last, this.title, this.width)) this.write(`${line}\n`);
    }
    this.drawn = 0;
  }

  private clear(): void {
    if (this.drawn === 0) return;
    // Up to the table's first line, then clear from there to the end of the screen.
    this.write(`\x1b[${this.drawn}F\x1b[0J`);
    this.drawn = 0;
  }

  private redraw(lines: string[]): void {
    this.clear();
    this.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
