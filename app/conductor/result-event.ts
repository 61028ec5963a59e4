/**
 * What a finished run means for its item, decided from the run and its result document alone (pure):
 * the workflow event to apply, the plan to keep, and the usage to record. Anything short of a valid result
 * of the right stage, for the right run, repository and issue, is a `stage_failed` naming what was wrong
 * and linking the run: a run never ends in a silent success.
 */
import { parseStageResult } from '../../core/results.js';
import type { Plan, StageResult, Usage } from '../../core/results.js';
import type { FailingStage, WorkflowEvent, WorkItem } from '../../core/workflow.js';
import type { NewUsage } from '../store/index.js';
import type { ResultDocument } from '../github/artifacts.js';

/** The stage of the result document each dispatched stage ends with (the review run ends with the gate). */
export const RESULT_STAGE: Readonly<Record<string, StageResult['stage']>> = {
  plan: 'plan',
  implement: 'implement',
  review: 'release-gate',
  validate: 'validate',
};

/** The role usage is booked to when a result gives only totals. */
const DEFAULT_ROLE: Readonly<Record<StageResult['stage'], string>> = {
  plan: 'planner',
  implement: 'developer',
  review: 'reviewers',
  'release-gate': 'reviewers',
  validate: 'validator',
};

export interface FinishedRun {
  id: number;
  url: string;
  /** GitHub's conclusion: success, failure, cancelled, timed_out… */
  conclusion: string | null;
}

export interface RunOutcome {
  event: WorkflowEvent;
  plan?: Plan;
  usage: NewUsage[];
}

export interface RunContext {
  repository: string;
  itemId: string;
  runKey: string;
  /** The dispatched stage: plan, implement, review or validate. */
  stage: string;
  item: WorkItem;
}

const failingStage = (stage: string): FailingStage =>
  stage === 'plan' || stage === 'implement' || stage === 'review' || stage === 'validate' ? stage : 'review';

/** The event of a finished run (see the module doc). */
export function outcomeOfRun(context: RunContext, run: FinishedRun, document: ResultDocument): RunOutcome {
  const fail = (reason: string): RunOutcome => ({
    event: { type: 'stage_failed', stage: failingStage(context.stage), reason, run_url: run.url },
    usage: [],
  });
  const concluded = run.conclusion ?? 'no conclusion';
  if (!document.ok)
    return fail(`the ${context.stage} run ended (${concluded}) without a valid result: ${document.reason}`);
  const parsed = parseStageResult(document.document);
  if (!parsed.ok) {
    const shown = parsed.errors.slice(0, 10);
    return fail(
      `the ${context.stage} run ended (${concluded}) with an invalid result document: ${shown.join('; ')}${parsed.errors.length > shown.length ? `; and ${parsed.errors.length - shown.length} more` : ''}`,
    );
  }
  const result = parsed.result;
  const usage = usageRows(context, result);
  const mismatch = mismatchOf(context, result);
  if (mismatch !== undefined)
    return { ...fail(`the ${context.stage} run's result does not belong to it: ${mismatch}`), usage };
  const outcome = result.outcome;
  if (outcome.status === 'failed') return { ...fail(outcome.reason), usage };
  if (outcome.status === 'needs_clarification')
    return { event: { type: 'questions', questions: [...outcome.questions] }, usage };
  // A blocked gate may fail its job on purpose (a red run next to the red check); any other success
  // claimed by a run that did not succeed is not believed.
  const gateBlocked =
    result.stage === 'release-gate' &&
    result.outcome.status === 'succeeded' &&
    result.outcome.gate.decision === 'blocked';
  if (run.conclusion !== 'success' && !gateBlocked) {
    return {
      ...fail(`the ${context.stage} run concluded ${concluded}, although its result says it succeeded`),
      usage,
    };
  }
  switch (result.stage) {
    case 'plan':
      if (result.outcome.status !== 'succeeded') break;
      return {
        event: { type: 'plan_ready', stories: result.outcome.plan.stories },
        plan: result.outcome.plan,
        usage,
      };
    case 'implement': {
      if (result.outcome.status !== 'succeeded') break;
      const pr = result.outcome.pr;
      const event: WorkflowEvent =
        context.item.state === 'revising'
          ? { type: 'head_pushed', head_sha: pr.head_sha, by_human: false }
          : { type: 'pr_opened', pr: pr.number, head_sha: pr.head_sha };
      return { event, usage };
    }
    case 'release-gate': {
      if (result.outcome.status !== 'succeeded') break;
      const gate = result.outcome.gate;
      const head = gate.head_sha ?? result.head_sha;
      if (head === undefined) return { ...fail('the release gate result names no head commit'), usage };
      return {
        event: { type: 'gate_result', decision: gate.decision, head_sha: head, reasons: [...gate.reasons] },
        usage,
      };
    }
    case 'validate': {
      if (result.outcome.status !== 'succeeded') break;
      const { tests, smoke_ok: smoke } = result.outcome.validation;
      const problems = [
        ...(tests.failed > 0 ? [`${tests.failed} of ${tests.passed + tests.failed} tests failed`] : []),
        ...(smoke === false ? ['the smoke command failed'] : []),
      ];
      return {
        event:
          problems.length === 0
            ? { type: 'validated', ok: true }
            : { type: 'validated', ok: false, reason: problems.join('; ') },
        usage,
      };
    }
    case 'review':
      break;
  }
  return {
    ...fail(`the ${context.stage} run ended with a ${result.stage} result the app cannot apply`),
    usage,
  };
}

function mismatchOf(context: RunContext, result: StageResult): string | undefined {
  if (result.run_key !== context.runKey)
    return `it names run_key "${result.run_key}", not "${context.runKey}"`;
  if (result.repository.toLowerCase() !== context.repository.toLowerCase())
    return `it names repository ${result.repository}`;
  if (result.issue !== context.item.issue)
    return `it names issue #${result.issue}, not #${context.item.issue}`;
  const expected = RESULT_STAGE[context.stage];
  if (result.stage !== expected)
    return `it is a ${result.stage} result; a ${context.stage} run ends with a ${expected ?? 'known'} result`;
  if (context.item.kind === 'story' && result.story !== undefined && result.story !== context.item.story) {
    return `it names story "${result.story}", not "${context.item.story}"`;
  }
  return undefined;
}

/** One ledger row per role (or one for the stage's role when only totals are given), keyed by the run. */
function usageRows(context: RunContext, result: StageResult): NewUsage[] {
  const row = (role: string, usage: Omit<Usage, 'by_role'>): NewUsage => ({
    repository: context.repository,
    itemId: context.itemId,
    stage: result.stage,
    role,
    runKey: context.runKey,
    tokensIn: usage.input_tokens,
    tokensOut: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens,
    cacheWriteTokens: usage.cache_creation_input_tokens,
    costUsd: usage.cost_usd,
  });
  const byRole = Object.entries(result.usage.by_role ?? {}).filter(
    (entry): entry is [string, Omit<Usage, 'by_role'>] => entry[1] !== undefined,
  );
  return byRole.length > 0
    ? byRole.map(([role, usage]) => row(role, usage))
    : [row(DEFAULT_ROLE[result.stage], result.usage)];
}
