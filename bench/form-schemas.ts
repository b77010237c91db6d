/**
 * The schemas the `form` benchmark measures both forms on, generated (the same every run): flat
 * and grouped forms of mixed field types with some required fields, and a conditional form.
 */

type Json = Record<string, unknown>;

/** One benchmark form: its schema, uiSchema and the ids of fields to type in. */
export interface BenchForm {
  name: string;
  label: string;
  schema: Json;
  uiSchema: Json;
  /** Widget ids (`root_…`) of text fields in the first part of the form, typed in turn. */
  typeInto: string[];
}

/** Field `n` (from 1): text, a bounded number, a choice, a coded text or a yes/no, in turn. */
function field(n: number): { schema: Json; text: boolean; required: boolean } {
  const title = `Field ${n}`;
  const kind = (n - 1) % 5;
  const required = n % 4 === 1;
  if (kind === 0) return { schema: { type: 'string', title, maxLength: 80 }, text: true, required };
  if (kind === 1)
    return { schema: { type: 'integer', title, minimum: 0, maximum: 1000 }, text: false, required };
  if (kind === 2)
    return {
      schema: { type: 'string', title, enum: ['north', 'south', 'east', 'west'] },
      text: false,
      required,
    };
  if (kind === 3)
    return {
      schema: { type: 'string', title, pattern: '^[A-Z]{2}[0-9]{4}$', description: 'Like AB1234' },
      text: true,
      required,
    };
  return { schema: { type: 'boolean', title }, text: false, required: false };
}

function fields(from: number, count: number, prefix: string) {
  const properties: Json = {};
  const required: string[] = [];
  const text: string[] = [];
  for (let n = from; n < from + count; n += 1) {
    const key = `f${String(n).padStart(4, '0')}`;
    const made = field(n);
    properties[key] = made.schema;
    if (made.required) required.push(key);
    if (made.text) text.push(`${prefix}_${key}`);
  }
  return { properties, required, text };
}

function flatForm(count: number): BenchForm {
  const { properties, required, text } = fields(1, count, 'root');
  return {
    name: `f${count}`,
    label: `${count} fields`,
    schema: { type: 'object', title: 'Benchmark form', properties, required },
    uiSchema: {},
    typeInto: text,
  };
}

/** `count` fields in `groups` top-level objects, as a large form is usually written. */
function groupedForm(count: number, groups: number): BenchForm {
  const size = count / groups;
  const properties: Json = {};
  let typeInto: string[] = [];
  for (let g = 1; g <= groups; g += 1) {
    const key = `group${String(g).padStart(2, '0')}`;
    const part = fields((g - 1) * size + 1, size, `root_${key}`);
    properties[key] = {
      type: 'object',
      title: `Group ${g}`,
      properties: part.properties,
      required: part.required,
    };
    if (g === 1) typeInto = part.text;
  }
  return {
    name: `f${count}`,
    label: `${count} fields in ${groups} groups`,
    schema: { type: 'object', title: 'Benchmark form', properties },
    uiSchema: {},
    typeInto,
  };
}

/** 20 blocks of a choice, a detail that choosing "custom" requires (if/then) and a note. */
function conditionalForm(blocks: number): BenchForm {
  const properties: Json = {};
  const allOf: Json[] = [];
  const typeInto: string[] = [];
  for (let b = 1; b <= blocks; b += 1) {
    properties[`mode${b}`] = {
      type: 'string',
      title: `Mode ${b}`,
      enum: ['standard', 'custom'],
      default: 'standard',
    };
    properties[`detail${b}`] = { type: 'string', title: `Detail ${b}`, maxLength: 80 };
    properties[`note${b}`] = { type: 'string', title: `Note ${b}`, maxLength: 200 };
    allOf.push({
      if: { properties: { [`mode${b}`]: { const: 'custom' } }, required: [`mode${b}`] },
      then: {
        properties: { [`detail${b}`]: { type: 'string', minLength: 3 } },
        required: [`detail${b}`],
      },
    });
    // The first 25 fields are the first part a long form shows open (forms/theme/sections.ts).
    if (b <= 8) typeInto.push(`root_note${b}`);
  }
  return {
    name: 'conditional20',
    label: `${blocks} if/then blocks`,
    schema: {
      type: 'object',
      title: 'Benchmark form',
      properties,
      required: ['note1'],
      allOf,
    },
    uiSchema: {},
    typeInto,
  };
}

/** The forms measured, smallest first. */
export function benchForms(): BenchForm[] {
  return [flatForm(20), groupedForm(200, 10), groupedForm(1000, 20), conditionalForm(20)];
}
