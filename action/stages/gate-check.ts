/**
 * What the release-gate check `ai-orchestrator/release-gate` shows (design §3, §5): the decision as its
 * conclusion (success approved, neutral skipped, failure blocked), a table of the reviewers (role, required,
 * status, findings, what they said), the reasons, and the facts the decision was made on. Reviewer text
 * is model text, so every cell and reason is escaped. Pure.
 */
import type { GateDecision, GateReviewerRow, TestResults } from '../../core/results.js';
import type { CheckConclusion, CheckOutput } from '../github/checks.js';
import { bounded, inlineText, table } from './markdown.js';

const CONCLUSIONS: Record<GateDecision['decision'], CheckConclusion> = {
  approved: 'success',
  skipped: 'neutral',
  blocked: 'failure',
};

/** How a reviewer's status reads in the table: "could not run" is said as such, never as a verdict. */
const STATUS_TEXT: Record<GateReviewerRow['status'], string> = {
  pass: 'pass',
  concerns: 'concerns',
  block: 'block',
  missing: 'missing (no verdict for this head)',
  error: 'could not run',
  unreadable: 'unreadable verdict',
  stale: 'stale (reviewed another head)',
  conflicting: 'conflicting verdicts',
};

export interface GateFacts {
  headSha: string;
  tests: TestResults | undefined;
  changedFiles: number;
  aiAuthored: boolean;
  /** Problems met while reading the reviewer checks (a damaged document, a role mismatch). */
  readingNotes: readonly string[];
}

/** The conclusion and output of the gate check for `decision`. */
export function gateCheck(
  decision: GateDecision,
  facts: GateFacts,
): { conclusion: CheckConclusion; output: CheckOutput } {
  // Roles are the policy's names (one of four), not model text; summaries are model text.
  const rows = decision.reviewers.map((row) => [
    row.role,
    row.required ? 'yes' : 'no',
    STATUS_TEXT[row.status],
    String(row.findings),
    row.summary === undefined ? '' : inlineText(row.summary, 300),
  ]);
  const tests =
    facts.tests === undefined
      ? 'none for this head'
      : `${facts.tests.passed} passed, ${facts.tests.failed} failed`;
  const summary = [
    `The release gate **${decision.decision}** head \`${facts.headSha.slice(0, 7)}\`. It counts for this commit only; a new push needs a new decision.`,
    '',
    rows.length === 0
      ? 'No reviewer is configured.'
      : table(['reviewer', 'required', 'status', 'findings', 'what it said'], rows),
    '',
    '### Reasons',
    '',
    ...(decision.reasons.length === 0
      ? ['None.']
      : decision.reasons.map((reason) => `- ${inlineText(reason, 1000)}`)),
    '',
    '### Decided on',
    '',
    `- tests: ${tests}`,
    `- changed files: ${facts.changedFiles}`,
    `- written by the orchestrator: ${facts.aiAuthored ? 'yes' : 'no'}`,
    ...facts.readingNotes.map((note) => `- ${inlineText(note, 500)}`),
  ].join('\n');
  const blocking = decision.reviewers.filter(
    (row) => row.required && row.status !== 'pass' && row.status !== 'concerns',
  );
  return {
    conclusion: CONCLUSIONS[decision.decision],
    output: {
      title:
        decision.decision === 'blocked' && blocking.length > 0
          ? `blocked: ${blocking.map((row) => `${row.role} ${STATUS_TEXT[row.status]}`).join(', ')}`.slice(
              0,
              200,
            )
          : decision.decision,
      summary: bounded(summary),
    },
  };
}

/** The gate check of a gate that could not decide: a failure, so nothing merges on it. */
export function gateErrorCheck(reason: string): { conclusion: CheckConclusion; output: CheckOutput } {
  return {
    conclusion: 'failure',
    output: {
      title: 'the release gate could not decide',
      summary: `The release gate could not decide, so it blocks: ${inlineText(reason, 4000)}\n\nRun \`/retry\` to try again.`,
    },
  };
}
