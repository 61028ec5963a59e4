/**
 * The pull request the implement stage opens (design §3, item 7 of the issue): its title is the commit
 * header, its body says which story it delivers, what changed and how it was tested (the developer's
 * report, which is model text and shown as such), the checks the orchestrator ran with their results, and
 * what is still open. Pure.
 */
import { AI_GENERATED_LABEL } from '../../core/roles.js';
import type { TestResults } from '../../core/results.js';
import type { FinishReport } from '../agent/tool.js';
import type { CheckResult } from '../executor/run-checks.js';
import { bounded, codeBlock, inlineText, table } from './markdown.js';

/** GitHub's limit of a pull request body. */
const MAX_BODY = 65_536;

export interface PullBodyInput {
  issue: number;
  storyTitle: string;
  branch: string;
  report: FinishReport;
  checks: readonly CheckResult[];
  /** Fix rounds the checks needed before they passed. */
  fixes: number;
  tests: TestResults | undefined;
  runKey: string;
}

/** The body of the pull request. */
export function pullBody(input: PullBodyInput): string {
  const rows = input.checks.map((check) => [
    inlineText(check.name, 80),
    `\`${inlineText(check.command, 200).replace(/`/g, "'")}\``,
    check.ok ? 'passed' : 'failed',
    `${(check.durationMs / 1000).toFixed(1)} s`,
  ]);
  const tests =
    input.tests === undefined
      ? 'The test runner did not report how many tests ran.'
      : `Tests: ${input.tests.passed} passed, ${input.tests.failed} failed.`;
  const fixes =
    input.fixes === 0
      ? 'The checks passed on the first run.'
      : `The checks passed after ${input.fixes} fix round${input.fixes === 1 ? '' : 's'}.`;
  const gaps =
    input.report.knownGaps.length === 0
      ? 'None reported.'
      : input.report.knownGaps.map((gap) => `- ${inlineText(gap, 1000)}`).join('\n');
  const body = [
    `Implements #${input.issue}: ${inlineText(input.storyTitle, 200)}`,
    '',
    `This pull request was written by the AI orchestrator's developer agent on \`${input.branch}\` and is labelled \`${AI_GENERATED_LABEL}\`. Independent reviewers and the release gate check it; a person decides on the merge with \`/approve\`.`,
    '',
    '## What changed',
    '',
    "The developer's report (model text, not verified by the orchestrator):",
    '',
    codeBlock(input.report.summary),
    '',
    '## How it was tested',
    '',
    'The checks the orchestrator ran on the final change:',
    '',
    table(['check', 'command', 'result', 'time'], rows),
    '',
    `${tests} ${fixes}`,
    '',
    "The developer's account of its own verification:",
    '',
    codeBlock(input.report.verification),
    '',
    '## Known gaps',
    '',
    gaps,
  ].join('\n');
  const marker = `<!-- ai-orchestrator:pull issue=${input.issue} run=${input.runKey.replace(/[^A-Za-z0-9:._-]/g, '_')} -->`;
  return `${bounded(body, MAX_BODY - marker.length - 2)}\n\n${marker}`;
}
