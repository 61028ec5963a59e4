/**
 * Which tools each role gets (design §6), and their definitions as the Messages API takes them.
 *
 * A role's toolbox holds only its own tools: a reviewer's run never constructs write_file, so a forged
 * call to it meets "no such tool", and the request the model sees offers no write tool at all.
 */
import { z } from 'zod';
import type { AgentRole } from '../../core/roles.js';
import { commandTool } from './command-tool.js';
import type { CommandToolOptions } from './command-tool.js';
import { listFilesTool, readFileTool, searchCodeTool } from './read-tools.js';
import { askClarificationTool, finishTool, submitPlanTool, submitVerdictTool } from './terminal-tools.js';
import type { AgentTool, ToolName } from './tool.js';
import { editFileTool, writeFileTool } from './write-tools.js';

const READ_TOOLS = ['list_files', 'read_file', 'search_code'] as const satisfies readonly ToolName[];

/** The tools of each kind of role, in the order they are offered to the model. */
export const ROLE_TOOLS = {
  planner: [...READ_TOOLS, 'submit_plan', 'ask_clarification'],
  developer: [...READ_TOOLS, 'write_file', 'edit_file', 'run_command', 'ask_clarification', 'finish'],
  reviewer: [...READ_TOOLS, 'submit_verdict'],
} as const satisfies Record<string, readonly ToolName[]>;

/** The tool names of a role: planner, developer, or one of the four reviewers. */
export function toolNamesForRole(role: AgentRole): readonly ToolName[] {
  return role === 'planner' || role === 'developer' ? ROLE_TOOLS[role] : ROLE_TOOLS.reviewer;
}

export interface ToolboxOptions {
  /** The policy's plan.max_stories, enforced by submit_plan. */
  maxStories: number;
  /** What run_command may run, and how; required when the role has run_command (the developer). */
  commands?: CommandToolOptions;
}

const FACTORIES: Record<ToolName, (options: ToolboxOptions) => AgentTool> = {
  list_files: () => listFilesTool,
  read_file: () => readFileTool,
  search_code: () => searchCodeTool,
  write_file: () => writeFileTool,
  edit_file: () => editFileTool,
  run_command: (options) => {
    if (!options.commands) throw new Error('the developer role needs its command allow-list (commands)');
    return commandTool(options.commands);
  },
  submit_plan: (options) => submitPlanTool(options.maxStories),
  submit_verdict: () => submitVerdictTool,
  ask_clarification: () => askClarificationTool,
  finish: () => finishTool,
};

/** Builds exactly the tools of `role`, in ROLE_TOOLS order. Throws when the developer has no `commands`. */
export function toolboxForRole(role: AgentRole, options: ToolboxOptions): AgentTool[] {
  return toolNamesForRole(role).map((name) => FACTORIES[name](options));
}

/** A JSON value with every object's keys in sorted order, so its serialisation is byte-stable. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The API definition of a tool: its name, description and input JSON schema (keys sorted, no `$schema`). */
export interface ApiTool {
  name: string;
  description: string;
  input_schema: { type: 'object'; [key: string]: unknown };
}

export function apiTool(tool: AgentTool): ApiTool {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  if (schema.type !== 'object') throw new Error(`the input schema of ${tool.name} is not an object schema`);
  return {
    name: tool.name,
    description: tool.description,
    input_schema: sortKeys(schema) as ApiTool['input_schema'],
  };
}
