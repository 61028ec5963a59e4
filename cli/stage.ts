/**
 * `ai-orchestrator stage <stage> --repo <dir> [flags]`: one stage on a local checkout, through the same
 * runStage the actions call (action/stages/run-stage.ts). The flags are the action's inputs; GitHub is
 * `GITHUB_API_URL` with `GITHUB_TOKEN`, the model `ANTHROPIC_BASE_URL` with `ANTHROPIC_API_KEY`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { StageResult } from '../core/results.js';
import { STAGES } from '../core/roles.js';
import type { Stage } from '../core/roles.js';
import { createModelClient } from '../action/agent/client.js';
import { runGit } from '../action/git/run-git.js';
import { createGitHubClient } from '../action/github/client.js';
import { findPromptsDir, InputError, parseStageInputs } from '../action/stages/inputs.js';
import type { RawInputs } from '../action/stages/inputs.js';
import { describeError } from '../action/stages/result.js';
import { writeResultDocument } from '../action/stages/result-file.js';
import { runStage } from '../action/stages/run-stage.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';

export const STAGE_USAGE = `Usage: ai-orchestrator stage <${STAGES.join('|')}> --repo <dir> [flags]

Runs one stage on a local checkout, the same code the actions run, and prints its result document.

  --repo <dir>            the checkout the stage works in (the action's workspace)
  --issue <n>             the work item's issue (a story's sub-issue for implement and review)
  --pr <n>                the pull request (review, release-gate; implement: the one to revise)
  --story <id>            the story id, repeated in the result
  --run-key <key>         the run key, repeated in the result (default: local-<time>)
  --context <json>        {"reason", "questions", "answer", "findings", "lessons"} as the app sends it
  --role <role>           the reviewer role (review)
  --repository <o/name>   default: GITHUB_REPOSITORY, else the origin remote of --repo
  --default-branch <b>    default: the repository's, from GitHub
  --prompts-dir <dir>     default: the prompts shipped with ai-orchestrator
  --remote <url>          where implement pushes (default: the origin remote of --repo)
  --result-path <file>    also write the result document to this file
  -h, --help              this text

Environment: GITHUB_API_URL (default https://api.github.com), GITHUB_TOKEN, ANTHROPIC_API_KEY,
ANTHROPIC_BASE_URL. Exit codes: 0 succeeded or needs_clarification, 1 failed, 2 bad input.`;

type Flags = Partial<Record<string, string | boolean>>;

const STRING_FLAGS = [
  'repo',
  'issue',
  'pr',
  'story',
  'run-key',
  'context',
  'role',
  'repository',
  'default-branch',
  'prompts-dir',
  'remote',
  'result-path',
] as const;

function parseFlags(args: readonly string[]): { stage?: string; flags: Flags } | { error: string } {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((name) => [name, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 1) return { error: `one stage at a time, got ${positionals.join(' ')}` };
    return { ...(positionals[0] === undefined ? {} : { stage: positionals[0] }), flags: values };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The origin remote's URL of `repo`, or undefined when it has none. */
async function originUrl(repo: string): Promise<string | undefined> {
  const { stdout, exitCode } = await runGit(['remote', 'get-url', 'origin'], {
    cwd: repo,
    okExitCodes: [0, 2, 128],
  });
  return exitCode === 0 && stdout.trim() !== '' ? stdout.trim() : undefined;
}

/** `owner/name` from a GitHub remote URL (https or scp-like ssh), or undefined. */
export function repositoryOfUrl(url: string | undefined): string | undefined {
  const match = url === undefined ? null : /[/:]([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** The result in a few lines for people; the document itself goes to --result-path. */
function describe(result: StageResult): string[] {
  const outcome = result.outcome;
  const head = `${result.stage}: ${outcome.status}`;
  if (outcome.status === 'failed') return [head, outcome.reason];
  if (outcome.status === 'needs_clarification') return [head, ...outcome.questions.map((q) => `? ${q}`)];
  return [head];
}

/**
 * Runs the command with `args` (the words after `stage`) and `env`. Resolves the exit code: 0 when the
 * stage succeeded or asks a question, 1 when it failed, 2 for bad flags or inputs.
 */
export async function stageCommand(
  args: readonly string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseFlags(args);
  if ('error' in parsed) {
    io.err(`stage: ${parsed.error}`);
    io.err(STAGE_USAGE);
    return EXIT.badInput;
  }
  const { flags } = parsed;
  if (flags.help) {
    io.out(STAGE_USAGE);
    return EXIT.ok;
  }
  const stage = parsed.stage;
  if (stage === undefined || !(STAGES as readonly string[]).includes(stage)) {
    io.err(
      `stage: name one of ${STAGES.join(', ')}${stage === undefined ? '' : `, not ${JSON.stringify(stage)}`}`,
    );
    return EXIT.badInput;
  }
  const text = (name: (typeof STRING_FLAGS)[number]) =>
    typeof flags[name] === 'string' ? (flags[name] as string) : undefined;
  const repo = text('repo');
  if (
    repo === undefined ||
    !(await stat(repo).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    io.err(
      `stage: --repo <dir> must name the checkout${repo === undefined ? '' : `; ${repo} is not a folder`}`,
    );
    return EXIT.badInput;
  }
  const origin = await originUrl(repo);
  const repository = text('repository') ?? env.GITHUB_REPOSITORY ?? repositoryOfUrl(origin) ?? '';
  const raw: RawInputs = {
    issue: text('issue') ?? '',
    pr: text('pr') ?? '',
    story: text('story') ?? '',
    run_key: text('run-key') ?? `local-${Date.now()}`,
    context: text('context') ?? '',
    role: text('role') ?? '',
    repository,
    workspace: repo,
    'prompts-dir': text('prompts-dir') ?? '',
    'default-branch': text('default-branch') ?? '',
  };
  let result: StageResult;
  try {
    const token = env.GITHUB_TOKEN ?? '';
    const inputs = parseStageInputs(stage as Stage, raw, {
      workspace: repo,
      promptsDir: () => findPromptsDir(path.dirname(fileURLToPath(import.meta.url))),
      remoteUrl: text('remote') ?? origin ?? '',
      ...(token === '' ? {} : { gitToken: token }),
    });
    result = await runStage(stage as Stage, inputs, {
      github: createGitHubClient({
        token,
        baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        retries: 3,
        log: io.err,
      }),
      model: () => createModelClient(env),
      env,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      now: Date.now,
      log: io.err,
    });
  } catch (error) {
    io.err(`stage: ${describeError(error)}`);
    return error instanceof InputError ? EXIT.badInput : EXIT.failed;
  }
  const resultPath = text('result-path');
  if (resultPath !== undefined) {
    try {
      await writeResultDocument(resultPath, result);
    } catch (error) {
      io.err(`stage: cannot write ${resultPath}: ${describeError(error)}`);
      return EXIT.failed;
    }
  }
  for (const line of describe(result)) io.err(line);
  io.out(JSON.stringify(result, null, 2));
  return result.outcome.status === 'failed' ? EXIT.failed : EXIT.ok;
}
