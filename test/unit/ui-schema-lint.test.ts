import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getDefaultRegistry } from '@rjsf/core';
import { getWidget } from '@rjsf/utils';
import { describe, expect, it } from 'vitest';
import { lintUiSchema, UI_WIDGETS, type FieldType } from '../../forms/ui-schema-lint.js';
import { readCatalogueSource } from '../../main/publishing/source-reader.js';
import { copySource, DEMO_SOURCE, FIXTURE_SOURCE } from '../support/catalogue.js';

type Json = Record<string, unknown>;

/** A form with one field of each kind the rules care about. */
const form: Json = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 80 },
    notes: { type: 'string', maxLength: 2000 },
    count: { type: 'integer', minimum: 1, maximum: 10 },
    agree: { type: 'boolean' },
    colour: { type: 'string', enum: ['red', 'blue'] },
    report: { type: 'string', maxLength: 4096, 'x-file': { kind: 'file', accept: ['.csv'] } },
    token: { type: 'string', maxLength: 200, 'x-sensitive': true },
    tags: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 20 } },
    rows: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { amount: { type: 'number' }, memo: { type: 'string', maxLength: 50 } },
      },
    },
    address: { $ref: '#/$defs/address' },
    mode: { type: 'string', enum: ['simple', 'advanced'] },
  },
  if: { properties: { mode: { const: 'advanced' } } },
  then: { properties: { depth: { type: 'integer', minimum: 1, maximum: 5 } } },
  $defs: {
    address: {
      type: 'object',
      additionalProperties: false,
      properties: { city: { type: 'string', maxLength: 60 }, zip: { type: 'string' } },
    },
  },
};
const ALL_FIELDS = [
  'name',
  'notes',
  'count',
  'agree',
  'colour',
  'report',
  'token',
  'tags',
  'rows',
  'address',
  'mode',
  'depth',
];
const lint = (uiSchema: unknown) => lintUiSchema(uiSchema, form);
/** The warnings of a uiSchema that has no errors (the test fails if it has any). */
const warningsOf = (uiSchema: unknown) => {
  const warnings: string[] = [];
  expect(lintUiSchema(uiSchema, form, warnings)).toEqual([]);
  return warnings;
};

describe('lintUiSchema: the shape of a uiSchema', () => {
  it('accepts an empty uiSchema and refuses one that is not an object', () => {
    expect(lint({})).toEqual([]);
    expect(lint(['name'])).toEqual([
      'the uiSchema must be a JSON object of field names and "ui:" options; start from {}',
    ]);
  });

  it('accepts field names declared at each level: nested objects through $ref, array items and conditional fields', () => {
    expect(
      lint({
        name: { 'ui:placeholder': 'Your name' },
        address: { city: { 'ui:placeholder': 'Zürich' } },
        tags: { items: { 'ui:placeholder': 'a tag' } },
        rows: { items: { amount: { 'ui:widget': 'updown' } } },
        depth: { 'ui:widget': 'range' },
      }),
    ).toEqual([]);
  });

  it('warns, without refusing, of a key that is not a field of the form (RJSF ignores it), at the top, in a nested object and in array items', () => {
    expect(warningsOf({ nmae: { 'ui:placeholder': 'Your name' } })).toEqual([
      '`/nmae`: is not a field of form.schema.json, so it is ignored; remove it or fix the name',
    ]);
    expect(warningsOf({ address: { street: {} } })).toEqual([
      '`/address/street`: is not a field of form.schema.json, so it is ignored; remove it or fix the name',
    ]);
    expect(warningsOf({ rows: { items: { total: {} } } })).toEqual([
      '`/rows/items/total`: is not a field of form.schema.json, so it is ignored; remove it or fix the name',
    ]);
    expect(warningsOf({ name: { first: {} } })).toEqual([
      '`/name/first`: is not a field of form.schema.json, so it is ignored; remove it or fix the name',
    ]);
  });

  it('tells an admin that an array field takes its entries under `items`', () => {
    expect(warningsOf({ tags: { tag: { 'ui:placeholder': 'a tag' } } })).toEqual([
      "`/tags/tag`: is not a field of form.schema.json (an array's entries go under `items`), so it is ignored; remove it or fix the name",
    ]);
  });

  it('refuses a field whose uiSchema is not an object', () => {
    expect(lint({ notes: 'textarea' })).toEqual([
      '`/notes`: must be an object of "ui:" options, like { "ui:help": "…" }; wrap the value in one',
    ]);
  });

  it('escapes "/" and "~" in a field name the way a JSON Pointer does', () => {
    expect(warningsOf({ 'a/b~c': {} })).toEqual([
      '`/a~1b~0c`: is not a field of form.schema.json, so it is ignored; remove it or fix the name',
    ]);
  });
});

describe("lintUiSchema: the root's named sections", () => {
  const sections = (value: unknown) => ({ 'ui:options': { sections: value } });

  it('accepts titled sections of declared fields', () => {
    expect(
      lint(
        sections([
          { title: 'Who', fields: ['name', 'token'] },
          { title: 'What', fields: ['tags'] },
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses sections anywhere but the root, a field that is not there, and a field in two sections', () => {
    expect(lint({ address: sections([{ title: 'A', fields: ['zip'] }]) })).toEqual([
      '`/address/ui:options/sections`: only applies to the whole form (the root); move it there',
    ]);
    expect(lint(sections([{ title: 'Who', fields: ['nmae'] }]))).toEqual([
      '`/ui:options/sections`: section 1 lists "nmae", which is not a field of form.schema.json; remove it or fix the name',
    ]);
    expect(
      lint(
        sections([
          { title: 'A', fields: ['name'] },
          { title: 'B', fields: ['name'] },
        ]),
      ),
    ).toEqual([
      '`/ui:options/sections`: section 2 lists "name" again; a field belongs to one section',
    ]);
  });

  it('refuses sections without a title or a list of fields', () => {
    expect(lint(sections({ title: 'A' }))).toEqual([
      '`/ui:options/sections`: must be a list of sections, like [{ "title": "Address", "fields": ["street", "city"] }]',
    ]);
    expect(lint(sections([{ fields: ['name'] }]))).toEqual([
      '`/ui:options/sections`: section 1\'s "title" must be text (a string in quotes)',
    ]);
  });
});

describe('lintUiSchema: ui:order', () => {
  it('accepts a list of declared fields with "*" for the rest, or a complete list', () => {
    expect(lint({ 'ui:order': ['token', 'name', '*'] })).toEqual([]);
    expect(lint({ 'ui:order': [...ALL_FIELDS].reverse() })).toEqual([]);
    expect(lint({ address: { 'ui:order': ['zip', 'city'] } })).toEqual([]);
  });

  it('refuses an order that is not a list', () => {
    expect(lint({ 'ui:order': 'name' })).toEqual([
      '`/ui:order`: must be a list of field names, like ["name", "*"]; write it as one',
    ]);
  });

  it('refuses a name that is not a field', () => {
    expect(lint({ 'ui:order': ['name', 'nmae', '*'] })).toEqual([
      '`/ui:order`: "nmae" is not a field of form.schema.json; remove it or fix the name',
    ]);
  });

  it('refuses a name or "*" listed twice', () => {
    expect(lint({ 'ui:order': ['name', '*', 'name'] })).toEqual([
      '`/ui:order`: lists "name" more than once; keep one',
    ]);
    expect(lint({ 'ui:order': ['*', 'name', '*'] })).toEqual([
      '`/ui:order`: lists "*" more than once; keep one',
    ]);
  });

  it('refuses an order without "*" that leaves fields out, which RJSF cannot render', () => {
    expect(lint({ address: { 'ui:order': ['city'] } })).toEqual([
      '`/address/ui:order`: leaves out "zip" and has no "*", so the form fails to render; add them or "*"',
    ]);
    // A field that only a condition adds must be placed too.
    expect(lint({ 'ui:order': ALL_FIELDS.filter((f) => f !== 'depth') })).toEqual([
      '`/ui:order`: leaves out "depth" and has no "*", so the form fails to render; add them or "*"',
    ]);
  });

  it('refuses an order on a field without fields of its own', () => {
    expect(lint({ name: { 'ui:order': ['*'] } })).toEqual([
      '`/name/ui:order`: only applies to an object with fields; remove it',
    ]);
  });
});

describe('lintUiSchema: ui:widget', () => {
  it('accepts standard RJSF widgets that suit the field and the ScriptDesk widgets on their fields', () => {
    expect(
      lint({
        notes: { 'ui:widget': 'textarea' },
        count: { 'ui:widget': 'updown' },
        agree: { 'ui:widget': 'radio' },
        colour: { 'ui:widget': 'radio' },
        tags: { 'ui:widget': 'hidden' },
        report: { 'ui:widget': 'path' },
        token: { 'ui:widget': 'sensitive' },
      }),
    ).toEqual([]);
  });

  it('allows a standard widget on exactly the field types RJSF can render it for', () => {
    const registered = getDefaultRegistry().widgets;
    const types: FieldType[] = ['string', 'number', 'integer', 'boolean', 'array'];
    for (const [widget, allowed] of Object.entries(UI_WIDGETS)) {
      if (widget === 'path' || widget === 'sensitive') continue; // ScriptDesk's, registered by name
      for (const type of types) {
        let renders = true;
        try {
          getWidget({ type }, widget, registered);
        } catch {
          renders = false;
        }
        expect(allowed.includes(type), `${widget} on ${type}`).toBe(renders);
      }
    }
  });

  it('refuses a widget name that does not exist, listing the ones that do', () => {
    expect(lint({ notes: { 'ui:widget': 'richtext' } })).toEqual([
      '`/notes/ui:widget`: "richtext" is not a widget ScriptDesk has; use one of text, textarea, password, email, uri, date, datetime, time, color, alt-date, alt-datetime, updown, range, radio, select, checkbox, checkboxes, hidden, path, sensitive',
    ]);
  });

  it('refuses a widget given as an object instead of a name', () => {
    const [problem] = lint({ notes: { 'ui:widget': { component: 'TextareaWidget' } } });
    expect(problem).toMatch(
      /^`\/notes\/ui:widget`: must be the name of a widget \(text\); use one of text, textarea, /,
    );
  });

  it('refuses a widget RJSF has no version of for the field type', () => {
    expect(lint({ name: { 'ui:widget': 'updown' } })).toEqual([
      '`/name/ui:widget`: "updown" does not work on a string field; use one of text, textarea, password, email, uri, date, datetime, time, color, alt-date, alt-datetime, radio, select, hidden, path, sensitive',
    ]);
    expect(lint({ count: { 'ui:widget': 'checkbox' } })).toEqual([
      '`/count/ui:widget`: "checkbox" does not work on an integer field; use one of text, updown, range, radio, select, hidden, sensitive',
    ]);
  });

  it('refuses a widget that would show an x-sensitive value in clear or replace the x-file picker', () => {
    expect(lint({ token: { 'ui:widget': 'text' } })).toEqual([
      '`/token/ui:widget`: "text" would show an "x-sensitive" field unmasked; remove it (the "sensitive" widget is used)',
    ]);
    expect(lint({ report: { 'ui:widget': 'textarea' } })).toEqual([
      '`/report/ui:widget`: "textarea" replaces the file picker of an "x-file" field; remove it (the "path" widget is used)',
    ]);
  });

  it("refuses RJSF's file widget, which would put a file's bytes into the form past main's checks", () => {
    expect(lint({ name: { 'ui:widget': 'file' } })[0]).toMatch(
      /^`\/name\/ui:widget`: "file" puts the file's bytes into the inputs, past main's checks of path, type and size; remove it and mark the field "x-file"/,
    );
  });

  it('refuses the ScriptDesk widgets on fields without their keyword', () => {
    expect(lint({ name: { 'ui:widget': 'path' } })).toEqual([
      '`/name/ui:widget`: "path" needs "x-file" on the field in form.schema.json so the file is checked; add it or pick another widget',
    ]);
    expect(lint({ name: { 'ui:widget': 'sensitive' } })).toEqual([
      '`/name/ui:widget`: "sensitive" needs "x-sensitive": true on the field in form.schema.json so the value is redacted from audit; add it or use "password"',
    ]);
  });
});

describe('lintUiSchema: options that name code or markup', () => {
  it('refuses ui:field, a template override and markdown descriptions', () => {
    expect(
      lint({
        name: { 'ui:field': 'MyField' },
        'ui:ObjectFieldTemplate': 'Grid',
        notes: { 'ui:enableMarkdownInDescription': true, 'ui:options': { FieldTemplate: 'X' } },
      }),
    ).toEqual([
      '`/name/ui:field`: names a custom field, which is code a catalogue cannot ship; remove it (pick a built-in look with `ui:widget`)',
      '`/ui:ObjectFieldTemplate`: overrides an RJSF template, which is code a catalogue cannot ship; remove it',
      '`/notes/ui:enableMarkdownInDescription`: is not allowed: descriptions are shown as plain text; remove it and write plain sentences',
      '`/notes/ui:options/FieldTemplate`: overrides an RJSF template, which is code a catalogue cannot ship; remove it',
    ]);
  });

  it('warns that submit button options are ignored (ScriptDesk shows its own Run button), without refusing them', () => {
    expect(warningsOf({ 'ui:submitButtonOptions': { submitText: 'Go' } })).toEqual([
      expect.stringMatching(
        /^`\/ui:submitButtonOptions`: is not a uiSchema option ScriptDesk uses, so it is ignored; remove it/,
      ),
    ]);
  });
});

describe('lintUiSchema: ui:options and unknown options', () => {
  it('accepts known options inside ui:options, checked like their ui: forms', () => {
    expect(
      lint({
        colour: { 'ui:options': { inline: true, widget: 'radio' } },
        tags: { 'ui:options': { orderable: false, addable: true, removable: true } },
      }),
    ).toEqual([]);
  });

  it('refuses ui:options that is not an object', () => {
    expect(lint({ colour: { 'ui:options': 'inline' } })).toEqual([
      '`/colour/ui:options`: must be an object of options, like { "inline": true }; write it as one',
    ]);
  });

  it('refuses an option checked inside ui:options like its ui: form', () => {
    expect(lint({ name: { 'ui:options': { widget: 'updown' } } })).toEqual([
      '`/name/ui:options/widget`: "updown" does not work on a string field; use one of text, textarea, password, email, uri, date, datetime, time, color, alt-date, alt-datetime, radio, select, hidden, path, sensitive',
    ]);
  });

  it('warns that an unused ui: option is ignored (not refused), naming it and listing the used ones', () => {
    expect(warningsOf({ name: { 'ui:classNames': 'wide', 'ui:autocomplete': 'name' } })).toEqual([
      '`/name/ui:classNames`: is not a uiSchema option ScriptDesk uses, so it is ignored; remove it (used: ui:options, ui:widget, ui:order, ui:title, ui:description, ui:help, ui:placeholder, ui:autofocus, ui:disabled, ui:readonly, ui:label, ui:inline, ui:addable, ui:orderable, ui:removable, ui:emptyValue, ui:enumNames, ui:rows, ui:sections, ui:inputType)',
      expect.stringMatching(/^`\/name\/ui:autocomplete`: is not a uiSchema option ScriptDesk uses/),
    ]);
  });

  it('warns that an unused key inside ui:options is ignored, listing the used ones without the ui: prefix', () => {
    expect(warningsOf({ name: { 'ui:options': { style: { color: 'red' } } }, when: {} })).toEqual([
      '`/name/ui:options/style`: is not a uiSchema option ScriptDesk uses, so it is ignored; remove it (used: widget, order, title, description, help, placeholder, autofocus, disabled, readonly, label, inline, addable, orderable, removable, emptyValue, enumNames, rows, sections, inputType)',
      expect.stringMatching(/^`\/when`: is not a field/),
    ]);
  });

  it('refuses array-only options on a field that is not an array', () => {
    expect(lint({ name: { 'ui:options': { addable: false } } })).toEqual([
      '`/name/ui:options/addable`: only applies to a list (array) field; remove it',
    ]);
  });

  it('checks the values of flags, labels, rows and input types', () => {
    expect(
      lint({
        agree: { 'ui:disabled': 'yes' },
        colour: { 'ui:enumNames': ['Red', 42] },
        notes: { 'ui:rows': 0 },
        name: { 'ui:inputType': 'file', 'ui:emptyValue': { none: true } },
      }),
    ).toEqual([
      '`/agree/ui:disabled`: must be true or false',
      '`/colour/ui:enumNames`: has a label that must be text (a string in quotes)',
      '`/notes/ui:rows`: must be a whole number of lines from 1 to 100',
      '`/name/ui:inputType`: must be one of text, email, tel, url, search, number',
      '`/name/ui:emptyValue`: must be a plain value (text, a number, true, false or null)',
    ]);
    expect(
      lint({
        agree: { 'ui:disabled': true },
        colour: { 'ui:enumNames': { red: 'Red', blue: 'Blue' } },
        notes: { 'ui:rows': 6 },
        name: { 'ui:inputType': 'email', 'ui:emptyValue': '' },
      }),
    ).toEqual([]);
  });
});

describe('lintUiSchema: text', () => {
  it('accepts a title, description, help and placeholder of up to 500 characters', () => {
    const text = 'x'.repeat(500);
    expect(
      lint({
        name: { 'ui:title': text, 'ui:description': text, 'ui:help': text, 'ui:placeholder': text },
      }),
    ).toEqual([]);
  });

  it('refuses longer text and text that is not a string, naming the option and the fix', () => {
    expect(
      lint({ name: { 'ui:help': 'x'.repeat(501), 'ui:title': ['Name'] }, 'ui:description': 7 }),
    ).toEqual([
      '`/name/ui:help`: is 501 characters, over the limit of 500; shorten it',
      '`/name/ui:title`: must be text (a string in quotes)',
      '`/ui:description`: must be text (a string in quotes)',
    ]);
  });
});

describe('the uiSchemas that ship', () => {
  it('pass the lint: every form.ui.json of the demo and test catalogues', async () => {
    let checked = 0;
    for (const source of [DEMO_SOURCE, FIXTURE_SOURCE]) {
      for (const id of await readdir(path.join(source, 'scripts'))) {
        const dir = path.join(source, 'scripts', id);
        const read = async (name: string) =>
          JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Json;
        const ui = await read('form.ui.json').catch(() => undefined);
        if (!ui) continue;
        expect(lintUiSchema(ui, await read('form.schema.json')), dir).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('are linted by catalogue build, which names the file, the key and the fix', async () => {
    const source = await copySource(FIXTURE_SOURCE);
    const uiFile = path.join(source, 'scripts', 'probe', 'form.ui.json');
    await writeFile(
      uiFile,
      JSON.stringify({ 'ui:order': ['mode', '*'], mode: { 'ui:field': 'X' } }),
    );
    await expect(readCatalogueSource(source)).rejects.toThrow(
      `${uiFile}: \`/mode/ui:field\`: names a custom field, which is code a catalogue cannot ship; remove it (pick a built-in look with \`ui:widget\`)`,
    );
  });

  it('are published with a warning, not refused, when they name a field the form lacks', async () => {
    const source = await copySource(FIXTURE_SOURCE);
    const uiFile = path.join(source, 'scripts', 'probe', 'form.ui.json');
    await writeFile(uiFile, JSON.stringify({ 'ui:order': ['mode', '*'], moed: {} }));
    const { warnings } = await readCatalogueSource(source);
    expect(warnings).toEqual([
      {
        file: uiFile,
        detail:
          '`/moed`: is not a field of form.schema.json, so it is ignored; remove it or fix the name',
      },
    ]);
  });
});
