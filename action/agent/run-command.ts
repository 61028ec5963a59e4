/**
 * Runs one command line with a time limit and keeps the output a model can use: the first part (what
 * started) and the last part (where failures are reported), with a count of what was cut in between.
 * Commands run without a shell when their text needs none; a line that uses shell syntax runs under
 * `/bin/sh -c`, which is why only exact lines from an allow-list ever reach here.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface CommandOptions {
  cwd: string;
  /** The complete environment of the child (nothing is inherited). */
  env: Record<string, string>;
  /** The child and everything it started are killed after this many milliseconds. */
  timeoutMs: number;
  /** Most characters of output kept (a fifth from the start, the rest from the end). */
  maxOutputChars: number;
}

export interface CommandResult {
  /** The exit code, or null when the command was killed or could not start. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: string | null;
  timedOut: boolean;
  /** Why the command could not start at all (e.g. the program does not exist). */
  startError?: string;
  /** stdout and stderr interleaved in arrival order, trimmed to `maxOutputChars`. */
  output: string;
  /** Characters cut from the middle of the output. */
  omittedChars: number;
  durationMs: number;
}

/** Characters that mean something to a shell when unquoted; their presence needs `sh -c`. */
const SHELL_SYNTAX = /[|&;<>()$`*?[\]{}~#!\n]/;

/**
 * Splits a command line into program and arguments the way `sh` would for simple commands (words, single
 * and double quotes, backslash escapes), or returns undefined when it uses any other shell syntax
 * (pipes, redirections, variables, globs, a leading `VAR=value`, …) and so needs a shell.
 */
export function splitCommandLine(line: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /["\\]/.test(line[i + 1] ?? '')) word += line[++i];
      else if (char === '$' || char === '`') return undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\') {
      if (i + 1 >= line.length) return undefined;
      word += line[++i];
      inWord = true;
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (SHELL_SYNTAX.test(char) || (char === '=' && words.length === 0 && !word.includes('='))) {
      return undefined;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words.length > 0 ? words : undefined;
}

/** Keeps the start and the end of a stream of text within a character budget. */
class HeadAndTail {
  private head = '';
  private tail = '';
  private omitted = 0;
  private readonly headMax: number;

  constructor(private readonly max: number) {
    this.headMax = Math.floor(max / 5);
  }

  add(text: string): void {
    const room = this.headMax - this.head.length;
    if (room > 0) {
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    this.tail += text;
    const tailMax = this.max - this.headMax;
    if (this.tail.length > tailMax) {
      this.omitted += this.tail.length - tailMax;
      this.tail = this.tail.slice(this.tail.length - tailMax);
    }
  }

  result(): { output: string; omittedChars: number } {
    const output =
      this.omitted > 0
        ? `${this.head}\n[… ${this.omitted} characters of output omitted …]\n${this.tail}`
        : this.head + this.tail;
    return { output, omittedChars: this.omitted };
  }
}

/**
 * Runs `line` in `cwd` with exactly `env`, in its own process group so a timeout kills everything it
 * started. Resolves (never rejects) once the process has ended and its output is closed.
 */
export function runCommand(line: string, options: CommandOptions): Promise<CommandResult> {
  const argv = splitCommandLine(line) ?? ['/bin/sh', '-c', line];
  const [program, ...args] = argv as [string, ...string[]];
  const started = Date.now();
  const output = new HeadAndTail(options.maxOutputChars);
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let startError: string | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is already gone: nothing left to stop.
        }
      }
    }, options.timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => output.add(decoder.write(chunk)));
      stream.on('end', () => output.add(decoder.end()));
    }
    child.on('error', (error) => {
      startError = error.message;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        timedOut,
        ...(startError === undefined ? {} : { startError }),
        ...output.result(),
        durationMs: Date.now() - started,
      });
    });
  });
}
