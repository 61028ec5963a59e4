/** Makefiles: `make test` / `make lint` / `make build` only for targets the Makefile defines. */
import { joinPath } from '../paths.js';
import type { RepoView } from '../repo-view.js';
import type { Stack } from '../types.js';

export const MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile'];

/**
 * The explicit targets a Makefile defines (`name:` or `a b::` at the start of a line). Variable
 * assignments (`x := 1`), special targets (`.PHONY`), pattern rules (`%.o:`) and recipe lines are not
 * targets.
 */
export function makeTargets(text: string): Set<string> {
  const targets = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('\t') || line.startsWith('#')) continue;
    const match = /^([^:#=\s][^:#=]*?)\s*::?(?!=)/.exec(line);
    if (!match) continue;
    for (const name of (match[1] as string).split(/\s+/)) {
      if (name && !name.startsWith('.') && !name.includes('%') && !name.includes('$')) targets.add(name);
    }
  }
  return targets;
}

/**
 * The Make stack for the Makefile in `dir`, or undefined when it defines none of the targets a
 * developer would run (test/check, lint, build/all, typecheck): a docs Makefile is not a stack.
 */
export function detectMake(view: RepoView, dir: string): Stack | undefined {
  const name = MAKEFILE_NAMES.find((n) => view.text(joinPath(dir, n)) !== undefined);
  if (!name) return undefined;
  const targets = makeTargets(view.text(joinPath(dir, name)) ?? '');
  // make itself looks for GNUmakefile, makefile, Makefile in that order, so plain `make` finds this one.
  const make = 'make';
  const stack: Stack = { path: dir, kind: 'make', notes: [] };
  const test = ['test', 'check', 'tests'].find((t) => targets.has(t));
  if (test) stack.test = `${make} ${test}`;
  if (targets.has('lint')) stack.lint = `${make} lint`;
  if (targets.has('build')) stack.build = `${make} build`;
  else if (targets.has('all')) stack.build = make;
  if (targets.has('typecheck')) stack.typecheck = `${make} typecheck`;
  if (!stack.test && !stack.lint && !stack.build && !stack.typecheck) return undefined;
  if (!stack.test) stack.notes.push(`${name} has no test or check target: no test command`);
  return stack;
}
