import { describe, expect, it } from 'vitest';
import {
  FIELDS_PER_PART,
  formSections,
  SECTIONED_FORM_FIELDS,
  sectionOf,
} from '../../forms/theme/sections.js';

/** A flat schema of `count` string fields named f1…fN. */
function flat(count: number) {
  const properties: Record<string, unknown> = {};
  for (let i = 1; i <= count; i++) properties[`f${i}`] = { type: 'string', title: `Field ${i}` };
  return { type: 'object', properties };
}

describe('form sections', () => {
  it('a small form is shown whole', () => {
    const schema = flat(SECTIONED_FORM_FIELDS - 1);
    expect(formSections(schema, {}, Object.keys(schema.properties))).toBeUndefined();
  });

  it('a large form with groups gets one section per group, titled by the group, in form order', () => {
    const group = (title: string) => ({ type: 'object', title, properties: flat(20).properties });
    const schema = {
      type: 'object',
      properties: {
        note: { type: 'string' },
        billing: group('Billing'),
        shipping: group('Shipping'),
      },
    };
    const sections = formSections(schema, { shipping: { 'ui:title': 'Delivery' } }, [
      'note',
      'shipping',
      'billing',
    ]);
    expect(sections).toEqual([
      { key: 'shipping', title: 'Delivery', fields: ['shipping'] },
      { key: 'billing', title: 'Billing', fields: ['billing'] },
    ]);
    expect(sectionOf(sections, 'billing')?.key).toBe('billing');
    expect(sectionOf(sections, 'note')).toBeUndefined();
  });

  it('a large flat form is cut into parts of a fixed size, named by their first and last field', () => {
    const schema = flat(FIELDS_PER_PART * 2 + 1);
    const order = Object.keys(schema.properties);
    const sections = formSections(schema, {}, order)!;
    expect(sections.map((s) => s.fields.length)).toEqual([FIELDS_PER_PART, FIELDS_PER_PART, 1]);
    expect(sections[0]!.title).toBe(`Field 1 – Field ${FIELDS_PER_PART}`);
    expect(sections[2]!.title).toBe(`Field ${FIELDS_PER_PART * 2 + 1}`);
    expect(sections.flatMap((s) => s.fields)).toEqual(order);
  });

  it('sections the author names win at any size; names the form does not have are dropped, malformed entries ignored', () => {
    const schema = flat(3);
    const uiSchema = {
      'ui:options': {
        sections: [
          { title: 'First', fields: ['f1', 'nope'] },
          { title: 'Broken', fields: [1] },
          { title: 'Rest', fields: ['f2', 'f3'] },
        ],
      },
    };
    expect(formSections(schema, uiSchema, ['f1', 'f2', 'f3'])).toEqual([
      { key: 'section-1', title: 'First', fields: ['f1'] },
      { key: 'section-2', title: 'Rest', fields: ['f2', 'f3'] },
    ]);
  });
});
