/**
 * GitHub's official REST description (api.github.com, OpenAPI 3.0) as published by `@octokit/openapi`.
 *
 * The file is 13 MB, so it is read once per process, on first use, and shared by every fake server in
 * that process. Only the parts the testbed reads are typed here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A JSON value as it appears in the description (schemas are plain JSON objects). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One JSON object of the description: a schema, a parameter, a response… */
export type JsonObject = { [key: string]: Json };

/** A parameter of an operation, after its `$ref` (if any) has been resolved. */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
}

/** One operation (method of a path) of the description. */
export interface OperationObject {
  operationId: string;
  tags?: string[];
  externalDocs?: { url: string };
  parameters?: JsonObject[];
  requestBody?: JsonObject;
  responses?: { [status: string]: JsonObject };
}

/** The top level of the description, as far as the testbed uses it. */
export interface OpenApiDocument {
  openapi: string;
  paths: { [template: string]: { [method: string]: OperationObject | Json } };
  components: { [kind: string]: { [name: string]: JsonObject } };
  'x-webhooks': { [name: string]: { post: OperationObject } };
}

/** The documentation address GitHub puts in error bodies when no operation matched. */
export const REST_DOCS_URL = 'https://docs.github.com/rest';

let cached: OpenApiDocument | undefined;

/**
 * Returns the parsed description of api.github.com, reading and parsing it on the first call only.
 * Throws if `@octokit/openapi` is not installed.
 */
export function loadGitHubDescription(): OpenApiDocument {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    cached = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  }
  return cached;
}

/**
 * Resolves a local JSON pointer such as `#/components/parameters/owner` inside `doc`.
 * Throws when the pointer is not local or names nothing: the description is then not what we expect.
 */
export function resolvePointer(doc: OpenApiDocument, pointer: string): JsonObject {
  if (!pointer.startsWith('#/')) throw new Error(`only local $ref pointers are supported, got ${pointer}`);
  let node: Json = doc as unknown as Json;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) {
      throw new Error(`$ref ${pointer} does not resolve in the GitHub description`);
    }
    node = node[key] as Json;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    throw new Error(`$ref ${pointer} does not name an object`);
  }
  return node;
}

/** Follows `$ref` until a non-reference object is reached (parameters, request bodies, responses). */
export function deref(doc: OpenApiDocument, node: JsonObject): JsonObject {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
    if (hops > 16) throw new Error(`$ref chain too long at ${current.$ref}`);
    current = resolvePointer(doc, current.$ref);
  }
  return current;
}
