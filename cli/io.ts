/** What a CLI command may touch: its output streams and the files it is pointed at. Tests pass their own. */
import { readFile } from 'node:fs/promises';

export interface CliIO {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Reads a text file; rejects with the operating system's error when it can't. */
  readText(path: string): Promise<string>;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readText: (path) => readFile(path, 'utf8'),
};

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;
