/** The texts of every comment the app writes. */
export { codeBlock, escapeLines, escapeText, inlineCode, login, truncate, visible } from './escape.js';
export { link, shortSha } from './links.js';
export { renderPlan } from './plan.js';
export { renderPost } from './posts.js';
export type { PostView } from './posts.js';
export { costLine, nextStep, renderStatus, renderTracking } from './status.js';
export type { CostLine, ItemView, RunLine, StoryLine } from './status.js';
export {
  renderConfigErrors,
  renderPaused,
  renderRefusal,
  renderRepositoryStatus,
  renderResumed,
} from './replies.js';
export { storyIssueBody, storyIssueTitle } from './story-issue.js';
export { renderFailingCheck, renderMergeReminder } from './reminders.js';
