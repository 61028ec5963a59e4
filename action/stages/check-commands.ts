/**
 * The commands that verify a change: the build, type-check, lint and test commands context assembly
 * detected for each stack, in that order (a broken build makes every later failure noise), each run from
 * its stack's folder with the policy's time limit. Pure.
 */
import type { Policy } from '../../core/policy.js';
import type { Stack } from '../context/types.js';
import type { CheckCommand } from '../executor/run-checks.js';
import { commandTimeoutMs } from '../executor/run-checks.js';

const KINDS = ['build', 'typecheck', 'lint', 'test'] as const;
export type CheckKind = (typeof KINDS)[number];

/** `text` as one single-quoted shell word: a folder name can't inject anything into the command line. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command line that runs `command` in the stack's folder (`cd <dir> && …` unless it is the root). */
export function inFolder(path: string, command: string): string {
  return path === '.' || path === '' ? command : `cd ${shellQuote(path)} && ${command}`;
}

/** A check's name for people: `test`, or `test (packages/api)` for a sub-project. */
const checkName = (kind: CheckKind, path: string) => (path === '.' ? kind : `${kind} (${path})`);

/**
 * The checks of `stacks` of the given `kinds` (default: all four), in kind order across stacks, each
 * distinct command line once.
 */
export function checkCommands(
  stacks: readonly Stack[],
  policy: Pick<Policy, 'implement'>,
  kinds: readonly CheckKind[] = KINDS,
): CheckCommand[] {
  const timeoutMs = commandTimeoutMs(policy);
  const seen = new Set<string>();
  const commands: CheckCommand[] = [];
  for (const kind of KINDS.filter((k) => kinds.includes(k))) {
    for (const stack of stacks) {
      const command = stack[kind];
      if (command === undefined) continue;
      const line = inFolder(stack.path, command);
      if (seen.has(line)) continue;
      seen.add(line);
      commands.push({ name: checkName(kind, stack.path), command: line, timeoutMs });
    }
  }
  return commands;
}
