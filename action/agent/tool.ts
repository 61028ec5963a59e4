/**
 * What an agent tool is: a name, a description for the model, a zod input schema (also sent to the API
 * as JSON schema) and an implementation. Input is validated before anything runs; a tool either produces
 * text for the model (an action tool) or ends the run with a typed result (a terminal tool).
 */
import type { z } from 'zod';
import { issuesToLines } from '../../core/results.js';
import type { Plan, Verdict } from '../../core/results.js';
import { ToolError } from './tool-error.js';
import type { Workspace } from './workspace.js';

export const TOOL_NAMES = [
  'list_files',
  'read_file',
  'search_code',
  'write_file',
  'edit_file',
  'run_command',
  'submit_plan',
  'submit_verdict',
  'ask_clarification',
  'finish',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** What the developer reports when it finishes: read by people, so it must be honest. */
export interface FinishReport {
  summary: string;
  verification: string;
  knownGaps: string[];
}

/** The part of a verdict the reviewer model decides; role, head and usage are filled in by the stage. */
export type VerdictBody = Pick<Verdict, 'status' | 'summary' | 'findings'>;

/** How a terminal tool ends the run. */
export type TerminalResult =
  | { kind: 'plan'; plan: Plan }
  | { kind: 'verdict'; verdict: VerdictBody }
  | { kind: 'finish'; report: FinishReport }
  | { kind: 'clarification'; questions: string[] };

/** What the tools of one run share: the workspace, and a record of the files they changed. */
export interface ToolContext {
  workspace: Workspace;
  /** Repository-relative paths written or edited during the run. */
  filesChanged: Set<string>;
}

export type ToolOutcome = { kind: 'output'; content: string } | { kind: 'terminal'; result: TerminalResult };

export interface AgentTool {
  readonly name: ToolName;
  readonly description: string;
  readonly schema: z.ZodType;
  /** Whether calling it (successfully) ends the run. */
  readonly terminal: boolean;
  /**
   * Validates `input` against the schema and runs the tool. Throws ToolError: `invalid` with one line per
   * schema problem, or whatever the implementation throws (`refused`, `failed`).
   */
  invoke(input: unknown, context: ToolContext): Promise<ToolOutcome>;
}

function parse<S extends z.ZodType>(name: ToolName, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = issuesToLines(parsed.error.issues, input);
  throw new ToolError(
    'invalid',
    `invalid input for ${name}:\n${lines.map((line) => `- ${line}`).join('\n')}`,
  );
}

/** A tool whose result is text for the model. */
export function actionTool<S extends z.ZodType>(spec: {
  name: ToolName;
  description: string;
  schema: S;
  run(input: z.output<S>, context: ToolContext): Promise<string>;
}): AgentTool {
  return {
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
    terminal: false,
    invoke: async (input, context) => ({
      kind: 'output',
      content: await spec.run(parse(spec.name, spec.schema, input), context),
    }),
  };
}

/** A tool whose valid call ends the run with `result(input)`. */
export function terminalTool<S extends z.ZodType>(spec: {
  name: ToolName;
  description: string;
  schema: S;
  result(input: z.output<S>): TerminalResult;
}): AgentTool {
  return {
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
    terminal: true,
    invoke: async (input) => ({
      kind: 'terminal',
      result: spec.result(parse(spec.name, spec.schema, input)),
    }),
  };
}
