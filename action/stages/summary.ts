/**
 * The step summary of a stage run: the outcome, what it produced, and the model usage per role, so the
 * people reading the workflow run see the cost and the result without opening the artifact. Pure.
 */
import type { StageResult } from '../../core/results.js';
import type { Stage } from '../../core/roles.js';
import { codeBlock, inlineText, table } from './markdown.js';

function produced(result: StageResult): string[] {
  const outcome = result.outcome;
  if (outcome.status === 'failed') return ['**Why it failed:**', '', codeBlock(outcome.reason)];
  if (outcome.status === 'needs_clarification') {
    return ['**Questions for a person:**', '', ...outcome.questions.map((q) => `- ${inlineText(q, 2000)}`)];
  }
  switch (result.stage) {
    case 'plan':
      return result.outcome.status === 'succeeded'
        ? [`Planned ${result.outcome.plan.stories.length} stories.`]
        : [];
    case 'implement':
      if (result.outcome.status !== 'succeeded') return [];
      return [
        `Pull request #${result.outcome.pr.number} on \`${inlineText(result.outcome.pr.branch, 200)}\` at ${result.outcome.pr.head_sha.slice(0, 7)}.`,
      ];
    case 'review': {
      if (result.outcome.status !== 'succeeded') return [];
      const { verdict } = result.outcome;
      return [`${verdict.role}: **${verdict.status}** with ${verdict.findings.length} finding(s).`];
    }
    case 'release-gate': {
      if (result.outcome.status !== 'succeeded') return [];
      const { gate } = result.outcome;
      return [
        `The release gate **${gate.decision}**.`,
        '',
        ...gate.reasons.map((r) => `- ${inlineText(r, 500)}`),
      ];
    }
    case 'validate': {
      if (result.outcome.status !== 'succeeded') return [];
      const { tests } = result.outcome.validation;
      return [`Validation passed: ${tests.passed} passed, ${tests.failed} failed.`];
    }
  }
}

/** The markdown of the summary; `problem` is what went wrong when no document could be written. */
export function stageSummary(
  stage: Stage,
  result: StageResult | undefined,
  problem: string | undefined,
): string {
  if (result === undefined) {
    return [
      `## ai-orchestrator ${stage}: failed`,
      '',
      'No result document was written.',
      '',
      codeBlock(problem ?? 'unknown'),
    ].join('\n');
  }
  const usage = result.usage;
  const roles = Object.entries(usage.by_role ?? {}).map(([role, fields]) => [
    role,
    String(fields.input_tokens + fields.cache_read_input_tokens + fields.cache_creation_input_tokens),
    String(fields.output_tokens),
    `$${fields.cost_usd.toFixed(4)}`,
  ]);
  return [
    `## ai-orchestrator ${stage}: ${result.outcome.status}`,
    '',
    `Run key \`${inlineText(result.run_key, 200)}\`, issue #${result.issue}${result.pr === undefined ? '' : `, pull request #${result.pr}`}.`,
    '',
    ...produced(result),
    '',
    roles.length === 0
      ? 'No model was called.'
      : table(
          ['role', 'input tokens', 'output tokens', 'cost'],
          [...roles, ['total', '', '', `$${usage.cost_usd.toFixed(4)}`]],
        ),
  ].join('\n');
}
