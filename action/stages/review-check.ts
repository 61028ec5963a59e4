/**
 * The reviewer check `ai-orchestrator/review: <role>` (design §3): what it shows people (the verdict, the
 * findings as a table and as annotations on the lines they are about) and what it carries for the release
 * gate (the verdict, or the "could not run" error, as a hidden document). Pure.
 *
 * The conclusion says what the reviewer said: success for pass, neutral for concerns, failure for block
 * and for a reviewer that could not run, which is never read as a yes.
 */
import { ReviewerErrorSchema, VerdictSchema } from '../../core/results.js';
import type { Finding, ReviewerError, Verdict } from '../../core/results.js';
import type { ReviewerRole } from '../../core/roles.js';
import { REVIEWER_ROLES, reviewCheckName } from '../../core/roles.js';
import type { CheckAnnotation, CheckConclusion, CheckOutput } from '../github/checks.js';
import { embedDocument } from '../github/embedded-document.js';
import { bounded, inlineText, MAX_CHECK_TEXT, table } from './markdown.js';

const CONCLUSIONS: Record<Verdict['status'], CheckConclusion> = {
  pass: 'success',
  concerns: 'neutral',
  block: 'failure',
};

const LEVELS: Record<Finding['severity'], CheckAnnotation['annotation_level']> = {
  info: 'notice',
  minor: 'warning',
  major: 'failure',
  blocker: 'failure',
};

/** The role a check name is for, when it is a reviewer check of a known role. */
export function roleOfCheck(name: string): ReviewerRole | undefined {
  return REVIEWER_ROLES.find((role) => reviewCheckName(role) === name);
}

/**
 * The hidden document of a reviewer document that fits GitHub's limit of `output.text` next to
 * `visibleChars` of visible text. A verdict whose findings are too long keeps every finding (severity,
 * file, line, category: all the gate reads) with its message shortened, in steps, until it fits; a verdict
 * that can't fit even then is replaced by an error document, which blocks.
 */
export function reviewerDocumentMarker(document: Verdict | ReviewerError, visibleChars: number): string {
  const room = MAX_CHECK_TEXT - visibleChars - 2;
  const fits = (value: Verdict | ReviewerError) => {
    const marker = embedDocument('reviewer-document', value);
    return marker.length <= room ? marker : undefined;
  };
  const whole = fits(document);
  if (whole !== undefined) return whole;
  if ('status' in document) {
    for (const max of [1000, 300, 100]) {
      const shortened = VerdictSchema.parse({
        ...document,
        findings: document.findings.map((finding) => ({
          ...finding,
          message: finding.message.length > max ? `${finding.message.slice(0, max - 1)}…` : finding.message,
        })),
      });
      const marker = fits(shortened);
      if (marker !== undefined) return marker;
    }
  }
  const error = ReviewerErrorSchema.parse({
    role: document.role,
    ...(document.head_sha === undefined ? {} : { head_sha: document.head_sha }),
    error: 'the verdict is too large to publish in a check run',
  });
  return embedDocument('reviewer-document', error);
}

/** The annotations of the findings that name a file and a line the check's commit has. */
export function findingAnnotations(
  findings: readonly Finding[],
  exists: (file: string) => boolean,
): CheckAnnotation[] {
  return findings
    .filter((finding) => finding.file !== undefined && finding.line !== undefined && exists(finding.file))
    .map((finding) => ({
      path: finding.file as string,
      start_line: finding.line as number,
      end_line: finding.line as number,
      annotation_level: LEVELS[finding.severity],
      title: `${finding.severity}: ${finding.category}`.slice(0, 255),
      message: finding.message.slice(0, 64_000),
    }));
}

/** What the reviewer check shows and carries for a verdict. */
export function verdictCheck(verdict: Verdict): { conclusion: CheckConclusion; output: CheckOutput } {
  const rows = verdict.findings.map((finding) => [
    finding.severity,
    inlineText(finding.category, 100),
    finding.file === undefined
      ? ''
      : `\`${inlineText(`${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}`, 200).replace(/`/g, "'")}\``,
    inlineText(finding.message, 600),
  ]);
  const summary = bounded(
    [
      `**${verdict.role}** reviewed ${verdict.head_sha.slice(0, 7)}: **${verdict.status}**.`,
      '',
      inlineText(verdict.summary, 4000),
      '',
      rows.length === 0 ? 'No findings.' : table(['severity', 'category', 'where', 'finding'], rows),
    ].join('\n'),
  );
  const visible = 'The verdict, as the release gate reads it, is in this check run.';
  return {
    conclusion: CONCLUSIONS[verdict.status],
    output: {
      title: `${verdict.status}: ${verdict.findings.length} finding${verdict.findings.length === 1 ? '' : 's'}`,
      summary,
      text: `${visible}\n\n${reviewerDocumentMarker(verdict, visible.length)}`,
    },
  };
}

/** What the reviewer check shows and carries when the reviewer could not run: a failure that says so. */
export function errorCheck(error: ReviewerError): { conclusion: CheckConclusion; output: CheckOutput } {
  const visible = 'The reviewer could not run; the release gate reads this as a block, never as a pass.';
  return {
    conclusion: 'failure',
    output: {
      title: 'could not run',
      summary: `**${error.role}** could not run: ${inlineText(error.error, 4000)}\n\nRun \`/retry\` to run the reviewers again.`,
      text: `${visible}\n\n${reviewerDocumentMarker(error, visible.length)}`,
    },
  };
}
