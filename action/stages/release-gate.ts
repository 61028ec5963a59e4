/**
 * The release-gate stage (design §5, item 9 of the issue): code, not a model. It gathers, for the pull
 * request's head commit only, the reviewer checks the orchestrator's own app published (a check of the
 * same name from any other app is ignored: checklist 21), reads each verdict back, adds the head's test
 * results, the changed files and whether the orchestrator wrote the pull request, folds them with core/gate
 * under the default-branch policy, and publishes `ai-orchestrator/release-gate` on the head.
 *
 * The gate learns which app it is from its own check: it creates the gate check first (in progress), and
 * GitHub's answer names the app the token belongs to. If anything fails after that, the check is completed
 * as a failure: a gate that could not decide blocks.
 */
import { foldGate } from '../../core/gate.js';
import { VerdictSchema } from '../../core/results.js';
import type { StageResult } from '../../core/results.js';
import { AI_GENERATED_LABEL, RELEASE_GATE_CHECK } from '../../core/roles.js';
import { BRANCH_PREFIX } from '../../core/branch.js';
import { completeCheck, latestOwnChecks, startCheck } from '../github/checks.js';
import type { CheckInfo } from '../github/checks.js';
import { readEmbeddedDocument } from '../github/embedded-document.js';
import { pauseGuard, RepositoryPausedError } from '../github/pause.js';
import { readDefaultBranchPolicy, resolveDefaultBranch } from '../github/policy.js';
import { getPull, listPullFiles } from '../github/pulls.js';
import { gateCheck, gateErrorCheck } from './gate-check.js';
import { describeError, StageRun } from './result.js';
import { roleOfCheck } from './review-check.js';
import { readTestResults } from './test-results-check.js';
import type { ReleaseGateInputs, StageDeps } from './types.js';

/** Decides the gate of pull request `inputs.pr`; succeeded {gate} whatever the decision, failed when it could not decide. */
export async function runReleaseGateStage(inputs: ReleaseGateInputs, deps: StageDeps): Promise<StageResult> {
  const run = new StageRun('release-gate', inputs);
  run.pr = inputs.pr;
  const { github } = deps;
  const repo = inputs.repository;
  const guard = pauseGuard(github, repo, deps.log);
  let check: CheckInfo | undefined;
  let completed = false;

  const result = await run.guard(async () => {
    const defaultBranch = await resolveDefaultBranch(github, repo, inputs.defaultBranch);
    const policy = await readDefaultBranchPolicy(github, repo, defaultBranch);
    const pull = await getPull(github, repo, inputs.pr);
    const head = pull.headSha;
    run.headSha = head;
    check = await startCheck(github, repo, guard, {
      name: RELEASE_GATE_CHECK,
      headSha: head,
      title: 'deciding',
      summary: `The release gate is deciding on ${head.slice(0, 7)}.`,
    });
    const appId = check.appId;
    if (appId === undefined) throw new Error('GitHub did not say which app owns the gate check');

    const reviews = await latestOwnChecks(
      github,
      repo,
      head,
      appId,
      (name) => roleOfCheck(name) !== undefined,
    );
    const verdicts: unknown[] = [];
    const readingNotes: string[] = [];
    for (const [name, review] of [...reviews].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const role = roleOfCheck(name) as string;
      if (review.status !== 'completed') {
        readingNotes.push(`${role}: its check is still ${review.status.replace('_', ' ')}`);
        continue;
      }
      const document = readEmbeddedDocument('reviewer-document', review.text);
      const claimed = document.ok ? (document.value as { role?: unknown } | null)?.role : undefined;
      if (document.ok && claimed === role) {
        verdicts.push(document.value);
        // The review run's result document is this one (the app reads no other): it carries what the
        // reviewers spent, so their tokens and cost reach the app's ledger.
        const verdict = VerdictSchema.safeParse(document.value);
        if (verdict.success) {
          const { by_role: _parts, ...spent } = verdict.data.usage;
          run.ledger.add(verdict.data.role, spent);
        }
        continue;
      }
      readingNotes.push(
        `${role}: ${document.ok ? `its check carries a document of ${JSON.stringify(claimed)}` : document.reason}`,
      );
      // A document that names its role but nothing else: the gate reads it as that role's unreadable verdict.
      verdicts.push({ role, head_sha: head });
    }
    const tests = await readTestResults(github, repo, head, appId);
    const changedFiles = await listPullFiles(github, repo, pull.number);
    const aiAuthored = pull.headRef.startsWith(BRANCH_PREFIX) && pull.labels.includes(AI_GENERATED_LABEL);
    const decision = foldGate(
      {
        verdicts,
        ...(tests === undefined ? {} : { tests }),
        changed_files: changedFiles,
        head_sha: head,
        ai_authored: aiAuthored,
      },
      policy,
    );
    deps.log(
      `release-gate: ${decision.decision} on ${head.slice(0, 7)} (${decision.reasons.length} reason(s))`,
    );
    await completeCheck(
      github,
      repo,
      guard,
      check.id,
      gateCheck(decision, {
        headSha: head,
        tests,
        changedFiles: changedFiles.length,
        aiAuthored,
        readingNotes,
      }),
    );
    completed = true;
    return run.succeeded({ gate: decision });
  });

  if (check !== undefined && !completed) {
    const reason =
      result.outcome.status === 'failed' ? result.outcome.reason : 'the gate stopped without a decision';
    try {
      await completeCheck(github, repo, guard, check.id, gateErrorCheck(reason));
    } catch (error) {
      if (!(error instanceof RepositoryPausedError))
        deps.log(`release-gate: could not complete the check: ${describeError(error)}`);
    }
  }
  return result;
}
