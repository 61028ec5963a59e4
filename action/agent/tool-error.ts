/**
 * A tool call the orchestrator will not, or could not, carry out. Its message goes back to the model as an
 * `is_error` tool result, so it says what was wrong and what to do instead.
 *
 * - `invalid`: the input does not match the tool's schema, or the tool does not exist for this role;
 * - `refused`: the input is well-formed but forbidden (a path outside the repository, a protected path,
 *   a command not on the allow-list);
 * - `failed`: allowed, but it did not work (no such file, text to replace not found).
 */
export type ToolErrorKind = 'invalid' | 'refused' | 'failed';

export class ToolError extends Error {
  constructor(
    readonly kind: ToolErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}
