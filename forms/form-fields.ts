import {
  isObject,
  join,
  walkSchema,
  type JsonObject,
  type SchemaVisit,
  type Step,
  type WalkGaps,
} from './schema-walk.js';
import { X_FILE, X_SENSITIVE } from './vocabulary.js';

/** A JSON Schema type as RJSF picks a field for it. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
const FIELD_TYPES: readonly string[] = [
  'string',
  'number',
  'integer',
  'boolean',
  'array',
  'object',
];

/** A place in a uiSchema: field names, `items`, `additionalItems`, `additionalProperties`, tuple indexes. */
export type UiPath = readonly (string | number)[];

/**
 * One field of a form as RJSF lays it out, with what every branch of the schema says about it:
 * a property declared in `properties` and refined in `allOf`, `then` or a `$ref` is one field.
 */
export interface FormField {
  /** Where RJSF looks for the field's uiSchema. */
  uiPath: UiPath;
  /** Every subschema describing the field, from any branch. */
  schemas: JsonObject[];
  /** Whether the form shows it: declared by a keyword RJSF renders, not only inside `if`/`not`/`contains`. */
  shown: boolean;
  /** The type RJSF renders it as (the first single type declared), if any. */
  type: FieldType | undefined;
  /** Every type a shown declaration allows. */
  types: Set<FieldType>;
  /** Whether it is a list: declared `array`, or untyped with `items`. */
  isArray: boolean;
  /** `x-file` in any branch: a path that main checks. */
  file: boolean;
  /** `x-sensitive` in any branch, on the field or on one enclosing it. */
  sensitive: boolean;
  /** `const` in a declaration that always applies: the value cannot change. */
  constant: boolean;
  /** The properties the form shows inside it, in the order the schema first declares them. */
  properties: string[];
}

/** Keywords whose subschemas the form does not render as fields of their own. */
const NOT_SHOWN = new Set(['if', 'not', 'contains', 'propertyNames']);
/** Keywords whose subschemas may not apply, depending on the value. */
const CONDITIONAL = new Set([
  ...NOT_SHOWN,
  'anyOf',
  'oneOf',
  'then',
  'else',
  'dependencies',
  'dependentSchemas',
]);

/**
 * The fields of a form, by `join('', ...uiPath)` (`''` is the form itself), built from one
 * {@link walkSchema} in the value view: every keyword, every local `$ref` (a recursive one
 * followed once), every branch. `gaps` says what the walk could not follow.
 */
export function formFields(root: JsonObject): { fields: Map<string, FormField>; gaps: WalkGaps } {
  const fields = new Map<string, FormField>();
  const field = (uiPath: UiPath): FormField => {
    const key = join('', ...uiPath);
    let found = fields.get(key);
    if (!found) {
      found = {
        uiPath,
        schemas: [],
        shown: false,
        type: undefined,
        types: new Set(),
        isArray: false,
        file: false,
        sensitive: false,
        constant: false,
        properties: [],
      };
      fields.set(key, found);
    }
    return found;
  };

  const gaps = walkSchema(root, 'value', (visit) => {
    const uiPath = uiPathOf(visit.steps);
    if (!uiPath) return;
    const shown = add(field(uiPath), visit);
    const last = visit.steps.at(-1);
    if (last?.kind === 'property' && shown) {
      const parent = field(uiPath.slice(0, -1));
      if (!parent.properties.includes(last.name)) parent.properties.push(last.name);
    }
  });

  // A secret's parts are secret too: mark every field inside a sensitive one.
  const sensitive = [...fields.values()].filter((f) => f.sensitive).map((f) => f.uiPath);
  for (const candidate of fields.values()) {
    if (sensitive.some((outer) => outer.every((key, i) => candidate.uiPath[i] === key)))
      candidate.sensitive = true;
  }
  return { fields, gaps };
}

/** The uiSchema path of the part of the value `steps` lead to; undefined for property names. */
function uiPathOf(steps: readonly Step[]): UiPath | undefined {
  const path: (string | number)[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case 'property':
        path.push(step.name);
        break;
      case 'pattern':
      case 'otherProperties':
        path.push('additionalProperties'); // RJSF styles every added key with this entry
        break;
      case 'items':
        path.push(step.from > 0 ? 'additionalItems' : 'items');
        break;
      case 'index':
        path.push('items', step.index);
        break;
      default:
        return undefined; // property names are not fields; definitions are not walked here
    }
  }
  return path;
}

/** Adds what one subschema says to its field; returns whether it declares a shown field. */
function add(field: FormField, visit: SchemaVisit): boolean {
  const { schema, keywords } = visit;
  const shown = !keywords.some((keyword) => NOT_SHOWN.has(keyword));
  field.schemas.push(schema);
  if (schema[X_SENSITIVE] === true) field.sensitive = true;
  if (isObject(schema[X_FILE])) field.file = true;
  if ('const' in schema && !keywords.some((keyword) => CONDITIONAL.has(keyword)))
    field.constant = true;
  if (!shown) return false;
  field.shown = true;
  const declared = Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const type of declared) if (isFieldType(type)) field.types.add(type);
  field.type ??= singleType(schema.type);
  if (declared.includes('array') || (schema.type === undefined && 'items' in schema))
    field.isArray = true;
  return true;
}

/** The single type RJSF picks for a field (it ignores "null" next to one other type), if any. */
function singleType(type: unknown): FieldType | undefined {
  const single =
    Array.isArray(type) && type.length === 2 && type.includes('null')
      ? type.find((t) => t !== 'null')
      : type;
  return isFieldType(single) ? single : undefined;
}

function isFieldType(type: unknown): type is FieldType {
  return typeof type === 'string' && FIELD_TYPES.includes(type);
}
