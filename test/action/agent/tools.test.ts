import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listFilesTool, readFileTool, searchCodeTool } from '../../../action/agent/read-tools.js';
import type { AgentTool, ToolContext } from '../../../action/agent/tool.js';
import { ToolError } from '../../../action/agent/tool-error.js';
import { apiTool, toolboxForRole } from '../../../action/agent/toolbox.js';
import { openWorkspace } from '../../../action/agent/workspace.js';
import { editFileTool, writeFileTool } from '../../../action/agent/write-tools.js';
import { REVIEWER_ROLES } from '../../../core/roles.js';
import type { AgentRole } from '../../../core/roles.js';
import { tempRepo } from './helpers.js';

let repo: { root: string; remove(): Promise<void> };
let context: ToolContext;

beforeEach(async () => {
  repo = await tempRepo({
    'README.md': '# Demo\n',
    'src/a.ts': 'export const a = 1;\nexport function callA() {\n  return a;\n}\n',
    'src/b.ts': "import { a } from './a.js';\nconsole.log(A);\n",
    'src/img.bin': 'PNG\u0000\u0001',
    'node_modules/dep/index.js': 'export const a = 2;\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
  });
  context = { workspace: await openWorkspace(repo.root, ['.github/**']), filesChanged: new Set() };
});

afterEach(async () => {
  await repo.remove();
});

async function output(tool: AgentTool, input: unknown): Promise<string> {
  const outcome = await tool.invoke(input, context);
  if (outcome.kind !== 'output') throw new Error(`${tool.name} ended the run`);
  return outcome.content;
}

async function error(tool: AgentTool, input: unknown): Promise<string> {
  try {
    await tool.invoke(input, context);
  } catch (thrown) {
    if (thrown instanceof ToolError) return `${thrown.kind}: ${thrown.message}`;
    throw thrown;
  }
  throw new Error(`${tool.name} did not fail`);
}

/** The text between a fenced section's markers. */
const fencedBody = (text: string) =>
  /<<<BEGIN (DATA-[0-9a-f]+)[^\n]*>>>\n([\s\S]*)\n<<<END \1>>>$/.exec(text)?.[2];

describe('list_files', () => {
  it('lists files sorted, skipping .git and node_modules', async () => {
    expect(await output(listFilesTool, {})).toBe(
      '4 file(s) under .\nREADME.md\nsrc/a.ts\nsrc/b.ts\nsrc/img.bin',
    );
  });

  it('filters by folder and glob and caps the number shown', async () => {
    expect(await output(listFilesTool, { path: 'src', glob: '**/*.ts' })).toBe(
      '2 file(s) under src\nsrc/a.ts\nsrc/b.ts',
    );
    expect(await output(listFilesTool, { max_results: 1 })).toBe(
      '4 file(s) under . (3 more not shown; narrow with path or glob)\nREADME.md',
    );
  });

  it('refuses a file or a folder outside the root', async () => {
    expect(await error(listFilesTool, { path: 'README.md' })).toBe(
      'failed: "README.md" is a file, not a folder',
    );
    expect(await error(listFilesTool, { path: '..' })).toMatch(/^refused: ".." leaves the repository/);
  });
});

describe('read_file', () => {
  it('returns the exact content fenced as data, with the line range', async () => {
    const text = await output(readFileTool, { path: 'src/a.ts' });
    expect(text.split('\n')[1]).toMatch(/^<<<BEGIN DATA-[0-9a-f]{16} file src\/a.ts, lines 1-4 of 4>>>$/);
    expect(fencedBody(text)).toBe('export const a = 1;\nexport function callA() {\n  return a;\n}');
  });

  it('returns a window of lines', async () => {
    const text = await output(readFileTool, { path: 'src/a.ts', start_line: 2, max_lines: 2 });
    expect(text).toContain('lines 2-3 of 4');
    expect(fencedBody(text)).toBe('export function callA() {\n  return a;');
    expect(await error(readFileTool, { path: 'src/a.ts', start_line: 9 })).toBe(
      'failed: "src/a.ts" has 4 lines; start_line 9 is past the end',
    );
  });

  it('refuses binary files, folders, .git and invalid input', async () => {
    expect(await error(readFileTool, { path: 'src/img.bin' })).toBe('failed: "src/img.bin" is a binary file');
    expect(await error(readFileTool, { path: 'src' })).toBe('failed: "src" is a folder; use list_files');
    expect(await error(readFileTool, { path: '.git/HEAD' })).toMatch(/^refused: ".git\/HEAD" is inside .git/);
    expect(await error(readFileTool, { path: 'src/a.ts', extra: 1 })).toBe(
      'invalid: invalid input for read_file:\n- extra: unknown key',
    );
  });
});

describe('search_code', () => {
  it('finds a literal text, case-sensitive by default, skipping node_modules and binaries', async () => {
    const text = await output(searchCodeTool, { query: 'a =' });
    expect(fencedBody(text)).toBe('src/a.ts:1: export const a = 1;');
  });

  it('searches case-insensitively on request and reports what it left out', async () => {
    const text = await output(searchCodeTool, {
      query: 'A',
      case_sensitive: false,
      max_results: 2,
      path: 'src',
    });
    expect(text).toContain(
      'search results for the literal text above, 2 line(s); 3 more matching line(s) not shown',
    );
    expect(fencedBody(text)).toBe('src/a.ts:1: export const a = 1;\nsrc/a.ts:2: export function callA() {');
  });

  it('says when nothing matches, and treats the query as text, not a pattern', async () => {
    expect(await output(searchCodeTool, { query: '(a+)+$' })).toBe('No line matches "(a+)+$".');
  });
});

describe('write_file and edit_file', () => {
  it('creates files in new folders and records them', async () => {
    expect(await output(writeFileTool, { path: 'src/new/c.ts', content: 'export const c = 3;\n' })).toBe(
      'created src/new/c.ts (20 bytes)',
    );
    expect(await output(writeFileTool, { path: 'README.md', content: '# Demo 2\n' })).toBe(
      'replaced README.md (9 bytes)',
    );
    expect(await readFile(path.join(repo.root, 'src/new/c.ts'), 'utf8')).toBe('export const c = 3;\n');
    expect([...context.filesChanged].sort()).toEqual(['README.md', 'src/new/c.ts']);
  });

  it('edits one exact occurrence, literally', async () => {
    expect(
      await output(editFileTool, { path: 'src/a.ts', old_string: 'return a;', new_string: 'return a + $&;' }),
    ).toBe('edited src/a.ts: replaced 1 occurrence(s)');
    expect(await readFile(path.join(repo.root, 'src/a.ts'), 'utf8')).toContain('  return a + $&;\n');
  });

  it('refuses an ambiguous or missing old_string, and edits all on request', async () => {
    await writeFile(path.join(repo.root, 'src/twice.ts'), 'x x');
    expect(await error(editFileTool, { path: 'src/twice.ts', old_string: 'x', new_string: 'y' })).toBe(
      'failed: old_string occurs 2 times in src/twice.ts; quote more context to make it unique, or set replace_all',
    );
    expect(await error(editFileTool, { path: 'src/twice.ts', old_string: 'z', new_string: 'y' })).toBe(
      'failed: old_string was not found in src/twice.ts; read the file and quote it exactly',
    );
    expect(await error(editFileTool, { path: 'src/none.ts', old_string: 'z', new_string: 'y' })).toBe(
      'failed: "src/none.ts" does not exist; use write_file to create it',
    );
    await output(editFileTool, { path: 'src/twice.ts', old_string: 'x', new_string: 'y', replace_all: true });
    expect(await readFile(path.join(repo.root, 'src/twice.ts'), 'utf8')).toBe('y y');
  });

  it('refuses protected paths and writes outside the root', async () => {
    expect(await error(writeFileTool, { path: '.github/workflows/x.yml', content: 'on: push' })).toMatch(
      /^refused: ".github\/workflows\/x.yml" is a protected path/,
    );
    expect(await error(writeFileTool, { path: '/tmp/x', content: '' })).toMatch(
      /^refused: "\/tmp\/x" is absolute/,
    );
    expect(context.filesChanged.size).toBe(0);
  });
});

describe('toolboxes', () => {
  const commands = { allowedCommands: ['npm test'], timeoutMs: 1000, maxOutputChars: 1000, baseEnv: {} };

  it('gives each role exactly the tools of design §6', () => {
    const names = (role: AgentRole) =>
      toolboxForRole(role, { maxStories: 3, commands }).map((tool) => tool.name);
    expect(names('planner')).toEqual([
      'list_files',
      'read_file',
      'search_code',
      'submit_plan',
      'ask_clarification',
    ]);
    expect(names('developer')).toEqual([
      'list_files',
      'read_file',
      'search_code',
      'write_file',
      'edit_file',
      'run_command',
      'ask_clarification',
      'finish',
    ]);
    for (const role of REVIEWER_ROLES) {
      expect(names(role)).toEqual(['list_files', 'read_file', 'search_code', 'submit_verdict']);
    }
  });

  it('needs the command allow-list for the developer', () => {
    expect(() => toolboxForRole('developer', { maxStories: 3 })).toThrow(
      'the developer role needs its command allow-list (commands)',
    );
  });

  it('describes tools to the API as object schemas with sorted keys', () => {
    for (const tool of toolboxForRole('developer', { maxStories: 3, commands })) {
      const definition = apiTool(tool);
      expect(definition.input_schema.type).toBe('object');
      expect(definition.input_schema).not.toHaveProperty('$schema');
      expect(Object.keys(definition.input_schema)).toEqual([...Object.keys(definition.input_schema)].sort());
    }
    expect(apiTool(toolboxForRole('developer', { maxStories: 3, commands })[5]!).input_schema).toEqual({
      additionalProperties: false,
      properties: {
        command: {
          description: 'One of the allowed command lines, exactly as listed.',
          enum: ['npm test'],
          type: 'string',
        },
      },
      required: ['command'],
      type: 'object',
    });
  });
});
