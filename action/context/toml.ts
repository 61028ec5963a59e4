/**
 * A small TOML reader for the manifests context assembly looks at (pyproject.toml, Cargo.toml, uv/poetry
 * settings). It reads tables, array tables, dotted keys, strings of all four kinds, arrays, inline tables
 * and booleans; numbers, dates and times are kept as their source text, which is all detection needs.
 * It is not a validator: it accepts some documents a strict parser would refuse.
 */

export type TomlValue = string | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** Thrown on text the reader can't follow; the message names the line. */
export class TomlSyntaxError extends Error {
  override name = 'TomlSyntaxError';
}

/**
 * Parses `text` into a map from table name (`''` for the root, `tool.poetry`, `project.optional-dependencies`)
 * to that table's keys. A dotted key `a.b = 1` inside `[t]` lands in table `t.a` as key `b`, so every
 * table a document mentions, directly or through dotted keys, is a map entry. Array tables (`[[bin]]`)
 * merge their instances' keys into one entry, because detection asks only whether keys exist.
 * Throws TomlSyntaxError on malformed input.
 */
export function parseToml(text: string): Map<string, TomlTable> {
  return new TomlReader(text).read();
}

const BARE_KEY = /[A-Za-z0-9_-]/;

class TomlReader {
  private pos = 0;
  private readonly tables = new Map<string, TomlTable>();

  constructor(private readonly text: string) {}

  read(): Map<string, TomlTable> {
    let current = '';
    this.table(current);
    for (;;) {
      this.skipBlankLines();
      if (this.pos >= this.text.length) return this.tables;
      if (this.peek() === '[') {
        const array = this.text.startsWith('[[', this.pos);
        this.pos += array ? 2 : 1;
        this.skipSpaces();
        current = this.readKey().join('.');
        this.skipSpaces();
        if (!this.text.startsWith(array ? ']]' : ']', this.pos))
          this.fail('expected the end of a table header');
        this.pos += array ? 2 : 1;
        this.table(current);
      } else {
        const key = this.readKey();
        this.skipSpaces();
        if (this.peek() !== '=') this.fail('expected "=" after a key');
        this.pos++;
        this.skipSpaces();
        const value = this.readValue();
        const last = key.pop() as string;
        const tableName = [current, ...key].filter((part) => part !== '').join('.');
        this.table(tableName)[last] = value;
      }
      this.endOfLine();
    }
  }

  private table(name: string): TomlTable {
    let table = this.tables.get(name);
    if (!table) {
      table = {};
      this.tables.set(name, table);
    }
    return table;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private fail(message: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new TomlSyntaxError(`line ${line}: ${message}`);
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  /** Skips whitespace, newlines and comments (between statements and inside arrays). */
  private skipBlankLines(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === '#') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.peek() !== '\n') this.pos++;
  }

  private endOfLine(): void {
    this.skipSpaces();
    if (this.peek() === '#') this.skipComment();
    if (this.peek() === '\r') this.pos++;
    if (this.pos < this.text.length && this.peek() !== '\n') this.fail('expected the end of the line');
  }

  private readKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.readString());
      else {
        const start = this.pos;
        while (BARE_KEY.test(this.peek())) this.pos++;
        if (start === this.pos) this.fail('expected a key');
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }

  private readValue(): TomlValue {
    const c = this.peek();
    if (c === '"' || c === "'") return this.readString();
    if (c === '[') return this.readArray();
    if (c === '{') return this.readInlineTable();
    const start = this.pos;
    while (this.pos < this.text.length && !/[,\]}#\r\n]/.test(this.peek())) this.pos++;
    const raw = this.text.slice(start, this.pos).trim();
    if (raw === '') this.fail('expected a value');
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    return raw;
  }

  private readString(): string {
    const quote = this.peek();
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    this.pos += triple ? 3 : 1;
    if (triple && this.peek() === '\n') this.pos++;
    else if (triple && this.text.startsWith('\r\n', this.pos)) this.pos += 2;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const c = this.peek();
      if (triple ? this.text.startsWith(quote.repeat(3), this.pos) : c === quote) {
        this.pos += triple ? 3 : 1;
        // A closing `"""` may be followed by up to two more quotes that belong to the content.
        while (triple && this.peek() === quote && !this.text.startsWith(quote.repeat(3), this.pos)) {
          out += quote;
          this.pos++;
        }
        return out;
      }
      if (!triple && c === '\n') this.fail('newline in a single-line string');
      if (c === '\\' && quote === '"') {
        out += this.readEscape();
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private readEscape(): string {
    const next = this.text[this.pos + 1] ?? '';
    const simple: Record<string, string> = {
      b: '\b',
      t: '\t',
      n: '\n',
      f: '\f',
      r: '\r',
      '"': '"',
      '\\': '\\',
    };
    if (next in simple) {
      this.pos += 2;
      return simple[next] as string;
    }
    if (next === 'u' || next === 'U') {
      const length = next === 'u' ? 4 : 8;
      const hex = this.text.slice(this.pos + 2, this.pos + 2 + length);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== length) this.fail('bad unicode escape');
      this.pos += 2 + length;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    // A backslash at the end of a line in a multi-line string trims the newline and the indentation after it.
    if (next === '\n' || next === '\r' || next === ' ' || next === '\t') {
      this.pos++;
      while (/[ \t\r\n]/.test(this.peek())) this.pos++;
      return '';
    }
    return this.fail('unknown escape');
  }

  private readArray(): TomlValue[] {
    this.pos++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlankLines();
      if (this.peek() === ']') {
        this.pos++;
        return items;
      }
      items.push(this.readValue());
      this.skipBlankLines();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']') this.fail('expected "," or "]" in an array');
    }
  }

  private readInlineTable(): TomlTable {
    this.pos++;
    const table: TomlTable = {};
    for (;;) {
      this.skipSpaces();
      if (this.peek() === '}') {
        this.pos++;
        return table;
      }
      const key = this.readKey();
      this.skipSpaces();
      if (this.peek() !== '=') this.fail('expected "=" in an inline table');
      this.pos++;
      this.skipSpaces();
      const value = this.readValue();
      let target = table;
      for (const part of key.slice(0, -1)) {
        const existing = target[part];
        const child: TomlTable =
          existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
        target[part] = child;
        target = child;
      }
      target[key[key.length - 1] as string] = value;
      this.skipSpaces();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.fail('expected "," or "}" in an inline table');
    }
  }
}

/** Every string inside `value` (recursing into arrays and tables). */
export function tomlStrings(value: TomlValue | undefined): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(tomlStrings);
  return Object.values(value).flatMap(tomlStrings);
}
