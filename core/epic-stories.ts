/**
 * The stories of an epic: whether a plan is acceptable, which stories start now, whether the epic is done
 * or stuck, and what `/retry` on it restarts. Pure functions of a plan and a status map (core/dag.ts does
 * the graph work), used by the transition table (core/workflow-table.ts).
 */
import { criticalPath, readyStories, validateDag } from './dag.js';
import type { StoryStatus } from './dag.js';
import type { Policy } from './policy.js';
import type { PlanStory, StoryFinishedEvent } from './work-item.js';

/** Everything wrong with a plan under the policy: no stories, too many, or a graph that is not a DAG. */
export function planProblems(stories: readonly PlanStory[], policy: Policy): string[] {
  const problems: string[] = [];
  if (stories.length === 0) problems.push('the plan has no stories');
  if (stories.length > policy.plan.max_stories) {
    problems.push(
      `the plan has ${stories.length} stories; the policy allows at most ${policy.plan.max_stories} (plan.max_stories)`,
    );
  }
  return [...problems, ...validateDag(stories).map((error) => error.message)];
}

/**
 * The plan as the item keeps it: a copy of each story's id, dependencies and estimate, and nothing else,
 * so a caller passing the full plan document's stories (titles, criteria) stores only what scheduling needs.
 */
export const planCopy = (stories: readonly PlanStory[]): PlanStory[] =>
  stories.map((story) => ({
    id: story.id,
    depends_on: [...story.depends_on],
    ...(story.estimate === undefined ? {} : { estimate: story.estimate }),
  }));

export const storyIds = (plan: { stories: readonly PlanStory[] }): string[] =>
  plan.stories.map((story) => story.id);

/** Marks the stories that may start now as running (policy's parallel limit) and returns them. */
export function schedule(
  plan: { stories: readonly PlanStory[] },
  stories: Record<string, StoryStatus>,
  policy: Policy,
): { stories: Record<string, StoryStatus>; started: string[] } {
  const started = readyStories(plan.stories, stories, policy.implement.max_parallel_stories);
  const next = { ...stories };
  for (const id of started) next[id] = 'running';
  return { stories: next, started };
}

/** Whether an epic is finished, still has stories at work, or can no longer go on without a human. */
export function progress(plan: { stories: readonly PlanStory[] }, stories: Record<string, StoryStatus>) {
  const statuses = storyIds(plan).map((id) => stories[id]);
  if (statuses.every((status) => status === 'done')) return 'done';
  return statuses.includes('running') ? 'running' : 'stuck';
}

/** Why an epic is stuck, naming the stories. */
export function stuckReason(
  plan: { stories: readonly PlanStory[] },
  stories: Record<string, StoryStatus>,
): string {
  const named = (status: StoryStatus) => storyIds(plan).filter((id) => stories[id] === status);
  const parts = [
    ...named('failed').map((id) => `story "${id}" failed`),
    ...named('cancelled').map((id) => `story "${id}" was cancelled`),
  ];
  const waiting = named('pending');
  if (waiting.length > 0) parts.push(`waiting on them: ${waiting.join(', ')}`);
  return `no story can go on: ${parts.join('; ')}`;
}

/**
 * Whether an epic expects news that `story` ended with `outcome`: the end of a running story, or the
 * cancelling of a failed one (a human gave up on it, so a later `/retry` must start it afresh rather than
 * retry its item). Returns why not, or undefined.
 */
export function storyMayFinish(
  stories: Readonly<Record<string, StoryStatus>> | undefined,
  story: string,
  outcome: StoryFinishedEvent['outcome'],
): string | undefined {
  const status = stories && Object.hasOwn(stories, story) ? stories[story] : undefined;
  if (status === undefined) return `story "${story}" is not in the plan`;
  if (status === 'running' || (status === 'failed' && outcome === 'cancelled')) return undefined;
  return `story "${story}" is ${status}, not running`;
}

/**
 * The statuses after `/retry [story]` on an epic: the failed stories retried count as running again (their
 * own items are retried: `retried`), the cancelled ones become pending and start afresh when their
 * dependencies allow (`started`, with any other story now ready). `problem` says why the retry cannot help.
 */
export function retryStories(
  plan: { stories: readonly PlanStory[] },
  current: Readonly<Record<string, StoryStatus>>,
  story: string | undefined,
  policy: Policy,
): { stories: Record<string, StoryStatus>; retried: string[]; started: string[]; problem?: string } {
  const stories = { ...current };
  const retryable = (id: string) => stories[id] === 'failed' || stories[id] === 'cancelled';
  const targets = story === undefined ? storyIds(plan).filter(retryable) : [story];
  let problem: string | undefined;
  if (story !== undefined && !Object.hasOwn(stories, story)) problem = `story "${story}" is not in the plan`;
  else if (story !== undefined && !retryable(story))
    problem = `story "${story}" is ${stories[story]}, not failed or cancelled`;
  else if (targets.length === 0) problem = 'no story has failed or been cancelled';

  const retried = targets.filter((id) => stories[id] === 'failed');
  for (const id of targets) stories[id] = stories[id] === 'failed' ? 'running' : 'pending';
  const scheduled = schedule(plan, stories, policy);
  if (problem === undefined && progress(plan, scheduled.stories) === 'stuck') {
    problem = `nothing could start (${stuckReason(plan, scheduled.stories)})`;
  }
  return { stories: scheduled.stories, retried, started: scheduled.started, ...(problem ? { problem } : {}) };
}

/** The comment line of a plan: how many stories and the chain that bounds its wall time. Needs a valid plan. */
export function planSummary(stories: readonly PlanStory[]): string {
  const path = criticalPath(stories);
  return `${stories.length} ${stories.length === 1 ? 'story' : 'stories'}; critical path: ${path.stories.join(', ')} (estimate ${path.length})`;
}
