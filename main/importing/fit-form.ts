import { createAuthorityAjv, validateAgainst } from '../../forms/authority-validator.js';
import { SCHEMA_LIMITS } from '../../forms/schema-caps.js';
import { INPUT_LIMITS } from '../shared/input-limits.js';
import type { GeneratedScript, JsonObject } from './generated-script.js';

/**
 * Lowers a `maxLength` or `maxItems` over what devices accept (an AWX text question with a max of
 * 1,000,000) to that limit, with a TODO: `catalogue build` refuses a form over the caps.
 */
export function fitDeviceCaps(script: GeneratedScript): void {
  const lower = (schema: JsonObject, name: string) => {
    if (typeof schema.maxLength === 'number' && schema.maxLength > INPUT_LIMITS.maxStringLength) {
      script.todos.push(
        `${name}: at most ${schema.maxLength} characters is more than devices accept; the form allows ${INPUT_LIMITS.maxStringLength} (pass longer text as a file)`,
      );
      schema.maxLength = INPUT_LIMITS.maxStringLength;
    }
    if (typeof schema.maxItems === 'number' && schema.maxItems > SCHEMA_LIMITS.maxArrayItems) {
      script.todos.push(
        `${name}: at most ${schema.maxItems} entries is more than a form may ask for; the form allows ${SCHEMA_LIMITS.maxArrayItems} (pass a longer list as a file)`,
      );
      schema.maxItems = SCHEMA_LIMITS.maxArrayItems;
    }
  };
  for (const field of script.fields) {
    lower(field.schema, field.name);
    const items = field.schema.items;
    if (typeof items === 'object' && items !== null && !Array.isArray(items))
      lower(items as JsonObject, `${field.name} entries`);
  }
}

/**
 * Drops every field default its own field schema refuses (a script-server list default that is
 * not one of its values, an AWX number outside its min/max, an argparse default outside its
 * choices), each with a TODO naming the field and why, so the folder passes `catalogue build`,
 * whose lint refuses such a default. Checked with main's authority validator.
 */
export function dropRefusedDefaults(script: GeneratedScript): void {
  const ajv = createAuthorityAjv();
  for (const field of script.fields) {
    if (!('default' in field.schema)) continue;
    const { default: value, ...rest } = field.schema;
    const problems = validateAgainst(
      ajv,
      { type: 'object', properties: { [field.name]: rest } },
      { [field.name]: value },
    );
    if (problems.length === 0) continue;
    field.schema = rest;
    script.todos.push(
      `${field.name}: the default ${JSON.stringify(value)} does not fit the field (${problems[0]!.message}), so the form has none; correct it in form.schema.json`,
    );
  }
}
