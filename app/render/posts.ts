/**
 * The comments the state machine asks for (core's `post` effect): what happened, in a sentence people can
 * act on, with the particulars (reasons, findings, questions) quoted as untrusted text.
 */
import type { Plan } from '../../core/results.js';
import type { PostKind } from '../../core/workflow.js';
import { codeBlock, escapeLines, inlineCode } from './escape.js';
import { link } from './links.js';
import { renderPlan } from './plan.js';

export interface PostView {
  message: PostKind;
  /** Core's one-line particulars (a reason, a decision); untrusted. */
  detail?: string;
  /** Core's list (reasons, questions, story ids); untrusted. */
  items?: readonly string[];
  /** The workflow run a failure happened in. */
  runUrl?: string;
  /** What the comment is about. */
  subject: { kind: 'epic' | 'story'; issue: number; story?: string };
  /** The plan document, for `plan`. */
  plan?: Plan;
}

const quoted = (items: readonly string[] | undefined): string[] =>
  (items ?? []).map((item, index) => `${index + 1}. ${escapeLines(item, 2000)}`);

function about(subject: PostView['subject']): string {
  return subject.kind === 'story' && subject.story !== undefined
    ? `Story ${inlineCode(subject.story, 40)}`
    : 'This work';
}

/** The text of a `post` effect. */
export function renderPost(view: PostView): string {
  const who = about(view.subject);
  switch (view.message) {
    case 'plan':
      if (view.plan !== undefined) return renderPlan(view.subject.issue, view.plan);
      return [
        `### Plan for #${view.subject.issue}`,
        '',
        escapeLines(view.detail ?? '', 1000),
        '',
        'Reply `/approve` to start the stories, or `/reject <reason>` to plan again.',
      ].join('\n');
    case 'plan_rejected':
      return [
        'The plan was rejected and will be made again with the reason:',
        '',
        codeBlock(view.detail ?? '', 4000),
      ].join('\n');
    case 'questions':
      return [
        `${who} needs answers before it can go on:`,
        '',
        ...quoted(view.items),
        '',
        'Reply `/clarify <answers>`; the stage resumes with them.',
      ].join('\n');
    case 'ready_to_merge':
      return [
        `${who} is ready to merge: the release gate says ${escapeLines(view.detail ?? '', 300)}.`,
        ...(view.items !== undefined && view.items.length > 0 ? ['', ...quoted(view.items)] : []),
        '',
        'A person with write access can merge it with `/approve` (only while the release gate is green for the current head).',
      ].join('\n');
    case 'head_changed':
      return `${who}: ${escapeLines(view.detail ?? 'the head changed', 500)}.`;
    case 'blocked':
      return [
        `${who} is blocked: the release gate ${escapeLines(view.detail ?? 'blocked', 300)} and no automatic revision round is left.`,
        '',
        ...quoted(view.items),
        '',
        '`/clarify <text>` asks for a revision with your guidance; `/retry` sends the findings back to the developer.',
      ].join('\n');
    case 'merged':
      return `${who} was merged${view.detail === undefined ? '' : ` (${escapeLines(view.detail, 200)})`}; the default branch is being validated.`;
    case 'failed':
      return [
        `${who} failed${view.runUrl === undefined ? '' : ` in ${link('this workflow run', view.runUrl)}`}:`,
        '',
        codeBlock(view.detail ?? 'no reason given', 4000),
        ...(view.items !== undefined && view.items.length > 0 ? ['', ...quoted(view.items)] : []),
        '',
        '`/retry` runs it again.',
      ].join('\n');
    case 'done':
      return view.subject.kind === 'epic'
        ? `Done: every story of the plan is merged and validated${view.items === undefined ? '' : ` (${view.items.map((id) => inlineCode(id, 40)).join(', ')})`}.`
        : `${who} is done: merged and validated.`;
    case 'cancelled':
      return `${who} was cancelled; nothing more will run for it.`;
  }
}
