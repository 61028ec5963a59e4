/**
 * The test results of a head, as the app's own check run `ai-orchestrator/tests`: the implement stage
 * publishes it on the commit it pushed, with the counts in a hidden document; the review stage gives them
 * to the reviewers and the release gate folds them in. Being a check run of the app, it can't be forged by
 * anyone who can push or comment, and it belongs to one head only: a later push has none until the
 * orchestrator tests it again.
 */
import { TestResultsSchema } from '../../core/results.js';
import type { TestResults } from '../../core/results.js';
import type { CheckResult } from '../executor/run-checks.js';
import { latestOwnChecks, publishCheck } from '../github/checks.js';
import type { GitHubClient } from '../github/client.js';
import { embedDocument, readEmbeddedDocument } from '../github/embedded-document.js';
import type { WriteGuard } from '../github/pause.js';
import type { RepoRef } from '../github/repository.js';
import { inlineText, table } from './markdown.js';
import { readTestCounts } from './test-counts.js';

/** The name of the check run that carries a head's test results. */
export const TESTS_CHECK = 'ai-orchestrator/tests';

/**
 * The counts of the test checks among `results`: summed over every test command, or undefined when any of
 * them printed nothing a count can be read from (part of a count would understate the failures).
 */
export function countTests(results: readonly CheckResult[]): TestResults | undefined {
  const tests = results.filter((result) => result.name === 'test' || result.name.startsWith('test ('));
  if (tests.length === 0) return undefined;
  let sum: TestResults = { passed: 0, failed: 0 };
  for (const result of tests) {
    const counts = readTestCounts(result.output);
    if (counts === undefined) return undefined;
    sum = { passed: sum.passed + counts.passed, failed: sum.failed + counts.failed };
  }
  return sum;
}

/** Publishes the check on `headSha`: success when every check passed, with the counts when known. */
export async function publishTestResults(
  github: GitHubClient,
  repo: RepoRef,
  guard: WriteGuard,
  spec: { headSha: string; checks: readonly CheckResult[]; tests: TestResults | undefined },
): Promise<void> {
  const ok = spec.checks.every((check) => check.ok);
  const counts =
    spec.tests === undefined
      ? 'The test runner did not report counts.'
      : `${spec.tests.passed} passed, ${spec.tests.failed} failed.`;
  await publishCheck(github, repo, guard, {
    name: TESTS_CHECK,
    headSha: spec.headSha,
    conclusion: ok ? 'success' : 'failure',
    output: {
      title: ok ? `Checks passed. ${counts}` : `Checks failed. ${counts}`,
      summary: table(
        ['check', 'command', 'result'],
        spec.checks.map((check) => [
          inlineText(check.name, 80),
          inlineText(check.command, 200),
          check.ok ? 'passed' : 'failed',
        ]),
      ),
      ...(spec.tests === undefined ? {} : { text: embedDocument('test-results', spec.tests) }),
    },
  });
}

/**
 * The test results the app's own tests check on `headSha` carries; undefined when there is none, or when it
 * passed without counts. A check that did not pass and has no readable counts reads as one failed test, so
 * it blocks the gate instead of looking like "no results".
 */
export async function readTestResults(
  github: GitHubClient,
  repo: RepoRef,
  headSha: string,
  appId: number,
): Promise<TestResults | undefined> {
  const check = (await latestOwnChecks(github, repo, headSha, appId, (name) => name === TESTS_CHECK)).get(
    TESTS_CHECK,
  );
  if (check === undefined) return undefined;
  const document = readEmbeddedDocument('test-results', check.text);
  const parsed = document.ok ? TestResultsSchema.safeParse(document.value) : undefined;
  if (parsed?.success) return parsed.data;
  return check.conclusion === 'success' ? undefined : { passed: 0, failed: 1 };
}
