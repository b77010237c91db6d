import { getUiOptions, type FieldProps, type UiSchema } from '@rjsf/utils';

/**
 * One entry of a list, named as the error messages name it (`labelOf` in forms/error-messages.ts):
 * the entries' own title and their position ("Recipient 2"), or the list's name with "entry"
 * when they have none ("Recipients entry 2"), instead of RJSF's "Recipients-2". The label a user
 * reads and the problem that points at it then say the same words.
 */
export default function ArrayItemField(props: FieldProps) {
  const { registry, schema, uiSchema, title } = props;
  const { SchemaField } = registry.fields;
  // RJSF hands an array's entries their position; any other field has none.
  const index = (props as FieldProps & { index?: number }).index;
  if (index === undefined) return <SchemaField {...props} />;
  const own = [getUiOptions(uiSchema).title, schema.title].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
  );
  // RJSF's own name for the entry is the list's title (or key), a hyphen and the position.
  const list = typeof title === 'string' ? title.replace(new RegExp(`-${index + 1}$`), '') : '';
  const base = own?.trim().replace(/\s*\(optional\)$/i, '') ?? (list ? `${list} entry` : 'Entry');
  const named = `${base} ${index + 1}`;
  const options = (uiSchema?.['ui:options'] ?? {}) as Record<string, unknown>;
  const itemUiSchema: UiSchema = {
    ...uiSchema,
    'ui:title': named,
    'ui:options': { ...options, title: named },
  };
  return <SchemaField {...props} title={named} uiSchema={itemUiSchema} />;
}
