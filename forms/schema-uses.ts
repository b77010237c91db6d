import { walkSchema, type JsonObject } from './schema-walk.js';

const ANSWERS = new WeakMap<JsonObject, Map<string, boolean>>();

/**
 * Whether any subschema of `root`, wherever it is written (definitions, branches, any keyword),
 * carries `keyword`; also true when the document cannot be read whole (a `$ref` that names
 * nothing, a walk cut short), so a caller that skips its work on `false` never skips a field it
 * could not see. Answered once per schema object: a run's redaction and file checks ask it every
 * time, and most forms mark no field at all.
 */
export function schemaUses(root: JsonObject, keyword: string): boolean {
  let answers = ANSWERS.get(root);
  if (!answers) ANSWERS.set(root, (answers = new Map()));
  let used = answers.get(keyword);
  if (used === undefined) {
    used = false;
    const gaps = walkSchema(root, 'document', ({ schema }) => {
      if (Object.hasOwn(schema, keyword)) used = true;
    });
    used ||= gaps.truncated || gaps.unresolved.length > 0;
    answers.set(keyword, used);
  }
  return used;
}
