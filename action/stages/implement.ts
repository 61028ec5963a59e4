/**
 * The implement stage (design §6–7, items 5–7 of the issue): the developer implements one story on its
 * branch `ai/<issue>-<slug>`, the executor and the guards hold the change to the checks and the rules, and
 * the stage commits it (a Conventional Commit with the issue key), pushes it with the token (never to the
 * default branch), opens or updates the pull request labelled `ai-generated`, and publishes the head's
 * test results. A revision (`pr` given, or an open pull request of the branch) works on the same branch
 * and updates the same pull request.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { branchName, commitMessage, commitType } from '../../core/branch.js';
import type { StageResult } from '../../core/results.js';
import { redactSecrets } from '../../core/sanitize.js';
import { assembleContext } from '../context/assemble.js';
import type { Stack } from '../context/types.js';
import { commit } from '../git/commit.js';
import type { GitIdentity } from '../git/commit.js';
import { push } from '../git/push.js';
import { readIssue } from '../github/issues.js';
import type { IssueText } from '../github/issues.js';
import { pauseGuard } from '../github/pause.js';
import { readDefaultBranchPolicy, resolveDefaultBranch } from '../github/policy.js';
import { deliverPull, findOpenPull, getPull } from '../github/pulls.js';
import type { PullInfo } from '../github/pulls.js';
import { fullName } from '../github/repository.js';
import type { RepoRef } from '../github/repository.js';
import type { GitHubClient } from '../github/client.js';
import { checkCommands } from './check-commands.js';
import { develop } from './develop.js';
import { fetchBranch } from './git-fetch.js';
import { prepareBranch } from './git-workspace.js';
import { pullBody } from './pull-body.js';
import { StageRun } from './result.js';
import { countTests, publishTestResults } from './test-results-check.js';
import type { ImplementInputs, StageDeps } from './types.js';
import { contextInputs, issueInput } from './untrusted.js';

/** Who the commits are by: the app's bot, as GitHub shows commits pushed with an installation token. */
export const BOT_IDENTITY: GitIdentity = {
  name: 'ai-orchestrator[bot]',
  email: 'ai-orchestrator[bot]@users.noreply.github.com',
};

/**
 * Implements the story of issue `inputs.issue`. The result is succeeded {pr {number, head_sha, branch}},
 * needs_clarification {questions} (the developer asked) or failed {reason} (checks, guards, the model, git,
 * GitHub, or the pause switch).
 */
export async function runImplementStage(inputs: ImplementInputs, deps: StageDeps): Promise<StageResult> {
  const run = new StageRun('implement', inputs);
  if (inputs.pr !== undefined) run.pr = inputs.pr;
  return run.guard(async () => {
    const { github } = deps;
    const repo = inputs.repository;
    const guard = pauseGuard(github, repo, deps.log);
    const defaultBranch = await resolveDefaultBranch(github, repo, inputs.defaultBranch);
    const policy = await readDefaultBranchPolicy(github, repo, defaultBranch);
    // Asked before the model runs too: a paused repository should not pay for work it will not deliver.
    await guard.allow('starting the implement stage');
    const story = await readIssue(github, repo, inputs.issue);
    const earlier = await earlierPull(github, repo, inputs.pr, story, defaultBranch);
    if (typeof earlier === 'string') return run.failed(earlier);
    const branch = earlier?.headRef ?? branchName(story.number, story.title);
    if (earlier !== undefined) run.pr = earlier.number;

    const source = {
      remoteUrl: inputs.remoteUrl,
      ...(inputs.gitToken === undefined ? {} : { token: inputs.gitToken }),
    };
    // Whatever depth the workflow checked out, the work starts from the repository's current branches.
    if (!(await fetchBranch(inputs.workspace, source, defaultBranch))) {
      return run.failed(`the default branch ${defaultBranch} does not exist in ${inputs.remoteUrl}`);
    }
    await fetchBranch(inputs.workspace, source, branch);
    const { base, resumed } = await prepareBranch(inputs.workspace, branch, defaultBranch);
    deps.log(
      `implement: on ${branch} at ${base.slice(0, 7)}${resumed ? ' (continuing the pushed branch)' : ''}`,
    );
    const context = await assembleContext({
      repoDir: inputs.workspace,
      story: `# ${story.title}\n\n${story.body}`,
      lessons: inputs.context.lessons ?? [],
    });
    const checks = checkCommands(context.stacks, policy);
    if (checks.length === 0) {
      return run.failed(
        `no build, test or lint command was detected (${context.stacks.flatMap((s) => s.notes).join('; ') || 'no stack found'}), so the change could not be verified; add a test script or list a command in implement.allowed_commands`,
      );
    }
    const outcome = await develop(
      {
        policy,
        promptsDir: inputs.promptsDir,
        workspace: inputs.workspace,
        brief: context.brief,
        assignment: [
          `Implement the story of issue #${story.number} of ${fullName(repo)} on the branch ${branch}.`,
          earlier === undefined
            ? 'The story follows as data; the repository brief is above.'
            : `This is a revision of pull request #${earlier.number}: the branch already holds the earlier work. Address the findings that follow as data.`,
        ].join('\n'),
        untrusted: [issueInput(story, 'story'), ...contextInputs(inputs.context)],
        checks,
        base,
        projectModules: await projectModules(inputs.workspace, context.stacks),
      },
      run,
      deps,
    );
    if (outcome.kind === 'clarification') return run.needsClarification(outcome.questions);
    if (outcome.kind === 'failed') return run.failed(outcome.reason);

    const message = commitMessage({
      issue: story.number,
      type: commitType({ title: story.title, labels: story.labels }),
      summary: story.title,
      // Model text: a secret it quotes must not be committed.
      body: `${redactSecrets(outcome.report.summary).text}\n\nRefs: #${story.number}`,
    });
    const { sha } = await commit({ cwd: inputs.workspace, message, author: BOT_IDENTITY });
    await guard.allow(`push ${branch}`);
    await push({
      cwd: inputs.workspace,
      remoteUrl: inputs.remoteUrl,
      branch,
      defaultBranch,
      ...(inputs.gitToken === undefined ? {} : { token: inputs.gitToken }),
    });
    run.headSha = sha;
    const tests = countTests(outcome.checks);
    const { pull, created } = await deliverPull(github, repo, guard, {
      branch,
      base: defaultBranch,
      title: message.split('\n')[0] as string,
      body: pullBody({
        issue: story.number,
        storyTitle: story.title,
        branch,
        report: outcome.report,
        checks: outcome.checks,
        fixes: outcome.fixes,
        tests,
        runKey: inputs.runKey,
      }),
    });
    run.pr = pull.number;
    deps.log(
      `implement: ${created ? 'opened' : 'updated'} pull request #${pull.number} at ${sha.slice(0, 7)}`,
    );
    await publishTestResults(github, repo, guard, { headSha: sha, checks: outcome.checks, tests });
    return run.succeeded({ pr: { number: pull.number, head_sha: sha, branch } });
  });
}

/**
 * The pull request a revision continues: the one named by `pr`, which must be the orchestrator's own open
 * pull request into the default branch (a string says why not), else the open one of the story's branch.
 */
async function earlierPull(
  github: GitHubClient,
  repo: RepoRef,
  pr: number | undefined,
  story: IssueText,
  defaultBranch: string,
): Promise<PullInfo | undefined | string> {
  if (pr === undefined)
    return findOpenPull(github, repo, branchName(story.number, story.title), defaultBranch);
  const pull = await getPull(github, repo, pr);
  if (pull.state !== 'open' || pull.merged)
    return `pull request #${pr} is ${pull.merged ? 'merged' : 'closed'}; a revision needs an open one`;
  if (pull.headRepository !== fullName(repo))
    return `pull request #${pr} comes from another repository (${pull.headRepository ?? 'deleted'}); the orchestrator works only on its own branches`;
  if (!pull.headRef.startsWith('ai/'))
    return `pull request #${pr} is on ${pull.headRef}, not on an ai/ branch of the orchestrator`;
  if (pull.baseRef !== defaultBranch)
    return `pull request #${pr} targets ${pull.baseRef}, not the default branch ${defaultBranch}`;
  return pull;
}

/** The package names of the Node stacks: how the project's tests import its own code. */
async function projectModules(workspace: string, stacks: readonly Stack[]): Promise<string[]> {
  const names: string[] = [];
  for (const stack of stacks.filter((s) => s.kind === 'node')) {
    try {
      const manifest = JSON.parse(
        await readFile(path.join(workspace, stack.path, 'package.json'), 'utf8'),
      ) as {
        name?: unknown;
      };
      if (typeof manifest.name === 'string' && manifest.name !== '') names.push(manifest.name);
    } catch {
      // A manifest that can't be read names no module; detection already reported it.
    }
  }
  return names;
}
