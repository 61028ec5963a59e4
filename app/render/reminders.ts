/** The heartbeat's notes: a pull request waiting for `/approve` too long, and failing CI on an AI branch. */
import { escapeText, inlineCode } from './escape.js';
import { link, shortSha } from './links.js';

export function renderMergeReminder(hours: number, headSha: string | undefined): string {
  return `This pull request has waited more than ${hours} ${hours === 1 ? 'hour' : 'hours'} for \`/approve\` (release gate green for ${shortSha(headSha)}). Merge it with \`/approve\`, ask for changes with \`/clarify <text>\`, or stop it with \`/cancel\`.`;
}

export function renderFailingCheck(
  name: string,
  conclusion: string,
  headSha: string,
  url: string | null,
): string {
  return `CI is failing on ${shortSha(headSha)}: ${link(inlineCode(name, 100), url)} concluded ${escapeText(conclusion, 40)}. The release gate will not pass while it fails; \`/clarify <text>\` asks the developer to fix it.`;
}
