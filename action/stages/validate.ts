/**
 * The validate stage (design §4 "merging → validating", item 10 of the issue): after a merge, on the
 * default branch's checkout, it runs the detected test commands and the policy's `validate.smoke_command`
 * with the policy's time limit, and reports a check `ai-orchestrator/validate` on the commit and a comment
 * on the issue. A failure is reported and flagged (the result fails with the output, trimmed); nothing is
 * ever rolled back: undoing a merge is a person's decision.
 */
import type { StageResult, TestResults } from '../../core/results.js';
import { assembleContext } from '../context/assemble.js';
import { commandTimeoutMs, describeFailure, runChecks } from '../executor/run-checks.js';
import type { CheckResult } from '../executor/run-checks.js';
import { publishCheck } from '../github/checks.js';
import { commentMarker, upsertRunComment } from '../github/comments.js';
import { pauseGuard } from '../github/pause.js';
import { readDefaultBranchPolicy, resolveDefaultBranch } from '../github/policy.js';
import { checkCommands } from './check-commands.js';
import { headSha } from './git-workspace.js';
import { codeBlock, inlineText, table } from './markdown.js';
import { StageRun } from './result.js';
import { readTestCounts } from './test-counts.js';
import type { StageDeps, ValidateInputs } from './types.js';

/** The check run validation publishes on the default branch's commit. */
export const VALIDATE_CHECK = 'ai-orchestrator/validate';

/** Characters of a failing command's output the comment, the check and the result carry. */
const FAILURE_OUTPUT_CHARS = 3000;

/**
 * The test counts of the test commands' results: the runner's counts where its output says them; a
 * command whose output says nothing counts as one test passed or failed (its exit code is all there is).
 */
function validationCounts(results: readonly CheckResult[]): TestResults {
  return results.reduce<TestResults>(
    (sum, result) => {
      const counts =
        readTestCounts(result.output) ?? (result.ok ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
      return { passed: sum.passed + counts.passed, failed: sum.failed + counts.failed };
    },
    { passed: 0, failed: 0 },
  );
}

/** Validates the default branch's checkout; succeeded {validation}, or failed with the failing output. */
export async function runValidateStage(inputs: ValidateInputs, deps: StageDeps): Promise<StageResult> {
  const run = new StageRun('validate', inputs);
  if (inputs.pr !== undefined) run.pr = inputs.pr;
  return run.guard(async () => {
    const { github } = deps;
    const repo = inputs.repository;
    const guard = pauseGuard(github, repo, deps.log);
    const defaultBranch = await resolveDefaultBranch(github, repo, inputs.defaultBranch);
    const policy = await readDefaultBranchPolicy(github, repo, defaultBranch);
    await guard.allow('starting the validate stage');
    const sha = await headSha(inputs.workspace);
    run.headSha = sha;
    const context = await assembleContext({ repoDir: inputs.workspace });
    const testCommands = checkCommands(context.stacks, policy, ['test']);
    const smoke = policy.validate.smoke_command;
    if (testCommands.length === 0 && smoke === null) {
      return run.failed(
        `nothing to validate on ${defaultBranch} at ${sha.slice(0, 7)}: no test command was detected and the policy has no validate.smoke_command`,
      );
    }
    const env = deps.env;
    const tests =
      testCommands.length === 0 ? undefined : await runChecks(testCommands, { cwd: inputs.workspace, env });
    const smokeRun =
      smoke === null
        ? undefined
        : await runChecks([{ name: 'smoke', command: smoke, timeoutMs: commandTimeoutMs(policy) }], {
            cwd: inputs.workspace,
            env,
          });
    const results = [...(tests?.results ?? []), ...(smokeRun?.results ?? [])];
    const failed = results.filter((result) => !result.ok);
    const counts = validationCounts(tests?.results ?? []);
    const smokeOk = smokeRun === undefined ? null : smokeRun.ok;
    deps.log(
      `validate: ${failed.length === 0 ? 'passed' : `${failed.length} command(s) failed`} on ${sha.slice(0, 7)}`,
    );

    const rows = results.map((result) => [
      inlineText(result.name, 80),
      inlineText(result.command, 200),
      result.ok ? 'passed' : 'failed',
      `${(result.durationMs / 1000).toFixed(1)} s`,
    ]);
    const failures = failed.map(
      (result) =>
        `**${inlineText(describeFailure(result), 300)}**\n\n${codeBlock(result.output, FAILURE_OUTPUT_CHARS)}`,
    );
    const headline =
      failed.length === 0
        ? `Validation passed on \`${defaultBranch}\` at ${sha.slice(0, 7)}: ${counts.passed} test(s) passed${smokeOk === null ? '' : ', smoke command passed'}.`
        : `Validation **failed** on \`${defaultBranch}\` at ${sha.slice(0, 7)}. Nothing was rolled back: a person decides what to do.`;
    const report = [
      headline,
      '',
      table(['command', 'line', 'result', 'time'], rows),
      ...failures.flatMap((f) => ['', f]),
    ].join('\n');
    await publishCheck(github, repo, guard, {
      name: VALIDATE_CHECK,
      headSha: sha,
      conclusion: failed.length === 0 ? 'success' : 'failure',
      output: { title: failed.length === 0 ? 'validation passed' : 'validation failed', summary: report },
    });
    await upsertRunComment(github, repo, guard, {
      number: inputs.issue,
      marker: commentMarker('validate', inputs.runKey),
      body: report,
    });
    if (failed.length > 0) {
      return run.failed(
        `validation failed on ${defaultBranch} at ${sha.slice(0, 7)}: ${failed.map(describeFailure).join('; ')}\n\n${failed
          .map((result) => result.output.slice(0, FAILURE_OUTPUT_CHARS))
          .join('\n\n')}`,
      );
    }
    return run.succeeded({ validation: { tests: counts, smoke_ok: smokeOk } });
  });
}
