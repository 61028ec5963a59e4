/**
 * The actions' runner of a stage (index → run → pure modules): reads the inputs the composite action
 * passes as `INPUT_<NAME>` variables, builds the GitHub and model clients, runs the stage, and ALWAYS
 * writes the result document (validated) to `result-path`, also when the stage crashed or its inputs were
 * bad. Sets the outputs `outcome` and `result-path`, writes a step summary, and marks the step failed
 * (process.exitCode, so pending writes flush) when the outcome is `failed`.
 *
 * Inputs are read from `env` with @actions/core's rules (`INPUT_` + the name upper-cased, spaces as `_`,
 * surrounding whitespace trimmed); outputs, the summary and the failure go through @actions/core, which
 * writes to the files the runner names in `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`.
 */
import * as core from '@actions/core';
import type { StageResult } from '../../core/results.js';
import type { Stage } from '../../core/roles.js';
import { createModelClient } from '../agent/client.js';
import { createGitHubClient } from '../github/client.js';
import { findPromptsDir, INPUT_NAMES, parseStageInputs } from './inputs.js';
import type { RawInputs } from './inputs.js';
import { describeError } from './result.js';
import { earlyFailure, writeResultDocument } from './result-file.js';
import { runStage } from './run-stage.js';
import { stageSummary } from './summary.js';
import type { StageDeps } from './types.js';

/** Retries of a GitHub request in the actions (the default policy's `retries.github_requests`). */
const GITHUB_RETRIES = 3;

/** The input `name` from `env`, as @actions/core getInput reads it ('' when absent). */
export function actionInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A log line for the job log: a line that starts with `::` would be a workflow command, so it is indented. */
const logLine = (line: string) => core.info(line.startsWith('::') ? ` ${line}` : line);

/** Runs `stage` as the action does. Never rejects: every problem ends in the result and the step's status. */
export async function runStageFromEnv(stage: Stage, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const raw: RawInputs = Object.fromEntries(INPUT_NAMES.map((name) => [name, actionInput(env, name)]));
  if (raw.repository === '') raw.repository = env.GITHUB_REPOSITORY ?? '';
  const resultPath =
    actionInput(env, 'result-path') || `${env.RUNNER_TEMP ?? '.'}/ai-orchestrator-result.json`;
  const token = actionInput(env, 'github-token') || env.GITHUB_TOKEN || '';
  if (token !== '') core.setSecret(token);

  let result: StageResult | undefined;
  let problem: string | undefined;
  try {
    const inputs = parseStageInputs(stage, raw, {
      workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
      promptsDir: () => findPromptsDir(env.GITHUB_ACTION_PATH ?? process.cwd()),
      remoteUrl: `${(env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')}/${raw.repository}.git`,
      ...(token === '' ? {} : { gitToken: token }),
    });
    const deps: StageDeps = {
      github: createGitHubClient({
        token,
        baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        retries: GITHUB_RETRIES,
        log: (line) => core.warning(line),
      }),
      model: () => createModelClient(env),
      env,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      now: Date.now,
      log: logLine,
    };
    result = await runStage(stage, inputs, deps);
  } catch (error) {
    problem = describeError(error);
    result = earlyFailure(stage, raw, problem);
  }

  let written = false;
  if (result !== undefined) {
    try {
      await writeResultDocument(resultPath, result);
      written = true;
    } catch (error) {
      problem = `the result document could not be written to ${resultPath}: ${describeError(error)}`;
    }
  }
  const outcome = written && result !== undefined ? result.outcome.status : 'failed';
  core.setOutput('outcome', outcome);
  core.setOutput('result-path', written ? resultPath : '');
  // @actions/core writes the summary to the file the runner names; without one there is nowhere to write.
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(stageSummary(stage, written ? result : undefined, problem)).write();
  }
  if (outcome === 'failed') {
    const reason =
      result?.outcome.status === 'failed'
        ? result.outcome.reason
        : (problem ?? 'the stage did not produce a result');
    core.setFailed(`ai-orchestrator ${stage} failed: ${reason.split('\n')[0]}`);
  }
}
