/**
 * Workflow commands a step prints (`::name key=value,…::data`), read line by line from its stdout and
 * stderr the way GitHub's runner reads them (`ActionCommandManager`): masks, annotations, the deprecated
 * `set-output`, `stop-commands`, and the insecure `set-env` / `add-path`, which fail the step unless
 * re-enabled — this runner never re-enables them.
 */

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

/** What a step's command lines did, collected for the step's record. */
export interface CommandEffects {
  annotations: Annotation[];
  /** Outputs set with the deprecated `::set-output name=x::value`. */
  outputs: Record<string, string>;
  /** Commands that failed: the runner logs them as errors and fails the step. */
  failures: string[];
}

/** The commands GitHub's runner knows; a `::word::` line naming anything else is plain output. */
const REGISTERED = new Set([
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
]);

interface ParsedCommand {
  name: string;
  properties: Record<string, string>;
  data: string;
}

function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return value
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/** Parses one line as a command, or undefined when it is not one of `registered`. */
function parseCommand(line: string, registered: ReadonlySet<string>): ParsedCommand | undefined {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase();
  if (!registered.has(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')) {
      const equals = pair.indexOf('=');
      if (equals > 0 && equals < pair.length - 1) {
        properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1));
      }
    }
  }
  return { name, properties, data: unescapeData(message.slice(end + 2)) };
}

/** Reads one step's output lines, in order, for commands. */
export class CommandReader {
  readonly effects: CommandEffects = { annotations: [], outputs: {}, failures: [] };
  private stopToken: string | undefined;

  /** @param addMask registers a value with the job's masker (it applies from the next line on). */
  constructor(private readonly addMask: (value: string) => void) {}

  /** Handles one line (without its newline). */
  read(line: string): void {
    if (this.stopToken !== undefined) {
      const resume = parseCommand(line, new Set([this.stopToken.toLowerCase()]));
      if (resume !== undefined) this.stopToken = undefined;
      return;
    }
    const command = parseCommand(line, REGISTERED);
    if (command === undefined) return;
    switch (command.name) {
      case 'add-mask':
        if (command.data.trim() === '') {
          this.annotate('warning', "Can't add secret mask for empty string in ##[add-mask] command.");
        } else {
          this.addMask(command.data);
        }
        return;
      case 'error':
      case 'warning':
      case 'notice':
        this.effects.annotations.push({
          level: command.name,
          message: command.data,
          properties: command.properties,
        });
        return;
      case 'set-output': {
        const name = command.properties.name;
        if (name === undefined || name === '') {
          this.fail(line, "Required field 'name' is missing in ##[set-output] command.");
        } else {
          this.effects.outputs[name] = command.data;
        }
        return;
      }
      case 'set-env':
      case 'add-path':
        this.fail(
          line,
          `The \`${command.name}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`.`,
        );
        return;
      case 'save-state':
        // State is for an action's post step; the local runner runs no post steps, so nothing could read it.
        this.fail(line, 'the local runner runs no post steps, so it does not support save-state');
        return;
      case 'stop-commands':
        if (command.data !== '') this.stopToken = command.data;
        return;
      default:
        // debug, group, endgroup, echo, add-matcher, remove-matcher shape GitHub's log view only.
        return;
    }
  }

  private annotate(level: Annotation['level'], message: string): void {
    this.effects.annotations.push({ level, message, properties: {} });
  }

  private fail(line: string, reason: string): void {
    const message = `Unable to process command '${line}' successfully. ${reason}`;
    this.effects.failures.push(message);
    this.annotate('error', message);
  }
}
