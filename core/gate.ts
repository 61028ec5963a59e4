/**
 * The release gate: a deterministic fold of the reviewers' verdicts, the test results and the policy into
 * one decision, `approved`, `skipped` or `blocked`, with the reasons (design §5). Code, not a model.
 *
 * It fails closed: a reviewer that is missing, could not run, wrote something unreadable, reviewed another
 * head or said two different things is never read as a yes (security checklist item 26).
 */
import picomatch from 'picomatch';
import type { Policy } from './policy.js';
import { readReviewerDocument, severityRank, TestResultsSchema } from './results.js';
import type { Finding, GateDecision, GateReviewerRow, ReviewerError, Verdict } from './results.js';
import { REVIEWER_ROLES } from './roles.js';

export type { GateDecision, GateReviewerRow } from './results.js';

export interface GateInput {
  /** The raw reviewer documents, as parsed from JSON; each is validated here. */
  verdicts: unknown[];
  /** The test results of the head; absent when no tests ran or none were reported. */
  tests?: { passed: number; failed: number };
  /** The files the pull request changes, repository-relative; used by `gate.skip.paths`. */
  changed_files?: string[];
  /** The head under decision; when absent, the head the readable documents agree on. */
  head_sha?: string;
  /** Whether the orchestrator wrote the pull request; used by `gate.skip.non_ai_authored`. */
  ai_authored?: boolean;
}

/** A reason and how much it weighs: a hard block survives a skip, a block does not, a note never blocks. */
type Weight = 'hard' | 'block' | 'note';
interface Reason {
  weight: Weight;
  text: string;
}

/** Everything the documents said about one reviewer role. */
interface RoleDocuments {
  verdicts: Verdict[];
  errors: ReviewerError[];
  unreadable: string[];
}

/** A reviewer row with the current-head verdicts that back it, for the status and finding checks. */
interface RoleAssessment {
  row: GateReviewerRow;
  current: Verdict[];
  problem?: string;
}

const SHORT_SHA = 7;
const SNIPPET = 160;
const FINDINGS_LISTED = 3;

/**
 * Folds reviewer documents, test results and changed files into the gate decision under `policy.gate` and
 * `policy.review.reviewers`. Never throws for any `input.verdicts` content; deterministic: the same input
 * gives the same decision, reasons in the same order (blocking reasons first, then notes).
 *
 * `approved` only when every required reviewer has exactly one readable pass/concerns verdict on the head
 * (concerns only if `gate.concerns` is `allow`), no current verdict blocks, no finding reaches
 * `gate.block_on_severity`, no test failed and every readable document is for one head.
 */
export function foldGate(input: GateInput, policy: Policy): GateDecision {
  const reasons: Reason[] = [];
  const byRole = new Map<string, RoleDocuments>();
  const documentsOf = (role: string): RoleDocuments => {
    let documents = byRole.get(role);
    if (!documents) byRole.set(role, (documents = { verdicts: [], errors: [], unreadable: [] }));
    return documents;
  };

  input.verdicts.forEach((raw, index) => {
    const document = readReviewerDocument(raw);
    if (document.kind === 'verdict') documentsOf(document.verdict.role).verdicts.push(document.verdict);
    else if (document.kind === 'error') documentsOf(document.error.role).errors.push(document.error);
    else {
      const role = claimedRole(raw);
      const why = snippet(document.errors.slice(0, 2).join('; '));
      if (role) documentsOf(role).unreadable.push(why);
      else {
        // Nobody can say whose it was, so it could have been a required reviewer's "block".
        reasons.push({ weight: 'block', text: `verdict #${index + 1} unreadable: ${why}` });
      }
    }
  });

  const head = decideHead(input.head_sha, byRole, reasons);
  const assessments = assessReviewers(policy, byRole, head);
  for (const { row, problem } of assessments) {
    if (problem) {
      reasons.push(
        row.required
          ? { weight: 'block', text: `required reviewer ${row.role} ${problem}` }
          : { weight: 'note', text: `optional reviewer ${row.role} ${problem} (does not block)` },
      );
    }
  }
  reasons.push(...judgeVerdicts(assessments, policy));
  reasons.push(...judgeTests(input.tests, policy));

  const reviewers = assessments.map((assessment) => assessment.row);
  const blocking = reasons.filter((reason) => reason.weight !== 'note');
  const hard = blocking.some((reason) => reason.weight === 'hard');
  const skips = hard ? [] : skipReasons(input, policy);
  const notes = reasons.filter((reason) => reason.weight === 'note').map((reason) => reason.text);
  const decided = (decision: GateDecision['decision'], texts: string[]): GateDecision => ({
    decision,
    reasons: texts,
    ...(head === undefined ? {} : { head_sha: head }),
    reviewers,
  });

  if (skips.length > 0) {
    return decided('skipped', [
      ...skips,
      ...blocking.map((reason) => `waived by the skip: ${reason.text}`),
      ...notes,
    ]);
  }
  if (blocking.length > 0) return decided('blocked', [...blocking.map((reason) => reason.text), ...notes]);
  return decided('approved', [approvalHeadline(reviewers, head), ...notes]);
}

/** The role a document claims, when it names a known reviewer role; read without invoking getters. */
function claimedRole(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const role: unknown = Object.getOwnPropertyDescriptor(raw, 'role')?.value;
  return typeof role === 'string' && (REVIEWER_ROLES as readonly string[]).includes(role) ? role : undefined;
}

/**
 * The head under decision: the given one, else the one every readable document names. When the documents
 * name several heads and none was given, there is no head and the disagreement blocks.
 */
function decideHead(
  given: string | undefined,
  byRole: ReadonlyMap<string, RoleDocuments>,
  reasons: Reason[],
): string | undefined {
  if (given !== undefined) return given;
  const named = new Set<string>();
  for (const documents of byRole.values()) {
    for (const verdict of documents.verdicts) named.add(verdict.head_sha);
    for (const error of documents.errors) if (error.head_sha !== undefined) named.add(error.head_sha);
  }
  if (named.size > 1) {
    reasons.push({
      weight: 'block',
      text: `verdicts are for different heads: ${[...named].sort().join(', ')}`,
    });
    return undefined;
  }
  return [...named][0];
}

/**
 * One row per configured reviewer (policy order), then one per other role seen (roles.ts order, not
 * required). A verdict counts for the head only when it names exactly that SHA: an abbreviation is not
 * matched by prefix, because a commit sharing a 7-digit prefix can be made on purpose. Without a head
 * (the documents disagree) every document is taken as current, and the disagreement blocks already.
 *
 * Worst state wins for a role, since documents carry no time to tell which came last: unreadable, then
 * conflicting (two different verdicts, or a verdict and an error, for the head), error, the verdict's
 * status, stale (only other heads), missing.
 */
function assessReviewers(
  policy: Policy,
  byRole: ReadonlyMap<string, RoleDocuments>,
  head: string | undefined,
): RoleAssessment[] {
  const configured = policy.review.reviewers.map((reviewer) => ({
    role: reviewer.role,
    required: reviewer.required,
  }));
  const extra = REVIEWER_ROLES.filter(
    (role) => byRole.has(role) && !configured.some((reviewer) => reviewer.role === role),
  ).map((role) => ({ role, required: false }));

  return [...configured, ...extra].map(({ role, required }) => {
    const documents = byRole.get(role) ?? { verdicts: [], errors: [], unreadable: [] };
    const isCurrent = (sha: string | undefined) => head === undefined || sha === undefined || sha === head;
    const current = distinct(documents.verdicts.filter((verdict) => isCurrent(verdict.head_sha)));
    const errors = documents.errors.filter((error) => isCurrent(error.head_sha));
    const findings = current.reduce((total, verdict) => total + verdict.findings.length, 0);
    const at = head === undefined ? 'the head' : short(head);
    const row = (status: GateReviewerRow['status'], summary: string | undefined, problem?: string) => ({
      row: { role, required, status, findings, ...(summary === undefined ? {} : { summary }) },
      current,
      ...(problem === undefined ? {} : { problem }),
    });

    const [firstUnreadable] = documents.unreadable;
    if (firstUnreadable !== undefined) {
      return row('unreadable', firstUnreadable, `returned an unreadable verdict: ${firstUnreadable}`);
    }
    if (current.length > 1) {
      const what = `${current.length} different verdicts for ${at} (${current.map((v) => v.status).join(', ')})`;
      return row('conflicting', what, `gave ${what}`);
    }
    const [verdict] = current;
    const [error] = errors;
    if (verdict && error) {
      const what = `both a verdict (${verdict.status}) and an error for ${at}`;
      return row('conflicting', what, `gave ${what}`);
    }
    if (error) {
      const what = `could not run: ${snippet(error.error)}`;
      return row('error', what, what);
    }
    if (verdict) return row(verdict.status, snippet(verdict.summary));
    const stale = [
      ...documents.verdicts.map((v) => v.head_sha),
      ...documents.errors.flatMap((e) => (e.head_sha === undefined ? [] : [e.head_sha])),
    ];
    if (stale.length > 0) {
      const what = `ran on ${[...new Set(stale)].sort().map(short).join(', ')}, not ${at}`;
      return row('stale', what, `is stale: ${what}`);
    }
    return row('missing', undefined, `is missing: no verdict for ${at}`);
  });
}

/** What the verdicts on the head say, whatever the reviewer's row: block verdicts, severe findings, concerns. */
function judgeVerdicts(assessments: readonly RoleAssessment[], policy: Policy): Reason[] {
  const reasons: Reason[] = [];
  const threshold = severityRank(policy.gate.block_on_severity);
  for (const { row, current } of assessments) {
    for (const verdict of current) {
      if (verdict.status === 'block') {
        reasons.push({ weight: 'hard', text: `${row.role} blocks: ${snippet(verdict.summary)}` });
      }
      const severe = verdict.findings.filter((finding) => severityRank(finding.severity) >= threshold);
      if (severe.length > 0) {
        const listed = severe.slice(0, FINDINGS_LISTED).map(describeFinding).join('; ');
        const more = severe.length > FINDINGS_LISTED ? `; and ${severe.length - FINDINGS_LISTED} more` : '';
        reasons.push({
          weight: 'hard',
          text: `${row.role} reported ${plural(severe.length, 'finding')} at or above ${policy.gate.block_on_severity}: ${listed}${more}`,
        });
      }
      if (verdict.status === 'concerns') {
        const found = plural(verdict.findings.length, 'finding');
        reasons.push(
          policy.gate.concerns === 'block'
            ? {
                weight: 'block',
                text: `${row.role} has concerns (${found}) and the policy blocks on concerns`,
              }
            : { weight: 'note', text: `concerns allowed by policy: ${row.role} (${found})` },
        );
      }
    }
  }
  return reasons;
}

/** Failed tests always block; missing results block only when the policy requires them. */
function judgeTests(tests: GateInput['tests'], policy: Policy): Reason[] {
  if (tests !== undefined) {
    const parsed = TestResultsSchema.safeParse(tests);
    if (!parsed.success)
      return [{ weight: 'hard', text: 'test results unreadable: expected counts {passed, failed}' }];
    const { passed, failed } = parsed.data;
    if (failed > 0) return [{ weight: 'hard', text: `${plural(failed, 'test')} failed (${passed} passed)` }];
    if (passed > 0) return [{ weight: 'note', text: `${plural(passed, 'test')} passed` }];
  }
  return policy.gate.require_test_results
    ? [{ weight: 'block', text: 'no test results, and the policy requires them' }]
    : [{ weight: 'note', text: 'no test results (not required by policy)' }];
}

/**
 * Why the gate may be skipped: a pull request the orchestrator did not write, or one whose every changed
 * file matches `gate.skip.paths` (dotfiles included). A change with no files listed is never skipped by path.
 */
function skipReasons(input: GateInput, policy: Policy): string[] {
  const reasons: string[] = [];
  const { skip } = policy.gate;
  if (skip.non_ai_authored && input.ai_authored === false) {
    reasons.push('skipped: the pull request was not written by the orchestrator');
  }
  const files = input.changed_files ?? [];
  if (skip.paths.length > 0 && files.length > 0) {
    const matches = picomatch(skip.paths, { dot: true });
    if (files.every((file) => matches(file))) {
      reasons.push(`skipped: every changed file (${files.length}) matches ${skip.paths.join(', ')}`);
    }
  }
  return reasons;
}

function approvalHeadline(reviewers: readonly GateReviewerRow[], head: string | undefined): string {
  const required = reviewers.filter((row) => row.required).length;
  if (required === 0) return 'approved: the policy requires no reviewer';
  const on = head === undefined ? '' : ` on ${short(head)}`;
  return required === 1
    ? `the 1 required reviewer passed${on}`
    : `all ${required} required reviewers passed${on}`;
}

/** Identical verdicts (a redelivered artifact) count once; key order does not make two verdicts differ. */
function distinct(verdicts: readonly Verdict[]): Verdict[] {
  const seen = new Map<string, Verdict>();
  for (const verdict of verdicts) {
    const key = canonicalJson(verdict);
    if (!seen.has(key)) seen.set(key, verdict);
  }
  return [...seen.values()];
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function describeFinding(finding: Finding): string {
  const where =
    finding.file === undefined
      ? ''
      : ` at ${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}`;
  return `${finding.severity}${where}: ${snippet(finding.message)}`;
}

const short = (sha: string): string => sha.slice(0, SHORT_SHA);

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Model text in a reason: one line, bounded, so a verdict can't flood or reshape the check summary. */
function snippet(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > SNIPPET ? `${line.slice(0, SNIPPET - 3)}...` : line;
}
