/**
 * The untrusted inputs the stages hand to agents, each under a label the stage writes. The agent runtime
 * sanitises and fences every one (core/sanitize); this module only decides what each input is called and
 * what goes in it. Pure.
 */
import type { UntrustedInput } from '../agent/conversation.js';
import type { HumanComment, IssueText } from '../github/issues.js';
import type { StageContext } from './context.js';

/** The issue (or story sub-issue) as the model reads it: title as a heading, then the body. */
export function issueInput(issue: IssueText, what: 'issue' | 'story'): UntrustedInput {
  return {
    label: `${what} #${issue.number}`,
    text: `# ${issue.title}\n\n${issue.body.trim() === '' ? '(no description)' : issue.body}`,
  };
}

/** The people's comments, one input each, so one long comment can't push the others out. */
export function commentInputs(issue: number, comments: readonly HumanComment[]): UntrustedInput[] {
  return comments.map((comment) => ({
    label: `comment on #${issue} by @${comment.author} at ${comment.createdAt}`,
    text: comment.body,
  }));
}

/**
 * What the app passed in the context, besides lessons (which go into the brief): the reason of a `/reject`
 * or `/retry`, the earlier questions with the `/clarify` answer, and the gate's blocking findings.
 */
export function contextInputs(context: StageContext): UntrustedInput[] {
  const inputs: UntrustedInput[] = [];
  if (context.reason !== undefined && context.reason.trim() !== '') {
    inputs.push({
      label: 'why this runs again (a /reject reason or an earlier failure)',
      text: context.reason,
    });
  }
  if (context.answer !== undefined && context.answer.trim() !== '') {
    const questions = (context.questions ?? [])
      .map((question, index) => `${index + 1}. ${question}`)
      .join('\n');
    inputs.push({
      label: 'clarification: the questions asked earlier and the answer a person gave with /clarify',
      text: `${questions === '' ? '' : `Questions:\n${questions}\n\n`}Answer:\n${context.answer}`,
    });
  }
  if (context.findings !== undefined && context.findings.length > 0) {
    inputs.push({
      label: 'review findings that blocked the release gate',
      text: context.findings.map((finding) => `- ${finding}`).join('\n'),
    });
  }
  return inputs;
}
