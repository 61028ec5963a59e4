/**
 * Words ajv's schema errors the way GitHub words its "Invalid request." responses:
 * `"title" wasn't supplied.`, `"rainbow" is not a permitted key.`,
 * `For 'properties/title', true is not a string or integer.`
 */
import type { ErrorObject } from 'ajv';
import type { ValidationErrorItem } from '../errors.js';

/** GitHub's wording for one failed request, and the structured entries of its `errors` array. */
export interface SchemaFailure {
  lines: string[];
  errors: ValidationErrorItem[];
}

/** The schema location GitHub names in its messages: ajv's schema path without `#/` and the keyword. */
function schemaLocation(error: ErrorObject): string {
  const path = error.schemaPath.replace(/^.*#\/?/, '');
  const parts = path.split('/');
  parts.pop();
  return parts.join('/') || 'body';
}

/** The field an error is about, as a dotted path (`output.title`), or undefined for the whole document. */
function fieldOf(instancePath: string): string | undefined {
  if (instancePath === '') return undefined;
  return instancePath.slice(1).split('/').join('.');
}

function render(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The JSON Schema types an error accepted (`type` errors, and the branches of a failed oneOf/anyOf). */
function expectedTypes(error: ErrorObject, all: ErrorObject[]): string[] {
  if (error.keyword === 'type') {
    const type = (error.params as { type: string | string[] }).type;
    return Array.isArray(type) ? type : type.split(',');
  }
  const branchPrefix = error.schemaPath;
  const types = all
    .filter((other) => other.keyword === 'type' && other.schemaPath.startsWith(branchPrefix))
    .flatMap((other) => expectedTypes(other, all));
  return [...new Set(types)];
}

/**
 * Turns ajv's errors for a request `document` (body or query) into GitHub's message lines and `errors`
 * items. `resource` names the kind of thing in the `errors` items (e.g. "Issue"). The most telling error
 * is reported: GitHub reports one problem per response, and so does the testbed.
 */
export function describeSchemaFailure(
  errors: ErrorObject[],
  document: unknown,
  resource: string,
): SchemaFailure {
  // A failed oneOf/anyOf is reported once, for the value, not once per branch.
  const composite = errors.find((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf');
  const primary = composite ?? errors[0];
  if (primary === undefined) return { lines: ['The request does not match the schema.'], errors: [] };
  const value = valueAt(document, primary.instancePath);
  const field = fieldOf(primary.instancePath);
  const base = { resource, ...(field === undefined ? {} : { field }) };

  switch (primary.keyword) {
    case 'required': {
      const missing = (primary.params as { missingProperty: string }).missingProperty;
      const path = field === undefined ? missing : `${field}.${missing}`;
      return {
        lines: [`"${missing}" wasn't supplied.`],
        errors: [{ resource, field: path, code: 'missing_field', message: `${path} wasn't supplied` }],
      };
    }
    case 'additionalProperties': {
      const extra = (primary.params as { additionalProperty: string }).additionalProperty;
      const path = field === undefined ? extra : `${field}.${extra}`;
      return {
        lines: [`"${extra}" is not a permitted key.`],
        errors: [{ resource, field: path, code: 'invalid', message: `${path} is not a permitted key` }],
      };
    }
    case 'type':
    case 'oneOf':
    case 'anyOf': {
      const types = expectedTypes(primary, errors);
      const expected = types.length > 0 ? types.map(withArticle).join(' or ') : 'a valid value';
      const line = `For '${schemaLocation(primary)}', ${render(value)} is not ${expected}.`;
      return { lines: [line], errors: [{ ...base, code: 'invalid', message: line }] };
    }
    case 'enum': {
      const allowed = (primary.params as { allowedValues: unknown[] }).allowedValues;
      const line = `For '${schemaLocation(primary)}', ${render(value)} is not one of ${JSON.stringify(allowed)}.`;
      return { lines: [line], errors: [{ ...base, code: 'invalid', message: line }] };
    }
    default: {
      const line = `For '${schemaLocation(primary)}', ${render(value)} ${primary.message ?? 'is not valid'}.`;
      return { lines: [line], errors: [{ ...base, code: 'invalid', message: line }] };
    }
  }
}

/** The value at a JSON pointer (ajv's instancePath) inside `document`. */
function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
