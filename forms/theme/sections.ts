import type { UiSchema } from '@rjsf/utils';
import { isObject, type JsonObject } from '../schema-walk.js';

/**
 * A form with at least this many fields is shown in sections (when it has groups to make them
 * from): a long form mounts only what is open, and people find their way in it by headings.
 */
export const SECTIONED_FORM_FIELDS = 40;

/** Fields per section when a large flat form has no groups of its own. */
export const FIELDS_PER_PART = 25;

/** One collapsible part of a large form: a heading and the top-level fields under it. */
export interface FormSection {
  /** Stable within the form: the property name of an object section, else `section-N`. */
  key: string;
  title: string;
  /** The top-level property names shown in it, in order. */
  fields: readonly string[];
}

/** The uiSchema option an author names sections with (on the root's `ui:options`). */
interface AuthoredSection {
  title: string;
  fields: string[];
}

function authoredSections(uiSchema: UiSchema): AuthoredSection[] | undefined {
  const options = uiSchema['ui:options'];
  const sections = isObject(options) ? options.sections : undefined;
  if (!Array.isArray(sections)) return undefined;
  return sections.filter(
    (section): section is AuthoredSection =>
      isObject(section) &&
      typeof section.title === 'string' &&
      Array.isArray(section.fields) &&
      section.fields.every((field: unknown) => typeof field === 'string'),
  );
}

/** How many input fields a subschema holds (its leaves through `properties`), one per other node. */
function countFields(schema: unknown, depth = 0): number {
  if (!isObject(schema) || depth > 16) return 1;
  const properties = schema.properties;
  if (!isObject(properties)) return 1;
  let count = 0;
  for (const child of Object.values(properties)) count += countFields(child, depth + 1);
  return count;
}

function titleOf(name: string, schema: unknown, ui: unknown): string {
  if (isObject(ui) && typeof ui['ui:title'] === 'string') return ui['ui:title'];
  if (isObject(schema) && typeof schema.title === 'string') return schema.title;
  return name;
}

/**
 * The sections of a form, in the order the fields are shown (`order`: the top-level property
 * names as RJSF orders them), or `undefined` for a form shown whole. In turn:
 *
 * 1. the sections the author named in the root uiSchema, `"ui:options": { "sections": [{ "title":
 *    "Address", "fields": ["street", "city"] }] }`, for a form of any size; fields not named come
 *    first, outside any section;
 * 2. in a form of {@link SECTIONED_FORM_FIELDS} fields or more, each top-level object property
 *    (a group of fields) is a section with the group's title; other fields come first;
 * 3. in a large form with no groups, parts of {@link FIELDS_PER_PART} fields, titled by their
 *    first and last field ("Amount – Due date").
 */
export function formSections(
  schema: JsonObject,
  uiSchema: UiSchema,
  order: readonly string[],
): FormSection[] | undefined {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const authored = authoredSections(uiSchema);
  if (authored) {
    const known = new Set(order);
    return authored.map((section, index) => ({
      key: `section-${index + 1}`,
      title: section.title,
      fields: section.fields.filter((field) => known.has(field)),
    }));
  }
  if (countFields(schema) < SECTIONED_FORM_FIELDS) return undefined;
  const groups = order.filter(
    (name) => isObject(properties[name]) && countFields(properties[name]) > 1,
  );
  if (groups.length > 0)
    return groups.map((name) => ({
      key: name,
      title: titleOf(name, properties[name], uiSchema[name]),
      fields: [name],
    }));
  const parts: FormSection[] = [];
  for (let start = 0; start < order.length; start += FIELDS_PER_PART) {
    const fields = order.slice(start, start + FIELDS_PER_PART);
    const first = titleOf(fields[0]!, properties[fields[0]!], uiSchema[fields[0]!]);
    const last = titleOf(fields.at(-1)!, properties[fields.at(-1)!], uiSchema[fields.at(-1)!]);
    parts.push({
      key: `section-${parts.length + 1}`,
      title: fields.length > 1 ? `${first} – ${last}` : first,
      fields,
    });
  }
  return parts;
}

/** The section showing top-level field `name`, if the form has sections and one shows it. */
export function sectionOf(
  sections: readonly FormSection[] | undefined,
  name: string,
): FormSection | undefined {
  return sections?.find((section) => section.fields.includes(name));
}
