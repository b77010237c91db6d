import type { Ajv } from 'ajv';
import { compileNoting } from './authority-validator.js';
import { toFieldErrors } from './error-messages.js';
import { schemaCapProblems } from './schema-caps.js';
import {
  escapeToken,
  isObject,
  walkSchema,
  type JsonObject,
  type SchemaVisit,
} from './schema-walk.js';
import {
  ERROR_TEXT_KEYWORDS,
  MAX_ERROR_TEXT_LENGTH,
  X_ERROR,
  X_FILE,
  X_SENSITIVE,
} from './vocabulary.js';

export { MAX_FORM_PROPERTIES, SCHEMA_LIMITS } from './schema-caps.js';

/**
 * Checks a form schema before it is published and returns its errors as "where: what; fix" lines
 * (empty when fine), `where` the JSON Pointer of the place. It refuses only what is unsafe or
 * broken: not an object of fields, a `$ref` that is remote or names nothing, a nested `$id` (it
 * moves where "#/..." points for Ajv but not for the rules reading the form), `x-file` on a
 * non-string or either mark under `propertyNames`, an `x-` keyword ScriptDesk does not know (a
 * misspelt mark leaves a secret in clear), a `data-url` field (file bytes past main's file
 * checks), a malformed `x-error`, a form over the caps (`schema-caps.ts`), one that does not
 * compile, and a default the author wrote that its own subschema refuses. What is only style
 * (an unknown keyword, a keyword whose type nothing declares, a tuple without a length) goes to
 * `warnings`, if given, and does not fail the build. Not needed: `additionalProperties: false`
 * (main refuses undeclared inputs itself, `declared-inputs.ts`) or `maxItems` on arrays (devices
 * bound every list, `INPUT_LIMITS`). Every subschema is reached through the one walker in
 * `schema-walk.ts`, as the rules that read the form reach it.
 */
export function lintFormSchema(ajv: Ajv, schema: unknown, warnings: string[] = []): string[] {
  if (!isObject(schema))
    return [
      '#: the schema must be a JSON object; start from { "type": "object", "properties": {} }',
    ];
  const problems: string[] = [];
  if (schema.type !== 'object')
    problems.push(
      '#/type: must be "object": a script takes an object of named fields; put a single value in it as its one property',
    );
  const visits: SchemaVisit[] = [];
  const document = walkSchema(schema, 'document', (visit) => {
    visits.push(visit);
    problems.push(...lintSubschema(visit, whereOf(visit.pointer)));
  });
  for (const { pointer, ref } of document.unresolved) {
    const where = whereOf(pointer);
    problems.push(
      ref.startsWith('#')
        ? `${where}/$ref: "${ref}" names nothing in this schema; point it at a subschema, like "#/$defs/name"`
        : `${where}/$ref: "${ref}" points outside the schema; only local "#/..." references are allowed`,
    );
  }
  problems.push(...schemaCapProblems(schema));
  if (problems.length) return problems;

  let compiled;
  try {
    compiled = compileNoting(ajv, schema);
  } catch (error) {
    return [`#: does not compile: ${(error as Error).message}; fix the schema there`];
  }
  for (const note of new Set(compiled.notes)) {
    const judged = judgeStrictNote(note, visits);
    problems.push(...judged.errors);
    warnings.push(...judged.warnings);
  }
  problems.push(...defaultProblems(ajv, schema, visits));
  return problems;
}

/** A JSON Pointer without the leading `#` (the root stays `#`), as problems name places. */
function whereOf(pointer: string): string {
  return pointer === '#' ? '#' : pointer.slice(1);
}

/** The problems of one subschema where it is written: references, marks, keywords. */
function lintSubschema(visit: SchemaVisit, where: string): string[] {
  const { schema: node, depth, keywords } = visit;
  const problems: string[] = [];
  if ('$id' in node && depth > 0) {
    // A nested $id moves where "#/..." points for Ajv but not for the rules reading the form.
    problems.push(`${where}/$id: only the whole form may have an "$id"; remove it`);
  }
  if (node.format === 'data-url' || node.contentEncoding === 'base64')
    problems.push(
      `${where}: a file's bytes in the form ("data-url"/base64) would reach the script past main's checks of path, type and size; take a path instead: { "type": "string", "${X_FILE}": { "kind": "file", "accept": [".csv"] } }`,
    );
  const marks = [X_SENSITIVE, X_FILE].filter((keyword) => keyword in node);
  if (marks.length && keywords.includes('propertyNames')) {
    problems.push(
      `${where}: "${marks[0]}" under "propertyNames" describes key names, which are never masked, redacted or checked; put it on the value's schema`,
    );
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (X_FILE in node && node.type !== undefined && !types.includes('string')) {
    problems.push(
      `${where}: "${X_FILE}" marks a path, so the field must be "type": "string"; fix the type`,
    );
  }
  if (X_ERROR in node) problems.push(...errorTextProblems(node[X_ERROR], `${where}/${X_ERROR}`));
  if ('errorMessage' in node)
    problems.push(
      `${where}/errorMessage: ajv-errors' "errorMessage" is not supported; write the advice as "${X_ERROR}" (a sentence, or an object keyed by keyword)`,
    );
  return problems;
}

const SCRIPTDESK_KEYWORDS: readonly string[] = [X_SENSITIVE, X_FILE, X_ERROR];

/**
 * Keywords the walker reads as holding subschemas or rules (so redaction, file checks and widgets
 * follow them) but Ajv's draft 7 ignores: the two would disagree about the same value.
 */
const UNAPPLIED_FIX: Record<string, string> = {
  prefixItems: '"items": [ ...schemas ] with "additionalItems"',
  dependentSchemas: '"dependencies": { "name": schema }',
  dependentRequired: '"dependencies": { "name": ["other"] }',
  unevaluatedProperties: '"additionalProperties"',
  unevaluatedItems: '"additionalItems"',
};
const UNAPPLIED = Object.keys(UNAPPLIED_FIX);

/**
 * Turns one of Ajv's strict-mode notes into what the author sees: an unknown `x-` keyword is an
 * error (a misspelt `x-sensitive` would leave a secret unmasked and in the audit record), any
 * other unknown keyword a warning ("ignored"); a type-specific keyword whose type another branch
 * declares for the same value (a `then` adding `pattern` to a field typed string in `properties`)
 * is fine; the rest are warnings, each at the place it names.
 */
function judgeStrictNote(
  note: string,
  visits: readonly SchemaVisit[],
): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const text = note.replace(/^strict mode: /, '');
  const unknown = /^unknown keyword: "(.*)"$/.exec(text);
  if (unknown) {
    const keyword = unknown[1]!;
    const places = visits.filter((visit) => Object.hasOwn(visit.schema, keyword));
    for (const { pointer } of places.length ? places : [{ pointer: '#' }]) {
      const where = `${whereOf(pointer)}/${keyword}`;
      if (UNAPPLIED.includes(keyword))
        errors.push(
          `${where}: "${keyword}" is a keyword of a later JSON Schema draft that main's validator (draft 7) does not apply, while redaction and file checks do read it; write it the draft-7 way (${UNAPPLIED_FIX[keyword]})`,
        );
      else if (keyword.startsWith('x-'))
        errors.push(
          `${where}: "${keyword}" is not a ScriptDesk keyword; use one of ${SCRIPTDESK_KEYWORDS.join(', ')} (a misspelt mark would leave a value unmasked or unchecked)`,
        );
      else
        warnings.push(
          `${where}: "${keyword}" is not a JSON Schema keyword and is ignored; remove it, or fix the spelling if it was meant as a rule`,
        );
    }
    return { errors, warnings };
  }
  const at = /at (?:path )?"[^"#]*(#[^"]*)"/.exec(text)?.[1] ?? '#';
  const missingType = /^missing type "(\w+)" for keyword "(\w+)"/.exec(text);
  if (missingType) {
    const [, type, keyword] = missingType;
    if (declaredElsewhere(at, type!, visits)) return { errors, warnings };
    warnings.push(
      `${whereOf(at)}/${keyword}: applies only to ${type} values and nothing here says the field is one, so other values skip it; add "type": "${type}"`,
    );
    return { errors, warnings };
  }
  warnings.push(`${whereOf(at)}: ${text.replace(/ at (path )?"[^"]*"/, '')}`);
  return { errors, warnings };
}

/**
 * Whether a subschema describing the same part of the value as the one at `pointer` (another
 * branch of `allOf`, `if`/`then`/`else`, the main `properties`) declares `type`: the type
 * inferred across branches, which Ajv's strict mode does not do.
 */
function declaredElsewhere(pointer: string, type: string, visits: readonly SchemaVisit[]): boolean {
  const target = visits.find((visit) => visit.pointer === pointer);
  if (!target) return false;
  const place = JSON.stringify(target.steps);
  const fits = type === 'number' ? ['number', 'integer'] : [type];
  return visits.some((visit) => {
    if (JSON.stringify(visit.steps) !== place) return false;
    const declared = Array.isArray(visit.schema.type) ? visit.schema.type : [visit.schema.type];
    return declared.some((each) => fits.includes(each as string));
  });
}

// Requirements say nothing about defaults; `if` goes too: its `then` problems that are not
// requirements are reported on their own.
const NOT_FOR_DEFAULTS = new Set(['required', 'dependencies', 'dependentRequired', 'if']);
// Defaults under these describe no value a form starts with.
const NO_DEFAULTS_UNDER = new Set(['if', 'not', 'propertyNames', 'contains']);

let lintKeys = 0;

/**
 * Checks every `default` the author wrote against the subschema it is written on (within the
 * whole form, so its `$ref`s resolve). A default nobody wrote is not checked: an empty form
 * failing a root `oneOf` or `if`/`then` is the user's to fill, not the author's mistake.
 */
function defaultProblems(ajv: Ajv, schema: JsonObject, visits: readonly SchemaVisit[]): string[] {
  const written = visits.filter(
    (visit) =>
      Object.hasOwn(visit.schema, 'default') &&
      !visit.keywords.some((keyword) => NO_DEFAULTS_UNDER.has(keyword)),
  );
  if (!written.length) return [];
  const key =
    typeof schema.$id === 'string'
      ? schema.$id
      : `https://scriptdesk.invalid/form-lint/${++lintKeys}`;
  if (!ajv.getSchema(key)) ajv.addSchema(schema, key);
  const problems: string[] = [];
  for (const visit of written) {
    let check;
    try {
      check = ajv.getSchema(`${key}${visit.pointer}`);
    } catch {
      continue; // a place Ajv cannot name by pointer: the compile above has checked the schema
    }
    if (!check || check(visit.schema.default)) continue;
    // A required field without a default is fine: the user fills it in.
    const wrong = (check.errors ?? []).filter((error) => !NOT_FOR_DEFAULTS.has(error.keyword));
    // Worded as the field it is the default of, as a form shows that field.
    const last = visit.steps.at(-1);
    const name = last?.kind === 'property' ? last.name : 'value';
    const asField = wrong.map((error) => ({
      ...error,
      instancePath: `/${escapeToken(name)}${error.instancePath}`,
    }));
    const wording = {
      ...schema,
      properties: { [name]: visit.schema },
    };
    for (const error of toFieldErrors(asField, wording)) {
      const reason = error.message.replace(/\.$/, '');
      const within = error.path.slice(`/${escapeToken(name)}`.length);
      const inside = within ? ` (at ${within})` : '';
      problems.push(
        `${whereOf(visit.pointer)}/default: the default${inside} is refused by its own schema: ${reason}; fix the "default"`,
      );
    }
  }
  return problems;
}

/** An `x-error` is a sentence, or an object mapping worded keywords to sentences. */
function errorTextProblems(value: unknown, where: string): string[] {
  const shape = `must be a sentence of 1 to ${MAX_ERROR_TEXT_LENGTH} characters, or an object that maps keywords (such as "pattern") to such sentences`;
  const isText = (text: unknown) =>
    typeof text === 'string' && text.trim() !== '' && text.length <= MAX_ERROR_TEXT_LENGTH;
  if (typeof value === 'string') return isText(value) ? [] : [`${where}: ${shape}`];
  if (!isObject(value) || Object.keys(value).length === 0) return [`${where}: ${shape}`];
  const known: readonly string[] = ERROR_TEXT_KEYWORDS;
  const problems: string[] = [];
  for (const [keyword, text] of Object.entries(value)) {
    if (!known.includes(keyword))
      problems.push(
        `${where}/${keyword}: "${keyword}" is not a keyword whose problems are worded; use one of ${known.join(', ')}`,
      );
    else if (!isText(text)) problems.push(`${where}/${keyword}: ${shape}`);
  }
  return problems;
}
