/**
 * Turns the OpenAPI 3.0 schemas of GitHub's description into JSON Schema that ajv compiles, and caches
 * the compiled validators.
 *
 * OpenAPI 3.0 is not quite JSON Schema: `nullable: true` means "or null" (ajv refuses `nullable` without a
 * sibling `type`, which GitHub's description has, e.g. `milestone` of issues/create), and annotations such
 * as `example` or `discriminator` are not JSON Schema keywords. Component schemas are converted on first
 * reference and registered in ajv under an `$id`, so recursive schemas compile and each is converted once.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { resolvePointer } from './spec.js';
import type { Json, JsonObject, OpenApiDocument } from './spec.js';

/**
 * What the compiled schemas check:
 * - `body`: a JSON request body, types strict (GitHub does not coerce "12" to 12), and keys a schema does not
 *   list are refused, as GitHub has done for request bodies since 2018.
 * - `params`: path and query parameters, which arrive as text: types are coerced before checking.
 * - `response`: what the fake sends back (responses and webhook payloads); extra keys are allowed.
 */
export type SchemaMode = 'body' | 'params' | 'response';

/** Annotation keywords of OpenAPI that are not JSON Schema; dropped before compiling. */
const DROPPED_KEYWORDS = new Set([
  'example',
  'examples',
  'externalDocs',
  'xml',
  'discriminator',
  'deprecated',
]);

/** Keywords whose value is one schema. */
const SINGLE_SCHEMA_KEYWORDS = new Set(['items', 'not', 'additionalProperties']);

/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);

/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties']);

/** Formats used by GitHub's description that JSON Schema does not define; accepted as they are. */
const ANNOTATION_FORMATS = ['repo.nwo', 'binary', 'timestamp'];

const COMPONENT_SCHEMA_PREFIX = '#/components/schemas/';

/**
 * Converts description schemas for one {@link SchemaMode} and compiles them with one ajv instance.
 * Not thread-safe in any interesting sense: one instance per mode per process is enough.
 */
export class SchemaCompiler {
  private readonly ajv: Ajv;
  private readonly registered = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly mode: SchemaMode,
  ) {
    this.ajv = new Ajv({
      strict: false,
      logger: false,
      allErrors: false,
      validateSchema: false,
      inlineRefs: false,
      code: { optimize: false },
      coerceTypes: mode === 'params' ? 'array' : false,
    });
    addFormats.default(this.ajv);
    for (const format of ANNOTATION_FORMATS) this.ajv.addFormat(format, true);
  }

  /**
   * Returns the validator for `schema` (a description schema, possibly with `$ref`s), compiling it on the
   * first call for `key` and returning the cached function afterwards. `key` must identify the schema.
   */
  validator(key: string, schema: JsonObject): ValidateFunction {
    const known = this.validators.get(key);
    if (known !== undefined) return known;
    const converted = this.convert(schema, false);
    const compiled = this.ajv.compile(converted as object);
    this.validators.set(key, compiled);
    return compiled;
  }

  /** ajv's one-line description of a validator's errors, for testbed diagnostics. */
  errorsText(errors: ValidateFunction['errors']): string {
    return this.ajv.errorsText(errors, { dataVar: 'data' });
  }

  /** The `$id` under which the component schema `name` is registered in this compiler's ajv. */
  private componentId(name: string): string {
    return `https://testbed.invalid/${this.mode}/schemas/${encodeURIComponent(name)}`;
  }

  /** Converts and registers the component schema `name` once; returns the `$ref` that points at it. */
  private componentRef(name: string): JsonObject {
    const id = this.componentId(name);
    if (!this.registered.has(name)) {
      // Registered before converting, so a schema that refers to itself does not recurse forever.
      this.registered.add(name);
      const source = resolvePointer(
        this.doc,
        `${COMPONENT_SCHEMA_PREFIX}${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      );
      const converted = this.convert(source, false);
      this.ajv.addSchema({ ...(converted as JsonObject), $id: id });
    }
    return { $ref: id };
  }

  /**
   * Converts one description schema node. `insideAllOf` is true for the members of an `allOf`, whose
   * properties are split across members, so none of them may refuse the others' keys.
   */
  private convert(node: Json, insideAllOf: boolean): Json {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    if (typeof node.$ref === 'string') {
      if (node.$ref.startsWith(COMPONENT_SCHEMA_PREFIX)) {
        return this.componentRef(decodeURIComponent(node.$ref.slice(COMPONENT_SCHEMA_PREFIX.length)));
      }
      return this.convert(resolvePointer(this.doc, node.$ref), insideAllOf);
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-') || key === 'nullable') continue;
      if (
        SINGLE_SCHEMA_KEYWORDS.has(key) &&
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value)
      ) {
        out[key] = this.convert(value, false);
      } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
        // Text parameters coerce into several branches ("7" is a string and an integer): any will do.
        const keyword = this.mode === 'params' && key === 'oneOf' ? 'anyOf' : key;
        out[keyword] = value.map((member) => this.convert(member, key === 'allOf'));
      } else if (
        SCHEMA_MAP_KEYWORDS.has(key) &&
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value)
      ) {
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, sub]) => [name, this.convert(sub, false)]),
        );
      } else {
        out[key] = value;
      }
    }
    if (
      this.mode === 'body' &&
      !insideAllOf &&
      out.properties !== undefined &&
      out.additionalProperties === undefined &&
      out.allOf === undefined
    ) {
      out.additionalProperties = false;
    }
    return node.nullable === true ? allowNull(out) : out;
  }
}

/** Makes a converted schema accept `null` as well, the meaning of OpenAPI 3.0's `nullable: true`. */
function allowNull(schema: JsonObject): JsonObject {
  const { type } = schema;
  if (typeof type === 'string') {
    const widened: JsonObject = { ...schema, type: [type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) widened.enum = [...schema.enum, null];
    return widened;
  }
  if (Array.isArray(type)) {
    return type.includes('null') ? schema : { ...schema, type: [...type, 'null'] };
  }
  return { anyOf: [schema, { type: 'null' }] };
}
