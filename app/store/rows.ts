/**
 * Typed column readers. The two drivers return some types differently (pg gives `bigint` and `numeric`
 * as strings, PGlite gives `bigint` as a number; both give `timestamptz` as a Date), so every record is
 * built through these readers, which accept either form and fail loudly on anything else.
 */
import type { Row } from './engine.js';

function fail(column: string, expected: string, value: unknown): never {
  throw new TypeError(`store: column ${column} should be ${expected}, got ${JSON.stringify(value)}`);
}

/** Reads a non-null text column. */
export function text(row: Row, column: string): string {
  const value = row[column];
  return typeof value === 'string' ? value : fail(column, 'text', value);
}

/** Reads a nullable text column. */
export function optionalText(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

/** Reads a non-null integer column (int, bigint or a count) as a number; beyond 2^53 is an error. */
export function integer(row: Row, column: string): number {
  const value = row[column];
  const number = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
  return Number.isSafeInteger(number) ? number : fail(column, 'an integer', value);
}

/** Reads a nullable integer column. */
export function optionalInteger(row: Row, column: string): number | null {
  return row[column] === null ? null : integer(row, column);
}

/** Reads a non-null numeric column (e.g. a cost) as a number. */
export function decimal(row: Row, column: string): number {
  const value = row[column];
  const number = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : fail(column, 'a number', value);
}

/** Reads a non-null boolean column. */
export function bool(row: Row, column: string): boolean {
  const value = row[column];
  return typeof value === 'boolean' ? value : fail(column, 'a boolean', value);
}

/** Reads a non-null timestamptz column as an ISO 8601 string in UTC. */
export function timestamp(row: Row, column: string): string {
  const value = row[column];
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return date !== undefined && !Number.isNaN(date.getTime())
    ? date.toISOString()
    : fail(column, 'a timestamp', value);
}

/** Reads a nullable timestamptz column. */
export function optionalTimestamp(row: Row, column: string): string | null {
  return row[column] === null ? null : timestamp(row, column);
}

/** Reads a jsonb column, already parsed by the driver. */
export function json(row: Row, column: string): unknown {
  return column in row ? row[column] : fail(column, 'present', undefined);
}

/**
 * Serialises a value for a `$n::jsonb` parameter. Refuses what JSON can't hold (undefined, functions)
 * instead of storing something other than what the caller passed.
 */
export function toJson(value: unknown, what: string): string {
  const encoded = JSON.stringify(value);
  if (encoded === undefined) throw new TypeError(`store: ${what} is not JSON-serialisable`);
  return encoded;
}

/** Returns the only row of a statement that must return exactly one (an INSERT … RETURNING, say). */
export function single(rows: Row[], what: string): Row {
  const [row] = rows;
  if (row === undefined || rows.length !== 1) {
    throw new Error(`store: expected one row from ${what}, got ${rows.length}`);
  }
  return row;
}

/** Reads a non-null text column that holds one of `values` (its CHECK constraint's list). */
export function choice<const T extends string>(row: Row, column: string, values: readonly T[]): T {
  const value = row[column];
  return (
    values.find((candidate) => candidate === value) ?? fail(column, `one of ${values.join(', ')}`, value)
  );
}

/** Reads a nullable text column that holds one of `values` when set. */
export function optionalChoice<const T extends string>(
  row: Row,
  column: string,
  values: readonly T[],
): T | null {
  return row[column] === null ? null : choice(row, column, values);
}

/** Reads a jsonb column that holds a JSON object. */
export function jsonObject(row: Row, column: string): Record<string, unknown> {
  const value = json(row, column);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : fail(column, 'a JSON object', value);
}
