/**
 * The checks `/approve` on a pull request needs besides the state machine's guard, made against GitHub as
 * it is now (checklist 10, 18, 21): the pull request read again (its current head, not the payload's), and
 * the release-gate check run on that head created by this app and green. A gate check of the same name
 * from another app, or a commit status, does not count.
 */
import type { StoryItem, WorkflowEvent } from '../../core/workflow.js';
import type { GitHub } from '../github/index.js';

export type MergeGate =
  | { ok: true }
  /** `event`: what the item should hear instead (its head moved, so the gate must run again). */
  | { ok: false; reason: string; event?: WorkflowEvent };

const short = (sha: string | undefined): string => (sha === undefined ? '(none)' : sha.slice(0, 7));

/**
 * Whether `approver` may merge the story's pull request now. Only meaningful while the story awaits merge
 * approval; in any other state the state machine's own refusal is the better answer, so this says ok.
 */
export async function checkMergeGate(github: GitHub, story: StoryItem, approver: string): Promise<MergeGate> {
  if (story.state !== 'awaiting_merge_approval' || story.pr === undefined) return { ok: true };
  const pull = await github.pull(story.pr);
  if (pull.merged) return { ok: false, reason: `pull request #${pull.number} is already merged` };
  if (pull.state !== 'open') return { ok: false, reason: `pull request #${pull.number} is closed` };
  if (pull.author !== null && pull.author.toLowerCase() === approver.toLowerCase()) {
    return {
      ok: false,
      reason: `${approver} opened pull request #${pull.number}; someone else has to approve it`,
    };
  }
  if (pull.headSha !== story.head_sha) {
    return {
      ok: false,
      reason: `the head moved to ${short(pull.headSha)} after the release gate ran on ${short(story.head_sha)}; the release gate now runs on the new head, then /approve again`,
      event: { type: 'head_pushed', head_sha: pull.headSha, by_human: true },
    };
  }
  const gate = await github.releaseGateOn(pull.headSha);
  switch (gate.state) {
    case 'green':
      return { ok: true };
    case 'missing':
      return {
        ok: false,
        reason: `there is no ai-orchestrator/release-gate check run from this app on the current head ${short(pull.headSha)}${
          gate.others > 0 ? ` (${gate.others} of that name from another app do not count)` : ''
        }`,
      };
    case 'not_green':
      return {
        ok: false,
        reason: `the release gate on the current head ${short(pull.headSha)} is ${gate.status}${gate.conclusion === null ? '' : ` with conclusion ${gate.conclusion}`}, not success`,
      };
  }
}
