/** Context assembly: the public surface the actions and the CLI use. */
export { assembleContext, MAX_RELEVANT_FILES } from './assemble.js';
export type { AssembleOptions } from './assemble.js';
export { MAX_BRIEF_LINES, renderBrief } from './brief.js';
export { detectStacks } from './stacks/detect.js';
export { detectConventions } from './conventions.js';
export { createRepoView } from './repo-view.js';
export type { RepoView } from './repo-view.js';
export { listTrackedFiles } from './tracked-files.js';
export type { TrackedFiles } from './tracked-files.js';
export { MAX_LESSONS, normalizeLessons, TooManyLessonsError } from './lessons.js';
export { summarizeDiff } from './diff.js';
export { extractStoryTerms } from './story-terms.js';
export type * from './types.js';
