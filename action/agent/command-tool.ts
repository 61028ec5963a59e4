/**
 * The developer's run_command tool: runs one command from an allow-list given by the stage (the detected
 * build, test and lint commands plus the policy's `implement.allowed_commands`), compared as exact text,
 * in the repository root. It runs through the executor (action/executor runChecks) exactly as the stage's
 * own checks do: a time limit, an environment without secrets (child-env.ts) and output trimmed to the
 * failures first. Token-shaped secrets in what comes back are redacted before the model sees it.
 *
 * The executor runs a line under `bash -c`. That is safe here because only exact allow-list lines, which
 * come from stack detection and the default-branch policy, ever run; the model chooses among them and
 * cannot add a single character.
 */
import { z } from 'zod';
import { fenceUntrusted, redactSecrets } from '../../core/sanitize.js';
import { describeFailure, runChecks } from '../executor/run-checks.js';
import { actionTool } from './tool.js';
import type { AgentTool } from './tool.js';
import { ToolError } from './tool-error.js';

export interface CommandToolOptions {
  /** The only command lines that may run, each compared as exact text. */
  allowedCommands: readonly string[];
  /** Time limit of one command. */
  timeoutMs: number;
  /** Most characters of (trimmed) output returned to the model. */
  maxOutputChars: number;
  /** The environment to filter for the child (normally process.env). */
  baseEnv: NodeJS.ProcessEnv;
}

/**
 * Checks an allow-list before it is offered to a model: each entry one printable line of at most 300
 * characters. Throws naming the bad entry, since a stage configured wrongly must not start.
 */
export function checkAllowedCommands(commands: readonly string[]): string[] {
  const unique = [...new Set(commands)];
  for (const command of unique) {
    if (command.trim() === '' || command.length > 300 || /[\p{Cc}\p{Cf}]/u.test(command)) {
      throw new Error(
        `allowed command ${JSON.stringify(command)} must be one printable line of 1 to 300 characters`,
      );
    }
  }
  return unique;
}

/** The run_command tool for one run; the allow-list is part of its input schema, so the model sees it. */
export function commandTool(options: CommandToolOptions): AgentTool {
  const allowed = checkAllowedCommands(options.allowedCommands);
  const [first, ...rest] = allowed;
  const command =
    first === undefined
      ? z.string({ error: 'expected a command line' }).describe('No command is allowed in this repository.')
      : z
          .enum([first, ...rest], {
            error: `expected exactly one of the allowed commands: ${allowed.join(' | ')}`,
          })
          .describe('One of the allowed command lines, exactly as listed.');
  return actionTool({
    name: 'run_command',
    description:
      'Run one of the allowed build, test or lint commands in the repository root and get its exit code and ' +
      `output (trimmed). Only the listed commands run, exactly as written; the time limit is ${Math.round(options.timeoutMs / 1000)} s.`,
    schema: z.strictObject({ command }),
    run: async (input, { workspace }) => {
      // The schema already holds the list; the check is repeated because the schema is not the guard.
      if (!allowed.includes(input.command)) {
        throw new ToolError(
          'refused',
          allowed.length === 0
            ? 'no command is allowed in this repository (no build/test/lint command was detected and the policy allows none)'
            : `"${input.command}" is not an allowed command; allowed: ${allowed.join(' | ')}`,
        );
      }
      const outcome = await runChecks(
        [{ name: 'the command', command: input.command, timeoutMs: options.timeoutMs }],
        {
          cwd: workspace.realRoot,
          env: options.baseEnv,
          maxOutputChars: options.maxOutputChars,
        },
      );
      const result = outcome.results[0]!;
      const status = result.ok ? 'passed (exit code 0)' : describeFailure(result);
      const head = redactSecrets(`$ ${input.command}\n${status} (${result.durationMs} ms)`).text;
      const output = redactSecrets(result.output).text;
      return output === '' ? `${head}\n(no output)` : `${head}\n${fenceUntrusted('command output', output)}`;
    },
  });
}
