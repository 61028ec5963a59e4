/**
 * Pull requests for the review and gate tests, made the way the implement stage makes them (a commit by
 * the app's bot on an `ai/` branch, pushed over HTTP with the app's token, a pull request labelled
 * `ai-generated`, the head's test results as the app's check), without running a developer model.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { completeCheck, startCheck } from '../../../../action/github/checks.js';
import { pauseGuard } from '../../../../action/github/pause.js';
import { verdictCheck, errorCheck } from '../../../../action/stages/review-check.js';
import { publishTestResults } from '../../../../action/stages/test-results-check.js';
import { createGitHubClient } from '../../../../action/github/client.js';
import { AI_GENERATED_LABEL, reviewCheckName } from '../../../../core/roles.js';
import type { ReviewerRole } from '../../../../core/roles.js';
import type { Finding, Verdict } from '../../../../core/results.js';
import type { World } from './world.js';

export const REPO = { owner: 'acme', repo: 'calc' } as const;

export interface OpenedPull {
  number: number;
  branch: string;
  head: string;
  base: string;
}

/** Commits `files` on a new branch as the app's bot, pushes it with the app's token and opens the pull request. */
export async function openAiPull(
  world: World,
  issue: number,
  files: Record<string, string>,
): Promise<OpenedPull> {
  const branch = `ai/${issue}-add-a-multiply-function`;
  await world.git(['switch', '-q', '-c', branch]);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(world.work, file)), { recursive: true });
    await writeFile(path.join(world.work, file), content);
  }
  await world.git(['add', '-A']);
  await world.git([
    '-c',
    'user.name=ai-orchestrator[bot]',
    'commit',
    '-q',
    '-m',
    `feat(#${issue}): add a multiply function`,
  ]);
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${world.token}`).toString('base64')}`;
  await world.git([
    '-c',
    `http.extraheader=${header}`,
    'push',
    '-q',
    world.remote,
    `HEAD:refs/heads/${branch}`,
  ]);
  const { data } = await world.bot.rest.pulls.create({
    ...REPO,
    head: branch,
    base: 'main',
    title: `feat(#${issue}): add a multiply function`,
    body: `Implements #${issue}.`,
  });
  await world.bot.rest.issues.addLabels({ ...REPO, issue_number: data.number, labels: [AI_GENERATED_LABEL] });
  return { number: data.number, branch, head: data.head.sha, base: data.base.sha };
}

/** The app's client and a guard that allows (the tests that publish checks are not about pausing). */
function appSide(world: World) {
  const github = createGitHubClient({ token: world.token, baseUrl: world.github.url, retries: 0 });
  return { github, guard: pauseGuard(github, REPO, () => undefined) };
}

/** Publishes the head's test results as the implement stage does. */
export async function publishTests(
  world: World,
  head: string,
  passed: number,
  failed: number,
): Promise<void> {
  const { github, guard } = appSide(world);
  await publishTestResults(github, REPO, guard, { headSha: head, checks: [], tests: { passed, failed } });
}

/** Publishes a reviewer's verdict check on `head` as the review stage does. */
export async function publishVerdict(
  world: World,
  role: ReviewerRole,
  head: string,
  status: Verdict['status'],
  findings: Finding[] = [],
): Promise<void> {
  const { github, guard } = appSide(world);
  const check = await startCheck(github, REPO, guard, {
    name: reviewCheckName(role),
    headSha: head,
    title: 'reviewing',
    summary: '…',
  });
  const verdict: Verdict = {
    role,
    head_sha: head,
    status,
    summary: `${role} says ${status}`,
    findings,
    usage: {
      input_tokens: 1,
      output_tokens: 1,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: 0.001,
    },
  };
  await completeCheck(github, REPO, guard, check.id, verdictCheck(verdict));
}

/** Publishes a reviewer check that says the reviewer could not run, as the review stage does. */
export async function publishReviewerError(
  world: World,
  role: ReviewerRole,
  head: string,
  error: string,
): Promise<void> {
  const { github, guard } = appSide(world);
  const check = await startCheck(github, REPO, guard, {
    name: reviewCheckName(role),
    headSha: head,
    title: 'reviewing',
    summary: '…',
  });
  await completeCheck(github, REPO, guard, check.id, errorCheck({ role, head_sha: head, error }));
}
