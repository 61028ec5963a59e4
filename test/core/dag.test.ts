import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  criticalPath,
  readyStories,
  STORY_STATUSES,
  topologicalOrder,
  validateDag,
  type DagNode,
  type StoryStatus,
} from '../../core/dag.js';

/** The plan of the brief: A; B→A; C→A; D→B,C (an arrow reads "depends on"). */
const PLAN: DagNode[] = [
  { id: 'A', depends_on: [] },
  { id: 'B', depends_on: ['A'] },
  { id: 'C', depends_on: ['A'] },
  { id: 'D', depends_on: ['B', 'C'] },
];

describe('validateDag', () => {
  it('accepts the plan A; B→A; C→A; D→B,C', () => {
    expect(validateDag(PLAN)).toEqual([]);
  });

  it('names a story defined twice', () => {
    expect(validateDag([...PLAN, { id: 'B', depends_on: [] }])).toEqual([
      { code: 'duplicate_id', stories: ['B'], message: 'story "B" is defined 2 times' },
    ]);
  });

  it('names a story that depends on itself', () => {
    expect(validateDag([{ id: 'A', depends_on: ['A'] }])).toEqual([
      { code: 'self_dependency', stories: ['A'], message: 'story "A" depends on itself' },
    ]);
  });

  it('names a dependency on an unknown story, and the story that has it', () => {
    expect(
      validateDag([
        { id: 'A', depends_on: [] },
        { id: 'B', depends_on: ['A', 'Z'] },
      ]),
    ).toEqual([
      { code: 'unknown_dependency', stories: ['B', 'Z'], message: 'story "B" depends on unknown story "Z"' },
    ]);
  });

  it('shows a cycle as the loop of stories', () => {
    expect(
      validateDag([
        { id: 'A', depends_on: ['B'] },
        { id: 'B', depends_on: ['C'] },
        { id: 'C', depends_on: ['A'] },
      ]),
    ).toEqual([{ code: 'cycle', stories: ['A', 'B', 'C'], message: 'cycle: A → B → C → A' }]);
  });

  it('shows the shortest loop through the first story and names the others caught in the same knot', () => {
    const errors = validateDag([
      { id: 'A', depends_on: ['B'] },
      { id: 'B', depends_on: ['C', 'A'] },
      { id: 'C', depends_on: ['B'] },
    ]);
    expect(errors).toEqual([
      { code: 'cycle', stories: ['A', 'B', 'C'], message: 'cycle: A → B → A; also caught in it: C' },
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const errors = validateDag([
      { id: 'A', depends_on: ['A'] },
      { id: 'B', depends_on: ['Y'] },
      { id: 'B', depends_on: [] },
      { id: 'C', depends_on: ['D'] },
      { id: 'D', depends_on: ['C'] },
      { id: 'E', depends_on: ['F', 'Z'] },
      { id: 'F', depends_on: ['E'] },
    ]);
    expect(errors.map((error) => [error.code, error.stories])).toEqual([
      ['duplicate_id', ['B']],
      ['self_dependency', ['A']],
      ['unknown_dependency', ['B', 'Y']],
      ['unknown_dependency', ['E', 'Z']],
      ['cycle', ['C', 'D']],
      ['cycle', ['E', 'F']],
    ]);
    expect(errors.map((error) => error.message)).toContain('cycle: E → F → E');
  });

  it('lists a repeated dependency once', () => {
    expect(validateDag([{ id: 'A', depends_on: ['Z', 'Z'] }])).toHaveLength(1);
  });
});

describe('readyStories', () => {
  it('starts with the stories that depend on nothing', () => {
    expect(readyStories(PLAN, {}, 2)).toEqual(['A']);
  });

  it('releases B and C once A is done, up to the limit, in plan order', () => {
    expect(readyStories(PLAN, { A: 'done' }, 2)).toEqual(['B', 'C']);
    expect(readyStories(PLAN, { A: 'done' }, 1)).toEqual(['B']);
  });

  it('counts running stories against the limit, never going below none', () => {
    expect(readyStories(PLAN, { A: 'done', B: 'running' }, 2)).toEqual(['C']);
    expect(readyStories(PLAN, { A: 'done', B: 'running' }, 1)).toEqual([]);
    expect(readyStories(PLAN, { A: 'running', B: 'running', C: 'running' }, 1)).toEqual([]);
    expect(readyStories(PLAN, {}, 0)).toEqual([]);
  });

  it('waits for every dependency of D to be done', () => {
    expect(readyStories(PLAN, { A: 'done', B: 'done', C: 'running' }, 3)).toEqual([]);
    expect(readyStories(PLAN, { A: 'done', B: 'done', C: 'failed' }, 3)).toEqual([]);
    expect(readyStories(PLAN, { A: 'done', B: 'done', C: 'done' }, 3)).toEqual(['D']);
  });

  it('never starts a story that is not pending, nor one depending on an unknown story', () => {
    expect(readyStories(PLAN, { A: 'failed' }, 3)).toEqual([]);
    expect(readyStories(PLAN, { A: 'cancelled' }, 3)).toEqual([]);
    expect(readyStories([{ id: 'X', depends_on: ['constructor'] }], {}, 3)).toEqual([]);
  });
});

describe('topologicalOrder', () => {
  it('keeps a plan that is already in dependency order', () => {
    expect(topologicalOrder(PLAN)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('puts dependencies first, otherwise following the plan order', () => {
    expect(topologicalOrder([...PLAN].reverse())).toEqual(['A', 'C', 'B', 'D']);
  });

  it('refuses a graph with problems, naming them', () => {
    expect(() =>
      topologicalOrder([
        { id: 'A', depends_on: ['B'] },
        { id: 'B', depends_on: ['A'] },
      ]),
    ).toThrow('topologicalOrder needs a valid plan graph: cycle: A → B → A');
  });
});

describe('criticalPath', () => {
  it('takes the first of equally long chains when estimates default to 1', () => {
    expect(criticalPath(PLAN)).toEqual({ stories: ['A', 'B', 'D'], length: 3 });
  });

  it('follows the larger estimates', () => {
    const weighted = PLAN.map((node) => (node.id === 'C' ? { ...node, estimate: 5 } : node));
    expect(criticalPath(weighted)).toEqual({ stories: ['A', 'C', 'D'], length: 7 });
  });

  it('may end at a story nothing depends on that is not last in the plan', () => {
    const plan: DagNode[] = [
      { id: 'A', depends_on: [], estimate: 8 },
      { id: 'B', depends_on: [], estimate: 2 },
      { id: 'C', depends_on: ['B'], estimate: 3 },
    ];
    expect(criticalPath(plan)).toEqual({ stories: ['A'], length: 8 });
  });

  it('is empty for an empty plan and refuses an invalid one', () => {
    expect(criticalPath([])).toEqual({ stories: [], length: 0 });
    expect(() => criticalPath([{ id: 'A', depends_on: ['Z'] }])).toThrow(
      'story "A" depends on unknown story "Z"',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

/** An acyclic plan: story i may depend only on stories with a lower index; then the list is shuffled. */
const acyclicPlan = fc
  .integer({ min: 1, max: 12 })
  .chain((size) =>
    fc.tuple(
      fc.tuple(
        ...Array.from({ length: size }, (_, index) =>
          fc.record({
            depends_on: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, index - 1) }), {
              maxLength: index === 0 ? 0 : index,
            }),
            estimate: fc.option(fc.integer({ min: 1, max: 13 }), { nil: undefined }),
          }),
        ),
      ),
      fc.shuffledSubarray(
        Array.from({ length: size }, (_, index) => index),
        { minLength: size, maxLength: size },
      ),
    ),
  )
  .map(([specs, order]) =>
    order.map((index): DagNode => {
      const spec = specs[index]!;
      return {
        id: `S${index}`,
        depends_on: spec.depends_on.map((dependency) => `S${dependency}`),
        ...(spec.estimate === undefined ? {} : { estimate: spec.estimate }),
      };
    }),
  );

describe('DAG properties', () => {
  it('accepts every acyclic plan; its order respects dependencies and its critical path is a chain', () => {
    fc.assert(
      fc.property(acyclicPlan, (plan) => {
        expect(validateDag(plan)).toEqual([]);
        const order = topologicalOrder(plan);
        expect([...order].sort()).toEqual(plan.map((node) => node.id).sort());
        for (const node of plan) {
          for (const dependency of node.depends_on) {
            expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(node.id));
          }
        }
        const path = criticalPath(plan);
        const byId = new Map(plan.map((node) => [node.id, node]));
        path.stories.slice(1).forEach((id, at) => {
          expect(byId.get(id)!.depends_on).toContain(path.stories[at]);
        });
        expect(path.length).toBe(path.stories.reduce((sum, id) => sum + (byId.get(id)!.estimate ?? 1), 0));
        expect(path.length).toBeGreaterThanOrEqual(Math.max(...plan.map((node) => node.estimate ?? 1)));
      }),
    );
  });

  it('refuses every plan with an injected cycle, naming both ends of it', () => {
    fc.assert(
      fc.property(
        acyclicPlan.filter((plan) => plan.length >= 2),
        fc.nat(),
        fc.nat(),
        (plan, first, second) => {
          const low = first % plan.length;
          const high = (low + 1 + (second % (plan.length - 1))) % plan.length;
          const [a, b] = [plan[low]!.id, plan[high]!.id];
          // a depends on b and b on a: a loop whatever the rest of the plan is.
          const cyclic = plan.map((node) =>
            node.id === a
              ? { ...node, depends_on: [...new Set([...node.depends_on, b])] }
              : node.id === b
                ? { ...node, depends_on: [...new Set([...node.depends_on, a])] }
                : node,
          );
          const cycles = validateDag(cyclic).filter((error) => error.code === 'cycle');
          expect(cycles.length).toBeGreaterThan(0);
          expect(cycles.some((error) => error.stories.includes(a) && error.stories.includes(b))).toBe(true);
          expect(() => topologicalOrder(cyclic)).toThrow('cycle: ');
        },
      ),
    );
  });

  it('never makes ready a story with an unfinished dependency, nor more than the free slots', () => {
    fc.assert(
      fc.property(
        acyclicPlan,
        fc.array(fc.constantFrom(...STORY_STATUSES), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 5 }),
        (plan, statuses, maxParallel) => {
          const status: Record<string, StoryStatus> = Object.fromEntries(
            plan.map((node, at) => [node.id, statuses[at]!]),
          );
          const ready = readyStories(plan, status, maxParallel);
          const running = plan.filter((node) => status[node.id] === 'running').length;
          const slots = Math.max(0, maxParallel - running);
          expect(ready.length).toBeLessThanOrEqual(slots);
          const eligible = plan
            .filter(
              (node) =>
                status[node.id] === 'pending' &&
                node.depends_on.every((dependency) => status[dependency] === 'done'),
            )
            .map((node) => node.id);
          // Exactly the first eligible stories in plan order: none with an unfinished dependency, none skipped.
          expect(ready).toEqual(eligible.slice(0, slots));
        },
      ),
    );
  });
});
