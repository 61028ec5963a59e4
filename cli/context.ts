/**
 * `ai-orchestrator context`: context assembly on a local checkout, the same function the actions call.
 * Prints the brief, or with --json every detected fact and the brief.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { assembleContext } from '../action/context/assemble.js';
import { MAX_LESSONS, TooManyLessonsError } from '../action/context/lessons.js';
import type { CliIO } from './io.js';
import { EXIT } from './io.js';

export const CONTEXT_USAGE = `Usage: ai-orchestrator context --repo <dir> [--story <file.md>] [--diff <file>] [--lessons <file>] [--json]

Assembles the context an agent gets before working on a story: the detected stacks with their
test/lint/build commands, conventions, files relevant to the story, callers of the symbols it names
(or the diff changes), the repository's lessons, and the 30-50 line brief built from them.

  --repo <dir>       the repository (a git work tree; any other folder is walked)
  --story <file.md>  the story, as markdown
  --diff <file>      a unified diff (git diff output) whose changed symbols' callers are listed
  --lessons <file>   the repository's lessons, one per line, at most ${MAX_LESSONS}
  --json             print {"stacks", "conventions", "relevantFiles", "callers", "lessons", "brief", ...}
  -h, --help         this text

Exit codes: 0 done, 1 failed, 2 bad input (missing --repo, not a folder, unreadable file).`;

type Flags = {
  repo?: string;
  story?: string;
  diff?: string;
  lessons?: string;
  json?: boolean;
  help?: boolean;
};

/** Parses the flags; returns an error message for unknown flags or missing values. */
function parseFlags(args: readonly string[]): { flags: Flags } | { error: string } {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        repo: { type: 'string' },
        story: { type: 'string' },
        diff: { type: 'string' },
        lessons: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    return { flags: values };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads an optional input file through `io`; `what` names it in the error message. */
async function readInput(
  io: CliIO,
  path: string | undefined,
  what: string,
): Promise<{ text?: string; error?: string }> {
  if (path === undefined) return {};
  try {
    return { text: await io.readText(path) };
  } catch (error) {
    return { error: `cannot read the ${what} file ${path}: ${(error as Error).message}` };
  }
}

/**
 * Runs the command with `args` (the words after `context`). Resolves the exit code: 0 on success,
 * 2 for bad input (usage errors, --repo missing or not a folder, an unreadable story/diff/lessons file,
 * too many lessons), 1 when assembly itself fails.
 */
export async function contextCommand(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseFlags(args);
  if ('error' in parsed) {
    io.err(`context: ${parsed.error}`);
    io.err(CONTEXT_USAGE);
    return EXIT.badInput;
  }
  const { flags } = parsed;
  if (flags.help) {
    io.out(CONTEXT_USAGE);
    return EXIT.ok;
  }
  if (flags.repo === undefined || flags.repo === '') {
    io.err('context: --repo <dir> is required');
    io.err(CONTEXT_USAGE);
    return EXIT.badInput;
  }
  if (!(await isDirectory(flags.repo))) {
    io.err(`context: --repo ${flags.repo} is not a directory`);
    return EXIT.badInput;
  }
  const story = await readInput(io, flags.story, 'story');
  const diff = await readInput(io, flags.diff, 'diff');
  const lessonsFile = await readInput(io, flags.lessons, 'lessons');
  const inputError = story.error ?? diff.error ?? lessonsFile.error;
  if (inputError) {
    io.err(`context: ${inputError}`);
    return EXIT.badInput;
  }
  const lessons = lessonsFile.text
    ?.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

  let result;
  try {
    result = await assembleContext({
      repoDir: flags.repo,
      ...(story.text !== undefined ? { story: story.text } : {}),
      ...(diff.text !== undefined ? { diff: diff.text } : {}),
      ...(lessons !== undefined ? { lessons } : {}),
    });
  } catch (error) {
    if (error instanceof TooManyLessonsError) {
      io.err(`context: ${flags.lessons}: ${error.message}`);
      return EXIT.badInput;
    }
    io.err(`context: assembly failed: ${(error as Error).message}`);
    return EXIT.failed;
  }
  if (flags.json) io.out(JSON.stringify(result, null, 2));
  else for (const line of result.brief.split('\n')) io.out(line);
  return EXIT.ok;
}
