/** Scripted model turns for the stage tests: what a developer, a planner or a reviewer "says". */
import { reply, toolUse } from '../../../../testbed/anthropic/script.js';
import type { ScriptedResponse } from '../../../../testbed/anthropic/script.js';

/** One turn that writes whole files. */
export const writeFiles = (files: Record<string, string>): ScriptedResponse =>
  reply.tools(Object.entries(files).map(([path, content]) => toolUse('write_file', { path, content })));

/** One turn that replaces text in a file. */
export const editFile = (path: string, oldString: string, newString: string): ScriptedResponse =>
  reply.tools([toolUse('edit_file', { path, old_string: oldString, new_string: newString })]);

/** One turn that runs an allowed command. */
export const runCommand = (command: string): ScriptedResponse =>
  reply.tools([toolUse('run_command', { command })]);

/** The developer's last turn. */
export const finish = (
  summary: string,
  verification = 'Ran the tests with run_command; they passed.',
): ScriptedResponse => reply.tools([toolUse('finish', { summary, verification, known_gaps: [] })]);

/** A reviewer's last turn. */
export const verdict = (
  status: 'pass' | 'concerns' | 'block',
  summary: string,
  findings: Array<Record<string, unknown>> = [],
): ScriptedResponse => reply.tools([toolUse('submit_verdict', { status, summary, findings })]);

/** A marker word of unfinished work, assembled so this file does not carry one itself. */
export const UNFINISHED = ['TO', 'DO'].join('');
