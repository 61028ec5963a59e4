/**
 * The brief: the 30–50 line plain-text summary an agent reads before it works on a story. Assembled
 * mechanically from the detected facts; never longer than MAX_BRIEF_LINES, because a short, precise
 * brief is the point (a giant prompt buries the facts that matter). When it would be longer, the
 * longest lists (relevant files first) lose their last items and their headings say how many.
 */
import type { CallerGroup, Conventions, FileSource, RelevantFile, Stack } from './types.js';

export const MAX_BRIEF_LINES = 50;
/** Lines are cut at this many characters so one long path list can't turn into a wall of text. */
export const MAX_LINE_CHARS = 180;

export interface BriefInput {
  repoName: string;
  trackedFiles: { count: number; source: FileSource };
  storyTitle?: string;
  /** Number of files the diff changes, when a diff was given. */
  diffFiles?: number;
  stacks: readonly Stack[];
  conventions: Conventions;
  relevantFiles: readonly RelevantFile[];
  callers: readonly CallerGroup[];
  searchTruncated: boolean;
  lessons: readonly string[];
}

/** A titled list; `min` items survive any trimming, `omitted` counts what trimming removed. */
interface Section {
  title: string;
  items: string[];
  min: number;
  omitted: number;
}

/** Shortens `line` to MAX_LINE_CHARS with an ellipsis. */
export function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line;
}

/** One line per stack: where, what, the commands that exist, and its notes. */
export function stackLine(stack: Stack): string {
  const what = [
    stack.kind,
    stack.packageManager,
    stack.workspace ? `workspace ${stack.workspace}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  const commands = (['test', 'lint', 'build', 'typecheck'] as const)
    .filter((name) => stack[name] !== undefined)
    .map((name) => `${name}: ${stack[name]}`);
  const notes = stack.notes.length > 0 ? ` (${stack.notes.join('; ')})` : '';
  return `- ${stack.path} [${what}] ${commands.length > 0 ? commands.join(' | ') : 'no commands'}${notes}`;
}

/** Stacks sharing everything but their folder are listed on one line when there are at least this many. */
const GROUP_AT = 3;
/** Folders named on a grouped line before the ellipsis. */
const GROUP_NAMES = 3;

// One collator for every comparison: localeCompare with options builds a new one per call.
const NATURAL = new Intl.Collator('en', { numeric: true });

function naturalCompare(a: string, b: string): number {
  return NATURAL.compare(a, b);
}

/** True when `file` lies in the stack's folder. */
function contains(stack: Stack, file: string): boolean {
  return stack.path === '.' || file.startsWith(`${stack.path}/`);
}

/**
 * The stack lines, most useful first: the root, then the sub-projects that hold the relevant files (in
 * the files' order), one line each; then the rest in natural path order, where stacks that differ only
 * by folder (a workspace's many packages) share one line.
 */
export function stackItems(stacks: readonly Stack[], relevantFiles: readonly RelevantFile[]): string[] {
  const rankOf = (stack: Stack) => {
    if (stack.path === '.') return -1;
    const at = relevantFiles.findIndex((f) => contains(stack, f.path));
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  const ordered = [...stacks].sort((a, b) => rankOf(a) - rankOf(b) || naturalCompare(a.path, b.path));
  const items: string[] = [];
  const groups = new Map<string, Stack[]>();
  for (const stack of ordered) {
    if (rankOf(stack) !== Number.MAX_SAFE_INTEGER) {
      items.push(stackLine(stack));
      continue;
    }
    const key = stackLine({ ...stack, path: '' });
    const group = groups.get(key) ?? [];
    group.push(stack);
    groups.set(key, group);
  }
  for (const [, group] of groups) {
    if (group.length < GROUP_AT) {
      items.push(...group.map(stackLine));
      continue;
    }
    const names = group.slice(0, GROUP_NAMES).map((s) => s.path);
    const folders = `${group.length} folders (${names.join(', ')}${group.length > GROUP_NAMES ? ', …' : ''})`;
    items.push(stackLine({ ...(group[0] as Stack), path: folders }));
  }
  return items;
}

function conventionItems(conventions: Conventions): string[] {
  const items: string[] = [];
  if (conventions.languages.length > 0) {
    items.push(
      `- Languages: ${conventions.languages.map((l) => `${l.language} ${l.percent}% (${l.files})`).join(', ')}`,
    );
  }
  items.push(
    conventions.tools.length > 0
      ? `- Lint/format/type configs: ${conventions.tools.map((t) => `${t.tool} (${t.files.join(', ')})`).join('; ')}`
      : '- Lint/format/type configs: none found',
  );
  const tests = conventions.tests;
  if (tests.total === 0) items.push('- Tests: no test files found by name');
  else {
    const patterns = tests.patterns
      .slice(0, 3)
      .map((p) => `${p.pattern} ×${p.count} (e.g. ${p.example})`)
      .join(', ');
    const where = [
      tests.dirs.length > 0 ? `under ${tests.dirs.map((d) => `${d}/`).join(', ')}` : undefined,
      tests.colocated > 0 ? `${tests.colocated} beside the code` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join('; ');
    items.push(`- Tests: ${tests.total} files; ${patterns}; ${where}`);
  }
  for (const note of conventions.notes) items.push(`- ${note}`);
  return items;
}

function callerLine(group: CallerGroup): string {
  const defined = group.definedAt.length > 0 ? `, defined at ${group.definedAt.join(', ')}` : '';
  const head = `- ${group.symbol} (${group.source === 'diff' ? 'changed by the diff' : 'named in the story'}${defined}): `;
  if (group.total === 0) return `${head}no uses found`;
  // Add sites while they fit on the line, then say how many were left out.
  let line = head;
  let shown = 0;
  for (const site of group.sites) {
    const piece = `${shown > 0 ? ', ' : ''}${site.file}:${site.line}`;
    const rest = group.total - shown - 1;
    const tail = rest > 0 ? ` (+${rest} more)` : '';
    if ((line + piece + tail).length > MAX_LINE_CHARS && shown > 0) break;
    line += piece;
    shown++;
  }
  return group.total > shown ? `${line} (+${group.total - shown} more)` : line;
}

/** Trims the sections' items, longest list above its minimum first, until `lines` fit in `budget`. */
function fit(sections: Section[], fixedLines: number, budget: number): void {
  const count = () => fixedLines + sections.reduce((n, s) => n + 1 + s.items.length, 0) + sections.length - 1;
  while (count() > budget) {
    let victim: Section | undefined;
    for (const s of sections) {
      if (s.items.length > s.min && (!victim || s.items.length - s.min > victim.items.length - victim.min))
        victim = s;
    }
    if (!victim) return;
    victim.items.pop();
    victim.omitted++;
  }
}

/**
 * Renders the brief. Sections: a header (repository, story, a warning when no test command exists),
 * stacks and commands, conventions, relevant files, callers, lessons. Sections without content for this
 * run (no story, no lessons) are left out rather than padded.
 */
export function renderBrief(input: BriefInput): string {
  const header = [
    `Context brief for ${input.repoName}: ${input.trackedFiles.count} tracked files (${input.trackedFiles.source === 'git' ? 'git ls-files' : 'folder walk, not a git repository'}), assembled mechanically.`,
  ];
  if (input.storyTitle !== undefined) header.push(`Story: ${input.storyTitle}`);
  if (input.diffFiles !== undefined) header.push(`Diff: ${input.diffFiles} file(s) changed.`);
  if (!input.stacks.some((s) => s.test !== undefined)) {
    header.push(
      'No test command was found in this repository: none is given below, and none should be assumed.',
    );
  }

  const sections: Section[] = [
    {
      title: 'Stacks and commands (run each from its folder)',
      items: stackItems(input.stacks, input.relevantFiles),
      min: 3,
      omitted: 0,
    },
    { title: 'Conventions', items: conventionItems(input.conventions), min: 3, omitted: 0 },
  ];
  if (input.storyTitle !== undefined || input.diffFiles !== undefined) {
    const subject = input.storyTitle !== undefined ? 'the story' : 'the diff';
    sections.push({
      title: `Files relevant to ${subject} (best first)`,
      items:
        input.relevantFiles.length > 0
          ? input.relevantFiles.map((f) => `- ${f.path}: ${f.reasons.join('; ')}`)
          : [`- no tracked file matched ${subject}'s words, paths or identifiers`],
      min: 5,
      omitted: 0,
    });
  }
  if (input.callers.length > 0) {
    sections.push({
      title: `Callers of the symbols the story names or the diff changes${input.searchTruncated ? ' (search bounded: may be incomplete)' : ''}`,
      items: input.callers.map(callerLine),
      min: 3,
      omitted: 0,
    });
  }
  if (input.lessons.length > 0) {
    sections.push({
      title: 'Lessons from earlier runs in this repository',
      items: input.lessons.map((lesson, i) => `${i + 1}. ${lesson}`),
      min: input.lessons.length,
      omitted: 0,
    });
  }

  // One blank line between the header and each section.
  fit(sections, header.length + 1, MAX_BRIEF_LINES);
  const lines = [...header];
  for (const s of sections) {
    lines.push('', `${s.title}${s.omitted > 0 ? ` (${s.omitted} more not shown)` : ''}:`, ...s.items);
  }
  return lines.slice(0, MAX_BRIEF_LINES).map(clip).join('\n');
}
