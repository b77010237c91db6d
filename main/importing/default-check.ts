import { createAuthorityAjv, validateAgainst } from '../../forms/authority-validator.js';
import type { GeneratedScript } from './generated-script.js';

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
      {
        [field.name]: value,
      },
    );
    if (problems.length === 0) continue;
    field.schema = rest;
    script.todos.push(
      `${field.name}: the default ${JSON.stringify(value)} does not fit the field (${problems[0]!.message}), so the form has none; correct it in form.schema.json`,
    );
  }
}
