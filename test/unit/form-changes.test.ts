import { describe, expect, it } from 'vitest';
import { formChanges, type FormChange } from '../../main/review/form-changes.js';

/** A form of one object with `properties` and `required`. */
const form = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

/** Each change as "field: text [direction]", the way a reviewer reads them. */
const said = (changes: FormChange[]) =>
  changes.map((change) => `${change.field}: ${change.text} [${change.direction}]`);

describe('formChanges says in words', () => {
  it('that a field was added (with whether it is required) or removed', () => {
    const before = form({ month: { type: 'string' }, old: { type: 'integer' } }, ['old']);
    const after = form({ month: { type: 'string' }, region: { type: 'string' } }, ['region']);
    expect(said(formChanges(before, after))).toEqual([
      'region: field added (required, string) [changed]',
      'old: field removed (it was required) [changed]',
    ]);
  });

  it('that a field became required or optional', () => {
    const before = form({ a: { type: 'string' }, b: { type: 'string' } }, ['a']);
    const after = form({ a: { type: 'string' }, b: { type: 'string' } }, ['b']);
    expect(said(formChanges(before, after))).toEqual([
      'a: no longer required [loosened]',
      'b: now required [tightened]',
    ]);
  });

  it('that bounds were loosened or tightened, each in its own direction', () => {
    const before = form({
      count: { type: 'integer', minimum: 1, maximum: 10 },
      name: { type: 'string', maxLength: 20, minLength: 2 },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    });
    const after = form({
      count: { type: 'integer', minimum: 0, maximum: 5 },
      name: { type: 'string', maxLength: 200 },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
    });
    expect(said(formChanges(before, after))).toEqual([
      'count: minimum loosened from 1 to 0 [loosened]',
      'count: maximum tightened from 10 to 5 [tightened]',
      'name: minLength 2 removed [loosened]',
      'name: maxLength loosened from 20 to 200 [loosened]',
      'tags: maxItems tightened from 5 to 3 [tightened]',
    ]);
  });

  it('that a pattern was removed (loosened) or changed (for a person to judge)', () => {
    const before = form({
      code: { type: 'string', pattern: '^[A-Z]{3}$' },
      id: { type: 'string', pattern: '^\\d+$' },
    });
    const after = form({ code: { type: 'string' }, id: { type: 'string', pattern: '^.+$' } });
    expect(said(formChanges(before, after))).toEqual([
      'code: pattern "^[A-Z]{3}$" removed [loosened]',
      'id: pattern changed from "^\\\\d+$" to "^.+$" [changed]',
    ]);
  });

  it('that choices were widened or narrowed, for enum and for titled oneOf choices', () => {
    const before = form({
      size: { type: 'string', enum: ['S', 'M'] },
      tier: {
        oneOf: [
          { const: 1, title: 'Gold' },
          { const: 2, title: 'Silver' },
        ],
      },
    });
    const after = form({
      size: { type: 'string', enum: ['S', 'M', 'XL'] },
      tier: { oneOf: [{ const: 1, title: 'Gold' }] },
    });
    expect(said(formChanges(before, after))).toEqual([
      'size: choices widened: now also "XL" [loosened]',
      'tier: choices narrowed: no longer 2 [tightened]',
    ]);
  });

  it('that a default changed, without showing the values of a sensitive field', () => {
    const before = form({
      rows: { type: 'integer', default: 10 },
      pin: { type: 'string', 'x-sensitive': true, default: 'old-secret-1234' },
    });
    const after = form({
      rows: { type: 'integer', default: 50 },
      pin: { type: 'string', 'x-sensitive': true, default: 'new-secret-5678' },
    });
    const changes = said(formChanges(before, after));
    expect(changes).toEqual([
      'rows: default changed from 10 to 50 [changed]',
      'pin: default changed (values not shown: the field is sensitive) [changed]',
    ]);
    expect(changes.join()).not.toMatch(/secret-/);
  });

  it('that a field stopped or started being sensitive, or a file field accepts other files', () => {
    const before = form({
      token: { type: 'string', 'x-sensitive': true },
      note: { type: 'string' },
      data: { type: 'string', 'x-file': { kind: 'file', accept: ['.csv'], maxBytes: 1000 } },
    });
    const after = form({
      token: { type: 'string' },
      note: { type: 'string', 'x-sensitive': true },
      data: {
        type: 'string',
        'x-file': { kind: 'file', accept: ['.csv', '.xlsx'], maxBytes: 5000 },
      },
    });
    expect(said(formChanges(before, after))).toEqual([
      'token: no longer sensitive: its value will be shown on screen and kept in audit records in clear [loosened]',
      'note: now sensitive (masked, redacted) [tightened]',
      'data: file types widened: now also .xlsx [loosened]',
      'data: largest file changed from 1000 bytes to 5000 bytes [loosened]',
    ]);
  });

  it('that a nested property, a list item field or a $ref target changed, named by its path', () => {
    const before = {
      type: 'object',
      $defs: { email: { type: 'string', maxLength: 100 } },
      properties: {
        address: { type: 'object', properties: { street: { type: 'string', maxLength: 50 } } },
        people: {
          type: 'array',
          items: { type: 'object', properties: { email: { $ref: '#/$defs/email' } } },
        },
      },
    };
    const after = structuredClone(before);
    after.properties.address.properties.street.maxLength = 80;
    after.$defs.email.maxLength = 300;
    expect(said(formChanges(before, after))).toEqual([
      'address.street: maxLength loosened from 50 to 80 [loosened]',
      'people[].email: maxLength loosened from 100 to 300 [loosened]',
    ]);
  });

  it('that a type was widened, and that a conditional branch changed a bound', () => {
    const before = {
      type: 'object',
      properties: { kind: { type: 'string' }, limit: { type: 'integer' as string | string[] } },
      if: { properties: { kind: { const: 'big' } } },
      then: { properties: { limit: { maximum: 100 } } },
    };
    const after = structuredClone(before);
    after.then.properties.limit.maximum = 1000;
    after.properties.limit.type = ['integer', 'null'];
    expect(said(formChanges(before, after))).toEqual([
      'limit: now also accepts null [loosened]',
      'limit: maximum loosened from 100 to 1000 [loosened]',
    ]);
  });

  it('nothing for two equal forms', () => {
    const schema = form({ a: { type: 'string', maxLength: 3 } }, ['a']);
    expect(formChanges(schema, structuredClone(schema))).toEqual([]);
  });
});

describe('formChanges with a whole object field', () => {
  it('lists an added or removed object once, not each of its parts', () => {
    const address = {
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    };
    expect(said(formChanges(form({}), form({ address })))).toEqual([
      'address: field added (optional, object) [changed]',
    ]);
    expect(said(formChanges(form({ address }), form({})))).toEqual([
      'address: field removed [changed]',
    ]);
  });
});
