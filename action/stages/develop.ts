/**
 * The developer's loop inside the implement stage (design §6), all of it mechanical around the model:
 *
 * 1. the developer agent works on the story and calls `finish` (or asks, or fails);
 * 2. the executor runs the detected checks; a failure goes back to the developer with its trimmed output,
 *    at most `implement.fix_attempts` times (action/executor runWithFixes);
 * 3. the change is staged and the guards judge it (core/guards); findings go back to the developer once
 *    (then steps 2–3 run again), and a second failure fails the stage naming the guards.
 *
 * It ends with a change ready to commit, a question for a human, or a failure with its reason.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileDiff } from '../../core/diff.js';
import { decideAfterGuards, runGuards, testLanguageOf } from '../../core/guards.js';
import type { Policy } from '../../core/policy.js';
import type { UntrustedInput } from '../agent/conversation.js';
import type { AgentRunResult } from '../agent/run-agent.js';
import { commandAllowList } from '../agent/settings.js';
import type { FinishReport } from '../agent/tool.js';
import type { CheckCommand, CheckResult } from '../executor/run-checks.js';
import { runWithFixes } from '../executor/fix-loop.js';
import type { CheckRound, FixRequest } from '../executor/fix-loop.js';
import { listFiles, stageAll, stagedDiff } from '../git/changes.js';
import { agentFailure, runRole } from './agent-run.js';
import { citedFiles } from './citations.js';
import type { StageRun } from './result.js';
import type { StageDeps } from './types.js';

/** Characters of a check's output the developer's run_command returns. */
const COMMAND_OUTPUT_CHARS = 12_000;

export interface DevelopSpec {
  policy: Policy;
  promptsDir: string;
  workspace: string;
  brief: string;
  /** Who the developer works for, in the stage's own words (trusted). */
  assignment: string;
  /** The story and whatever else the app passed (answers, findings), untrusted. */
  untrusted: readonly UntrustedInput[];
  /** The checks that must pass before the change is committed. */
  checks: readonly CheckCommand[];
  /** The commit the work started from: the guards judge the change since it. */
  base: string;
  /** Names the project's own code is imported under (for the test guard). */
  projectModules: readonly string[];
}

export type DevelopOutcome =
  | {
      kind: 'ready';
      report: FinishReport;
      /** The checks of the last round, every one passed. */
      checks: readonly CheckResult[];
      /** Fix rounds the checks needed, over every attempt. */
      fixes: number;
      diff: readonly FileDiff[];
    }
  | { kind: 'clarification'; questions: string[] }
  | { kind: 'failed'; reason: string };

/** Thrown out of the fix callback when the developer does not come back with a fix. */
class DeveloperStopped extends Error {
  constructor(readonly outcome: Exclude<DevelopOutcome, { kind: 'ready' }>) {
    super('the developer stopped');
  }
}

const checkList = (checks: readonly CheckCommand[]) =>
  checks.map((check) => `- ${check.name}: \`${check.command}\``).join('\n');

/** Runs the loop; resolves with its outcome. Rejects only for errors of git or the file system. */
export async function develop(spec: DevelopSpec, run: StageRun, deps: StageDeps): Promise<DevelopOutcome> {
  const { allowedCommands, timeoutMs } = commandAllowList(
    spec.policy,
    spec.checks.map((check) => check.command),
  );
  const commands = { allowedCommands, timeoutMs, maxOutputChars: COMMAND_OUTPUT_CHARS, baseEnv: deps.env };
  let report: FinishReport | undefined;

  /** One developer run; its report becomes the current one, anything but `finish` stops the loop. */
  const developer = async (task: string, extra: readonly UntrustedInput[]): Promise<FinishReport> => {
    const result: AgentRunResult = await runRole(
      {
        role: 'developer',
        policy: spec.policy,
        promptsDir: spec.promptsDir,
        brief: spec.brief,
        task: `${spec.assignment}\n\n${task}`,
        untrusted: [...spec.untrusted, ...extra],
        workspace: spec.workspace,
        commands,
      },
      run,
      deps,
    );
    if (result.status === 'needs_clarification') {
      throw new DeveloperStopped({ kind: 'clarification', questions: result.questions });
    }
    if (result.status === 'failed')
      throw new DeveloperStopped({ kind: 'failed', reason: agentFailure(result) });
    if (result.result.kind !== 'finish') {
      throw new DeveloperStopped({
        kind: 'failed',
        reason: `the developer ended with a ${result.result.kind}`,
      });
    }
    report = result.result.report;
    return report;
  };

  const fix = async (request: FixRequest) => {
    deps.log(`implement: ${request.summary}; fix attempt ${request.attempt}`);
    await developer(
      [
        `After your change, the check ${request.failed.name} (\`${request.failed.command}\`) failed: ${request.summary}.`,
        `Its output follows as data. Fix the cause and call finish again (fix attempt ${request.attempt}; ${request.remaining} left after this one).`,
        'Do not weaken or delete tests to make them pass.',
      ].join('\n'),
      [
        {
          label: `output of ${request.failed.name} (${request.failed.command})`,
          text: request.failed.output,
        },
      ],
    );
  };

  let task = [
    'The orchestrator runs these checks after you finish, and commits only when all pass:',
    checkList(spec.checks),
    'Run them yourself with run_command before you finish. In your finish summary, cite every file you changed in backticks.',
  ].join('\n');
  let extra: UntrustedInput[] = [];
  let fixes = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      await developer(task, extra);
      const outcome = await runWithFixes({
        commands: spec.checks,
        fixAttempts: spec.policy.implement.fix_attempts,
        cwd: spec.workspace,
        env: deps.env,
        fix,
      });
      fixes += outcome.fixesApplied;
      if (!outcome.ok) {
        return { kind: 'failed', reason: `${outcome.reason}\n\nlast output:\n${outcome.failed.output}` };
      }
      const lastRound = outcome.rounds[outcome.rounds.length - 1] as CheckRound;
      await stageAll(spec.workspace);
      const diff = await stagedDiff({ cwd: spec.workspace, base: spec.base });
      if (diff.files.length === 0) {
        return { kind: 'failed', reason: 'the developer finished without changing any file' };
      }
      const finished = report as FinishReport;
      const existing = new Set(await listFiles(spec.workspace));
      const violations = runGuards({
        diff: diff.files,
        policy: spec.policy,
        existingFiles: existing,
        citedFiles: citedFiles(finished.summary),
        contents: await modifiedTestContents(spec.workspace, diff.files),
        projectModules: spec.projectModules,
      });
      const decision = decideAfterGuards(violations, attempt);
      if (decision.action === 'commit') {
        return { kind: 'ready', report: finished, checks: lastRound.results, fixes, diff: diff.files };
      }
      if (decision.action === 'fail') return { kind: 'failed', reason: decision.reason };
      deps.log(`implement: the guards ${decision.guards.join(', ')} sent the change back`);
      task = [
        "The orchestrator's guards refused your change; their findings follow as data.",
        'Fix every finding, run the checks again, and call finish. This is the only retry: if a guard still fails, the stage fails.',
        'The checks:',
        checkList(spec.checks),
      ].join('\n');
      extra = [{ label: 'guard findings', text: decision.feedback }];
    }
  } catch (error) {
    if (error instanceof DeveloperStopped) return error.outcome;
    throw error;
  }
}

/** The text after the change of each modified test file, so the test guard judges the whole file. */
async function modifiedTestContents(
  workspace: string,
  diff: readonly FileDiff[],
): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const file of diff) {
    if (file.change !== 'modified' || file.binary || testLanguageOf(file.path) === null) continue;
    contents.set(file.path, await readFile(path.join(workspace, file.path), 'utf8'));
  }
  return contents;
}
