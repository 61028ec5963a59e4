/**
 * The developer's write tools: write_file and edit_file. Only the developer's toolbox holds them; every
 * path goes through resolveForWrite (inside the repository, not .git, not protected, not a symbolic link).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { actionTool } from './tool.js';
import type { AgentTool } from './tool.js';
import { ToolError } from './tool-error.js';
import { resolveForWrite } from './workspace.js';

/** Largest file content a write may carry. */
const MAX_CONTENT_CHARS = 1_000_000;

const filePath = z
  .string({ error: 'expected a repository-relative file path' })
  .min(1, { error: 'expected a repository-relative file path' })
  .max(1000, { error: 'expected a path of at most 1000 characters' })
  .describe('File path relative to the repository root, with "/" between folders.');

const content = (description: string, min: number) =>
  z
    .string({ error: 'expected text' })
    .min(min, { error: min > 0 ? 'expected non-empty text' : 'expected text' })
    .max(MAX_CONTENT_CHARS, { error: `expected at most ${MAX_CONTENT_CHARS} characters` })
    .describe(description);

export const writeFileTool: AgentTool = actionTool({
  name: 'write_file',
  description:
    'Create a file, or replace a whole file, with the given content (folders are created). Protected paths, ' +
    '.git and paths outside the repository are refused.',
  schema: z.strictObject({ path: filePath, content: content('The complete new content of the file.', 0) }),
  run: async (input, context) => {
    const { relative, absolute } = await resolveForWrite(context.workspace, input.path);
    const existed = await stat(absolute).then(
      () => true,
      () => false,
    );
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, input.content, 'utf8');
    context.filesChanged.add(relative);
    return `${existed ? 'replaced' : 'created'} ${relative} (${Buffer.byteLength(input.content, 'utf8')} bytes)`;
  },
});

/** How many times `needle` occurs in `haystack`, without overlaps. */
function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

export const editFileTool: AgentTool = actionTool({
  name: 'edit_file',
  description:
    'Replace text in an existing file: old_string must appear exactly once (quote enough surrounding lines to ' +
    'make it unique) unless replace_all is true. Protected paths, .git and paths outside the repository are refused.',
  schema: z.strictObject({
    path: filePath,
    old_string: content('The exact text to replace, as it is in the file.', 1),
    new_string: content('The text to put in its place.', 0),
    replace_all: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe('Replace every occurrence instead of exactly one.'),
  }),
  run: async (input, context) => {
    const { relative, absolute } = await resolveForWrite(context.workspace, input.path);
    const text = await readFile(absolute, 'utf8').catch(() => {
      throw new ToolError('failed', `"${input.path}" does not exist; use write_file to create it`);
    });
    const count = occurrences(text, input.old_string);
    if (count === 0)
      throw new ToolError(
        'failed',
        `old_string was not found in ${relative}; read the file and quote it exactly`,
      );
    if (count > 1 && !input.replace_all) {
      throw new ToolError(
        'failed',
        `old_string occurs ${count} times in ${relative}; quote more context to make it unique, or set replace_all`,
      );
    }
    // split/join replaces literally: `$&` and friends in new_string mean nothing here.
    const updated = input.replace_all
      ? text.split(input.old_string).join(input.new_string)
      : text.replace(input.old_string, () => input.new_string);
    await writeFile(absolute, updated, 'utf8');
    context.filesChanged.add(relative);
    return `edited ${relative}: replaced ${input.replace_all ? count : 1} occurrence(s)`;
  },
});
