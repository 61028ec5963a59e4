/**
 * Reads a role's prompt. Prompts steer the agents, so they come from the action's own checkout (the
 * default branch), never from the branch under work, where a pull request could rewrite its own rules
 * (design §7, checklist C 30): the caller passes that folder explicitly.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentRole } from '../../core/roles.js';

/** Largest prompt file accepted; a larger one is a mistake, not a prompt. */
const MAX_PROMPT_BYTES = 64 * 1024;

/**
 * The text of `<promptsDir>/<role>.md`, with line endings normalised to `\n` and trailing whitespace
 * removed, so the cached prompt prefix is byte-identical whatever the checkout's line-ending settings.
 * Throws naming the file when it is missing, empty or larger than 64 KiB.
 */
export async function loadRolePrompt(promptsDir: string, role: AgentRole): Promise<string> {
  const file = path.join(promptsDir, `${role}.md`);
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the ${role} prompt ${file}: ${error.code ?? error.message}`);
  });
  if (bytes.length > MAX_PROMPT_BYTES)
    throw new Error(`the ${role} prompt ${file} is larger than ${MAX_PROMPT_BYTES} bytes`);
  const text = bytes.toString('utf8').replace(/\r\n?/g, '\n').trimEnd();
  if (text === '') throw new Error(`the ${role} prompt ${file} is empty`);
  return text;
}
