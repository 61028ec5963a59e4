/**
 * The developer's run_command tool: runs one command from an allow-list given by the stage (the detected
 * build, test and lint commands plus the policy's `implement.allowed_commands`), compared as exact text,
 * in the repository root, with a time limit and an environment without secrets (child-env.ts). Its output
 * is trimmed, and token-shaped secrets in it are redacted before the model sees it.
 */
import { z } from 'zod';
import { fenceUntrusted, redactSecrets } from '../../core/sanitize.js';
import { childEnvironment } from './child-env.js';
import { runCommand } from './run-command.js';
import { actionTool } from './tool.js';
import type { AgentTool } from './tool.js';
import { ToolError } from './tool-error.js';

export interface CommandToolOptions {
  /** The only command lines that may run, each compared as exact text. */
  allowedCommands: readonly string[];
  /** Time limit of one command. */
  timeoutMs: number;
  /** Most characters of output returned to the model. */
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
      const result = await runCommand(input.command, {
        cwd: workspace.realRoot,
        env: childEnvironment(options.baseEnv).env,
        timeoutMs: options.timeoutMs,
        maxOutputChars: options.maxOutputChars,
      });
      const status = result.startError
        ? `could not start: ${result.startError}`
        : result.timedOut
          ? `killed after the time limit of ${Math.round(options.timeoutMs / 1000)} s`
          : result.exitCode === null
            ? `ended by signal ${result.signal ?? 'unknown'}`
            : `exit code ${result.exitCode}`;
      const head = redactSecrets(`$ ${input.command}\n${status} (${result.durationMs} ms)`).text;
      const output = redactSecrets(result.output).text;
      return output === '' ? `${head}\n(no output)` : `${head}\n${fenceUntrusted('command output', output)}`;
    },
  });
}
