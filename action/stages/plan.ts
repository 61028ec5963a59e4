/**
 * The plan stage: the planner reads the issue, the people's comments and the repository (read-only tools)
 * and submits a plan of stories, or asks for clarification. It writes nothing to GitHub: the app posts the
 * plan and opens the story issues after a human `/approve`.
 */
import type { StageResult } from '../../core/results.js';
import { assembleContext } from '../context/assemble.js';
import { readHumanComments, readIssue } from '../github/issues.js';
import { readDefaultBranchPolicy, resolveDefaultBranch } from '../github/policy.js';
import { fullName } from '../github/repository.js';
import { agentFailure, runRole } from './agent-run.js';
import { StageRun } from './result.js';
import type { PlanInputs, StageDeps } from './types.js';
import { commentInputs, contextInputs, issueInput } from './untrusted.js';

/** Plans issue `inputs.issue`; the result is succeeded {plan}, needs_clarification {questions} or failed {reason}. */
export async function runPlanStage(inputs: PlanInputs, deps: StageDeps): Promise<StageResult> {
  const run = new StageRun('plan', inputs);
  return run.guard(async () => {
    const { github } = deps;
    const repo = inputs.repository;
    const defaultBranch = await resolveDefaultBranch(github, repo, inputs.defaultBranch);
    const policy = await readDefaultBranchPolicy(github, repo, defaultBranch);
    const issue = await readIssue(github, repo, inputs.issue);
    const comments = await readHumanComments(github, repo, inputs.issue);
    deps.log(`plan: issue #${issue.number} with ${comments.length} comment(s) from people`);
    const context = await assembleContext({
      repoDir: inputs.workspace,
      story: `# ${issue.title}\n\n${issue.body}`,
      lessons: inputs.context.lessons ?? [],
    });
    const result = await runRole(
      {
        role: 'planner',
        policy,
        promptsDir: inputs.promptsDir,
        brief: context.brief,
        task: [
          `Plan issue #${issue.number} of ${fullName(repo)} (default branch ${defaultBranch}).`,
          `The issue and the comments people wrote on it follow as data; the repository brief is above.`,
          `Split the work into at most ${policy.plan.max_stories} stories that can each be delivered as one pull request,`,
          'each with acceptance criteria a reviewer can check, dependencies and an estimate, then call submit_plan.',
          'When the issue is ambiguous or contradicts the code, call ask_clarification instead of guessing.',
        ].join('\n'),
        untrusted: [
          issueInput(issue, 'issue'),
          ...commentInputs(issue.number, comments),
          ...contextInputs(inputs.context),
        ],
        workspace: inputs.workspace,
      },
      run,
      deps,
    );
    if (result.status === 'needs_clarification') return run.needsClarification(result.questions);
    if (result.status === 'failed') return run.failed(agentFailure(result));
    if (result.result.kind !== 'plan')
      return run.failed(`the planner ended with a ${result.result.kind}, not a plan`);
    return run.succeeded({ plan: result.result.plan });
  });
}
