import { isObject, walkSchema, type JsonObject, type Step } from '../../forms/schema-walk.js';
import { X_FILE, X_SENSITIVE } from '../../forms/vocabulary.js';

/** Keywords that bound a value from below: a lower figure accepts more. */
export const LOWER_BOUNDS = [
  'minimum',
  'exclusiveMinimum',
  'minLength',
  'minItems',
  'minProperties',
] as const;
/** Keywords that bound a value from above: a higher figure accepts more. */
export const UPPER_BOUNDS = [
  'maximum',
  'exclusiveMaximum',
  'maxLength',
  'maxItems',
  'maxProperties',
] as const;
/** Keywords whose presence restricts and whose change cannot be ordered: compared as text. */
export const OTHER_RULES = ['pattern', 'format', 'multipleOf', 'const', 'uniqueItems'] as const;

/** What a form says about one field (or the form itself), gathered from every branch. */
export interface FieldFacts {
  /** `address.street`, `recipients[].email`, `tags[]`, `{any}` for a key by pattern; `''` is the form. */
  label: string;
  title?: string;
  types: Set<string>;
  /** Required whatever the other values are (by an unconditional `required`). */
  required: boolean;
  /** Required in some case only (`then`, `dependencies`, a branch of `oneOf`). */
  requiredSometimes: boolean;
  /** Each bound or rule keyword and the values it takes in any branch (JSON text). */
  rules: Map<string, Set<string>>;
  /** The allowed values when the field is a choice (`enum`, or `oneOf`/`anyOf` of `const`s), as JSON. */
  choices?: Set<string>;
  /** The default as JSON text, if any. */
  default?: string;
  sensitive: boolean;
  /** `x-file` as JSON text, if the field is a file path. */
  file?: JsonObject;
  /** Whether the field takes keys the form does not name (`additionalProperties` not false). */
  closed: boolean;
}

/** Branches that are conditions, not rules of the field: not read for its facts. */
const CONDITIONS = new Set(['not', 'if', 'contains', 'propertyNames']);
/** Branches that apply only in some cases. */
const SOMETIMES = new Set(['anyOf', 'oneOf', 'then', 'else', 'dependencies', 'dependentSchemas']);

/**
 * The facts of every field of a form, by label, from one walk of the shared schema walker in the
 * value view (every branch, `$ref`s followed), so nested fields, items and conditional branches
 * are all reached.
 */
export function formFacts(root: JsonObject): Map<string, FieldFacts> {
  const facts = new Map<string, FieldFacts>();
  const at = (label: string): FieldFacts => {
    let found = facts.get(label);
    if (!found) {
      found = {
        label,
        types: new Set(),
        required: false,
        requiredSometimes: false,
        rules: new Map(),
        sensitive: false,
        closed: false,
      };
      facts.set(label, found);
    }
    return found;
  };
  const required: { label: string; sometimes: boolean }[] = [];
  walkSchema(root, 'value', ({ schema, keywords, steps }) => {
    if (keywords.some((keyword) => CONDITIONS.has(keyword))) return;
    const label = labelOf(steps);
    if (label === undefined) return;
    const sometimes = keywords.some((keyword) => SOMETIMES.has(keyword));
    const field = at(label);
    if (typeof schema.title === 'string' && !sometimes) field.title ??= schema.title;
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    for (const type of types) if (typeof type === 'string') field.types.add(type);
    for (const keyword of [...LOWER_BOUNDS, ...UPPER_BOUNDS, ...OTHER_RULES])
      // The `const` of one option of a choice is that choice, not a rule of the field.
      if (keyword in schema && !(keyword === 'const' && sometimes))
        addRule(field, keyword, schema[keyword]);
    const choices = choicesOf(schema);
    if (choices) for (const choice of choices) (field.choices ??= new Set()).add(choice);
    if ('default' in schema) field.default = JSON.stringify(schema.default);
    if (schema[X_SENSITIVE] === true) field.sensitive = true;
    if (isObject(schema[X_FILE])) field.file = schema[X_FILE] as JsonObject;
    if (schema.additionalProperties === false) field.closed = true;
    if (Array.isArray(schema.required))
      for (const name of schema.required)
        if (typeof name === 'string') required.push({ label: join(label, name), sometimes });
  });
  // After the walk, so fields keep the order the form declares them in.
  for (const { label, sometimes } of required) {
    const field = at(label);
    if (sometimes) field.requiredSometimes = true;
    else field.required = true;
  }
  // A secret's parts are secret too.
  const sensitive = [...facts.values()].filter((f) => f.sensitive).map((f) => f.label);
  for (const field of facts.values())
    if (sensitive.some((outer) => outer !== '' && isInside(field.label, outer)))
      field.sensitive = true;
  // A `required` naming a field no branch declares is still a field: keep it, it is what a reviewer sees.
  return facts;
}

function addRule(field: FieldFacts, keyword: string, value: unknown): void {
  let values = field.rules.get(keyword);
  if (!values) field.rules.set(keyword, (values = new Set()));
  values.add(JSON.stringify(value));
}

/** The values a choice allows: `enum`, or `oneOf`/`anyOf` whose every option is a `const`. */
function choicesOf(schema: JsonObject): string[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value));
  for (const keyword of ['oneOf', 'anyOf']) {
    const options = schema[keyword];
    if (
      Array.isArray(options) &&
      options.length > 0 &&
      options.every((option) => isObject(option) && 'const' in option)
    )
      return options.map((option) => JSON.stringify((option as JsonObject).const));
  }
  return undefined;
}

/** The label of the part of the value `steps` lead to; undefined for property names. */
function labelOf(steps: readonly Step[]): string | undefined {
  let label = '';
  for (const step of steps) {
    switch (step.kind) {
      case 'property':
        label = join(label, step.name);
        break;
      case 'pattern':
      case 'otherProperties':
        label = join(label, '{any}');
        break;
      case 'items':
        label += '[]';
        break;
      case 'index':
        label += `[${step.index}]`;
        break;
      default:
        return undefined;
    }
  }
  return label;
}

function join(label: string, name: string): string {
  return label === '' ? name : `${label}.${name}`;
}

function isInside(label: string, outer: string): boolean {
  return label === outer || label.startsWith(`${outer}.`) || label.startsWith(`${outer}[`);
}
