/** Gradle stacks: the wrapper when tracked (else `gradle`), and the lint tasks of known plugins. */
import { joinPath, selfAndAncestors, upwardPrefix } from '../paths.js';
import type { RepoView } from '../repo-view.js';
import { hasAny } from '../repo-view.js';
import type { Stack } from '../types.js';

export const GRADLE_BUILD_FILES = ['build.gradle', 'build.gradle.kts'];
export const GRADLE_SETTINGS_FILES = ['settings.gradle', 'settings.gradle.kts'];

/** Lint tasks in order of preference, with the text that shows the plugin is applied. */
const LINT_TASKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/spotless/, 'spotlessCheck'],
  [/ktlint/, 'ktlintCheck'],
  [/detekt/, 'detekt'],
  [/checkstyle/, 'checkstyleMain'],
];

/** True when a parent folder has a settings file: `dir` is a subproject of that build. */
export function isGradleSubproject(view: RepoView, dir: string): boolean {
  return selfAndAncestors(dir)
    .slice(1)
    .some((parent) => hasAny(view, parent, GRADLE_SETTINGS_FILES));
}

/** The Gradle stack for the build in `dir` (a settings or build script). */
export function detectGradle(view: RepoView, dir: string): Stack {
  const wrapperDir = selfAndAncestors(dir).find((folder) => view.has(joinPath(folder, 'gradlew')));
  const gradle = wrapperDir === undefined ? 'gradle' : `${upwardPrefix(dir, wrapperDir)}gradlew`;
  const script = GRADLE_BUILD_FILES.map((name) => view.text(joinPath(dir, name)) ?? '').join('\n');
  const stack: Stack = {
    path: dir,
    kind: 'gradle',
    test: `${gradle} test`,
    build: `${gradle} assemble`,
    notes: [],
  };
  const lintTask = LINT_TASKS.find(([pattern]) => pattern.test(script))?.[1];
  if (lintTask) stack.lint = `${gradle} ${lintTask}`;
  if (wrapperDir === undefined) stack.notes.push('no Gradle wrapper (gradlew): needs gradle on the PATH');
  return stack;
}
