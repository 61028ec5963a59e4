/**
 * The demo's status view: the table a terminal redraws (marks per step, progress, lines cut to the width)
 * and the timeline a log gets (each change once).
 */
import { describe, expect, it } from '@jest/globals';
import type { Snapshot, StoryView } from '../../testbed/demo/observe.js';
import { renderTable, StatusView, timelineChanges } from '../../testbed/demo/status.js';
import type { RunRecord } from '../../testbed/runner/index.js';

const story = (fields: Partial<StoryView>): StoryView => ({
  id: 'slugify',
  issue: 3,
  title: '[#1 slugify] Add slugify',
  state: 'implementing',
  pr: undefined,
  headSha: undefined,
  gate: undefined,
  reason: undefined,
  resumeState: undefined,
  reviewsDone: 0,
  gateCheck: undefined,
  ...fields,
});

const snapshot = (at: number, stories: StoryView[], runs: RunRecord[] = []): Snapshot => ({
  at,
  epic: { state: 'implementing', reason: undefined, plan: [], planPosted: true },
  stories,
  runs,
});

const run = (status: RunRecord['status'], conclusion: RunRecord['conclusion']): RunRecord => ({
  id: 7,
  repository: 'acme/notes',
  workflow: '.github/workflows/ai-orchestrator.yml',
  title: 'ai-orchestrator implement k',
  inputs: { stage: 'implement', story: 'slugify' },
  status,
  conclusion,
  jobs: [],
  error: undefined,
  durationMs: 4200,
});

describe('the status table', () => {
  it('marks done, running and pending steps and counts the progress', () => {
    const lines = renderTable(
      snapshot(12.3, [story({ state: 'reviewing', pr: 4, reviewsDone: 2 })]),
      'title',
    );
    expect(lines).toEqual([
      'title',
      '  issue      plan ✓  approve ✓   plan approved; its stories are running',
      '             implement review    gate      approve   merge     validate  ',
      '  slugify    ✓         ▶         ·         ·         ·         ·         PR #4 · 2/4 reviewers done',
      '  [###########-------------------] 3/8 steps · 12.3 s',
    ]);
  });

  it('shows a failure at the step that failed, with its reason, cut to the width', () => {
    const failed = story({
      state: 'failed',
      resumeState: 'implementing',
      reason: 'npm test failed '.repeat(10),
    });
    const lines = renderTable(snapshot(1, [failed]), 'title', 60);
    expect(lines[3]).toMatch(/^ {2}slugify {4}✗/);
    expect(lines.every((line) => line.length <= 60)).toBe(true);
    expect(lines[3]?.endsWith('…')).toBe(true);
  });
});

describe('the timeline', () => {
  it('prints each change once, and a run when it completes', () => {
    const first = snapshot(1, [story({})], [run('in_progress', null)]);
    const second = snapshot(5.5, [story({ state: 'reviewing', pr: 4 })], [run('completed', 'success')]);
    expect(timelineChanges(undefined, first)).toEqual([
      '   1.0 s  issue      implementing — plan approved; its stories are running',
      '   1.0 s  slugify    implementing — the developer is writing and testing the change',
    ]);
    expect(timelineChanges(first, second)).toEqual([
      '   5.5 s  slugify    reviewing — PR #4 · 0/4 reviewers done',
      '   5.5 s  run 7  implement story slugify: success in 4.2 s',
    ]);
    expect(timelineChanges(second, second)).toEqual([]);
  });

  it('redraws in place on a terminal: up to the table, clear, draw again', () => {
    let written = '';
    const view = new StatusView((text) => (written += text), true, 'title');
    view.update(snapshot(1, []));
    written = '';
    view.update(snapshot(2, []));
    expect(written.startsWith('\x1b[4F\x1b[0Jtitle\n')).toBe(true);
  });
});
