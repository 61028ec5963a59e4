/**
 * The files a step writes to talk to the runner, read the way GitHub's runner reads them
 * (`FileCommandManager`): GITHUB_OUTPUT and GITHUB_ENV hold `NAME=value` lines and `NAME<<DELIMITER`
 * blocks ending at a line that is exactly the delimiter; GITHUB_PATH holds one folder per line.
 */

/** One parsed file: the names in the order written (repeats included) and the last value of each. */
export interface CommandFile {
  keys: string[];
  values: Record<string, string>;
}

/**
 * Parses a GITHUB_OUTPUT or GITHUB_ENV file. A line is `NAME=value` when `=` comes before any `<<`, and
 * starts a `NAME<<DELIMITER` block when `<<` comes first; the block's value is every line up to the
 * delimiter line, joined by newlines. Empty lines are skipped. Throws an Error, worded as the runner
 * words it, for a line that is neither, an empty name or delimiter, or a missing delimiter.
 */
export function parseCommandFile(text: string): CommandFile {
  const keys: string[] = [];
  const values: Record<string, string> = {};
  const set = (name: string, value: string) => {
    keys.push(name);
    values[name] = value;
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new Error(`Invalid format '${line}'. Name must not be empty`);
      set(name, line.slice(equals + 1));
      continue;
    }
    if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') {
        throw new Error(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`);
      }
      const end = lines.indexOf(delimiter, index + 1);
      if (end < 0) throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`);
      set(name, lines.slice(index + 1, end).join('\n'));
      index = end;
      continue;
    }
    throw new Error(`Invalid format '${line}'`);
  }
  return { keys, values };
}

/** Parses a GITHUB_PATH file: one folder per non-empty line, in the order written. */
export function parsePathFile(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
