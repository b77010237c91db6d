import { createAuthorityAjv } from '../../forms/authority-validator.js';
import { formFields } from '../../forms/form-fields.js';
import { lintFormSchema } from '../../forms/schema-lint.js';
import { lintUiSchema } from '../../forms/ui-schema-lint.js';
import { ScriptManifestSchema } from '../catalogue/manifest.js';
import { checkArgTemplate } from '../runs/argv-template.js';
import { formSchemaOf, manifestOf, uiSchemaOf, type GeneratedScript } from './generated-script.js';

/**
 * The checks `catalogue build` makes of one script folder's own files (script.json's shape, the
 * form and uiSchema lints, the argv template against the form), run on what an importer made
 * before anything is written. A problem here is a defect of the importer, not of the input: each
 * comes back as one line naming the file, and the import writes nothing.
 */
export function buildProblems(script: GeneratedScript, groups: readonly string[]): string[] {
  const problems: string[] = [];
  const at = (file: string) => `scripts/${script.id}/${file}`;
  const manifest = ScriptManifestSchema.safeParse(manifestOf(script, groups));
  if (!manifest.success)
    for (const issue of manifest.error.issues)
      problems.push(`${at('script.json')}: ${issue.path.join('.')}: ${issue.message}`);
  const schema = formSchemaOf(script);
  for (const problem of lintFormSchema(createAuthorityAjv(), schema))
    problems.push(`${at('form.schema.json')}: ${problem}`);
  if (problems.length) return problems;
  for (const problem of lintUiSchema(uiSchemaOf(script), schema))
    problems.push(`${at('form.ui.json')}: ${problem}`);
  if (script.args) {
    const sensitive = [...formFields(schema).fields.values()]
      .filter((field) => field.uiPath.length === 1 && field.sensitive)
      .map((field) => String(field.uiPath[0]));
    const fields = new Set(script.fields.map((field) => field.name));
    for (const problem of checkArgTemplate(
      script.args,
      fields,
      script.supportsDryRun,
      new Set(sensitive),
    ))
      problems.push(`${at('script.json')}: ${problem}`);
  }
  return problems;
}
