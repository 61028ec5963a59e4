/**
 * The stories of a plan as a directed acyclic graph (design §4): which plans are well formed, which stories
 * may start now, in which order they can run, and which chain of stories bounds the wall time.
 *
 * An edge `A → B` reads "A depends on B": B must be done before A starts. This module works on a minimal
 * node type so it stays independent of the plan's result-document schema (core/results.ts).
 */

/** One story as the DAG sees it. */
export interface DagNode {
  /** Unique within the plan. */
  readonly id: string;
  /** Ids of the stories that must be done before this one starts. */
  readonly depends_on: readonly string[];
  /** Relative size of the story (positive); 1 when absent. Only the critical path uses it. */
  readonly estimate?: number;
}

export const STORY_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
/** Where one story of a plan stands; a story missing from a status map counts as `pending`. */
export type StoryStatus = (typeof STORY_STATUSES)[number];

export type DagErrorCode = 'duplicate_id' | 'self_dependency' | 'unknown_dependency' | 'cycle';

/** One problem of a plan's graph, naming the stories involved. */
export interface DagError {
  code: DagErrorCode;
  /** The stories involved, in plan order where there is one (an unknown dependency comes last). */
  stories: string[];
  /** A sentence that names the stories, e.g. `cycle: A → B → C → A`. */
  message: string;
}

const DEFAULT_ESTIMATE = 1;

/** Each id once, in first-appearance order. */
function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Every problem of the graph, not only the first: each id defined more than once, each story that depends
 * on itself, each dependency on an id that no story has, and each dependency loop (one error per set of
 * stories caught in a loop, showing one loop through them). An empty list means the graph is a valid DAG.
 */
export function validateDag(nodes: readonly DagNode[]): DagError[] {
  const errors: DagError[] = [];

  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.id, (counts.get(node.id) ?? 0) + 1);
  for (const [id, count] of counts) {
    if (count > 1) {
      errors.push({
        code: 'duplicate_id',
        stories: [id],
        message: `story "${id}" is defined ${count} times`,
      });
    }
  }

  // A duplicated id is one vertex whose dependencies are the union of its definitions, so the loop check
  // below still sees every edge the plan wrote.
  const edges = new Map<string, string[]>();
  for (const node of nodes) {
    const reported = new Set<string>();
    for (const dependency of node.depends_on) {
      if (reported.has(dependency)) continue;
      reported.add(dependency);
      if (dependency === node.id) {
        errors.push({
          code: 'self_dependency',
          stories: [node.id],
          message: `story "${node.id}" depends on itself`,
        });
      } else if (!counts.has(dependency)) {
        errors.push({
          code: 'unknown_dependency',
          stories: [node.id, dependency],
          message: `story "${node.id}" depends on unknown story "${dependency}"`,
        });
      } else {
        edges.set(node.id, unique([...(edges.get(node.id) ?? []), dependency]));
      }
    }
  }

  const order = unique(nodes.map((node) => node.id));
  const knots = stronglyConnectedComponents(order, edges)
    .filter((component) => component.length > 1)
    .map((component) => order.filter((id) => component.includes(id)))
    .sort((a, b) => order.indexOf(a[0]!) - order.indexOf(b[0]!));
  for (const members of knots) {
    const loop = shortestLoop(members[0]!, new Set(members), edges);
    const rest = members.filter((id) => !loop.includes(id));
    errors.push({
      code: 'cycle',
      stories: members,
      message: `cycle: ${[...loop, loop[0]].join(' → ')}${rest.length > 0 ? `; also caught in it: ${rest.join(', ')}` : ''}`,
    });
  }
  return errors;
}

/**
 * Tarjan's algorithm, iterative so a long chain of stories cannot overflow the call stack.
 * Returns the components in the order their roots finish; callers re-sort as they need.
 */
function stronglyConnectedComponents(
  order: readonly string[],
  edges: ReadonlyMap<string, string[]>,
): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of order) {
    if (index.has(root)) continue;
    // Each frame is a vertex and the position of the next neighbour to look at.
    const frames: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    lowLink.set(root, counter);
    counter++;
    stack.push(root);
    onStack.add(root);

    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const neighbours = edges.get(frame.id) ?? [];
      if (frame.next < neighbours.length) {
        const neighbour = neighbours[frame.next++]!;
        if (!index.has(neighbour)) {
          index.set(neighbour, counter);
          lowLink.set(neighbour, counter);
          counter++;
          stack.push(neighbour);
          onStack.add(neighbour);
          frames.push({ id: neighbour, next: 0 });
        } else if (onStack.has(neighbour)) {
          lowLink.set(frame.id, Math.min(lowLink.get(frame.id)!, index.get(neighbour)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) lowLink.set(parent.id, Math.min(lowLink.get(parent.id)!, lowLink.get(frame.id)!));
      if (lowLink.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component);
      }
    }
  }
  return components;
}

/**
 * The shortest loop from `start` back to itself inside `members` (breadth first, neighbours in the order
 * the plan lists them, so the same plan always reports the same loop). `start` must lie on a loop.
 */
function shortestLoop(
  start: string,
  members: ReadonlySet<string>,
  edges: ReadonlyMap<string, string[]>,
): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    for (const neighbour of edges.get(current) ?? []) {
      if (!members.has(neighbour)) continue;
      if (neighbour === start) {
        const path = [current];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(neighbour)) {
        previous.set(neighbour, current);
        queue.push(neighbour);
      }
    }
  }
  throw new Error(`story "${start}" lies on no loop`);
}

/** The status of a story in a map; absent (and inherited keys such as `constructor`) means pending. */
function statusOf(status: Readonly<Record<string, StoryStatus>>, id: string): StoryStatus {
  return Object.hasOwn(status, id) ? status[id]! : 'pending';
}

/**
 * The stories that may start now: pending, with every dependency done, in plan order, at most
 * `maxParallel` minus the number of running stories (never fewer than none). A dependency on an unknown
 * story is never done, so such a story never becomes ready.
 */
export function readyStories(
  nodes: readonly DagNode[],
  status: Readonly<Record<string, StoryStatus>>,
  maxParallel: number,
): string[] {
  const ids = unique(nodes.map((node) => node.id));
  const running = ids.filter((id) => statusOf(status, id) === 'running').length;
  const slots = Math.max(0, Math.floor(maxParallel) - running);
  const ready: string[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    if (ready.length >= slots) break;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    if (statusOf(status, node.id) !== 'pending') continue;
    if (
      node.depends_on.every(
        (dependency) => Object.hasOwn(status, dependency) && status[dependency] === 'done',
      )
    ) {
      ready.push(node.id);
    }
  }
  return ready;
}

/** Throws, naming every problem, when the nodes are not a valid DAG. */
function assertValid(nodes: readonly DagNode[], operation: string): void {
  const errors = validateDag(nodes);
  if (errors.length > 0) {
    throw new Error(
      `${operation} needs a valid plan graph: ${errors.map((error) => error.message).join('; ')}`,
    );
  }
}

/**
 * The ids in an order where every story comes after its dependencies; among the stories free to go next,
 * the one listed first in the plan goes first, so a plan already in dependency order is returned as is.
 * Throws when `validateDag` reports any problem.
 */
export function topologicalOrder(nodes: readonly DagNode[]): string[] {
  assertValid(nodes, 'topologicalOrder');
  const remaining = new Map(nodes.map((node) => [node.id, new Set(node.depends_on)] as const));
  const order: string[] = [];
  while (remaining.size > 0) {
    // A valid DAG always has a story whose dependencies are all placed; plans are small (the policy caps
    // them at 20 stories), so a scan per step is simpler than keeping in-degree counts.
    const next = nodes.find((node) => remaining.get(node.id)?.size === 0)!;
    order.push(next.id);
    remaining.delete(next.id);
    for (const dependencies of remaining.values()) dependencies.delete(next.id);
  }
  return order;
}

/**
 * The chain of dependent stories with the largest total estimate (absent estimates count 1): the least
 * wall time the plan can take with unlimited parallelism. `stories` runs from the first story to start to
 * the last; `length` is the sum of their estimates. Ties go to the story listed first in the plan, both
 * for the chain's end and for each step back along it. An empty plan gives `{ stories: [], length: 0 }`.
 * Throws when `validateDag` reports any problem.
 */
export function criticalPath(nodes: readonly DagNode[]): { stories: string[]; length: number } {
  assertValid(nodes, 'criticalPath');
  const byId = new Map(nodes.map((node) => [node.id, node] as const));
  const position = new Map(nodes.map((node, at) => [node.id, at] as const));
  const earlier = (a: string, b: string) => position.get(a)! < position.get(b)!;
  const longest = new Map<string, number>();
  const previous = new Map<string, string>();

  for (const id of topologicalOrder(nodes)) {
    const node = byId.get(id)!;
    let best: string | undefined;
    for (const dependency of node.depends_on) {
      const candidate = longest.get(dependency)!;
      const current = best === undefined ? -Infinity : longest.get(best)!;
      if (candidate > current || (candidate === current && best !== undefined && earlier(dependency, best))) {
        best = dependency;
      }
    }
    if (best !== undefined) previous.set(id, best);
    longest.set(id, (node.estimate ?? DEFAULT_ESTIMATE) + (best === undefined ? 0 : longest.get(best)!));
  }

  let end: string | undefined;
  for (const node of nodes) {
    if (end === undefined || longest.get(node.id)! > longest.get(end)!) end = node.id;
  }
  if (end === undefined) return { stories: [], length: 0 };
  const stories = [end];
  for (let step = previous.get(end); step !== undefined; step = previous.get(step)) stories.unshift(step);
  return { stories, length: longest.get(end)! };
}
