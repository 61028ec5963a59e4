/** Maven stacks: `mvn -B` or the project's Maven wrapper, and the lint plugins the pom configures. */
import { joinPath, relativeTo, selfAndAncestors, upwardPrefix } from '../paths.js';
import type { RepoView } from '../repo-view.js';
import type { Stack } from '../types.js';

/**
 * True when a parent folder's pom.xml lists `dir` as one of its `<module>`s: the module is built and
 * tested by that reactor, so it is not a stack of its own.
 */
export function isMavenModule(view: RepoView, dir: string): boolean {
  for (const parent of selfAndAncestors(dir).slice(1)) {
    const pom = view.text(joinPath(parent, 'pom.xml'));
    if (pom === undefined) continue;
    const rel = relativeTo(parent, dir);
    for (const match of pom.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)) {
      if ((match[1] as string).replace(/^\.\//, '').replace(/\/$/, '') === rel) return true;
    }
  }
  return false;
}

/** The Maven stack for the pom.xml in `dir`; `./mvnw` (or `../mvnw`) when a wrapper script is tracked. */
export function detectMaven(view: RepoView, dir: string): Stack {
  const wrapperDir = selfAndAncestors(dir).find((folder) => view.has(joinPath(folder, 'mvnw')));
  const mvn = wrapperDir === undefined ? 'mvn' : `${upwardPrefix(dir, wrapperDir)}mvnw`;
  const pom = view.text(joinPath(dir, 'pom.xml')) ?? '';
  const stack: Stack = {
    path: dir,
    kind: 'maven',
    test: `${mvn} -B test`,
    build: `${mvn} -B -DskipTests package`,
    notes: [],
  };
  if (pom.includes('spotless-maven-plugin')) stack.lint = `${mvn} -B spotless:check`;
  else if (pom.includes('maven-checkstyle-plugin')) stack.lint = `${mvn} -B checkstyle:check`;
  if (wrapperDir === undefined) stack.notes.push('no Maven wrapper (mvnw): needs mvn on the PATH');
  return stack;
}
