import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import {
  createAuthorityAjv,
  formatFieldError,
  validateAgainst,
} from '../../forms/authority-validator.js';
import { describeErrors, humanise } from '../../forms/error-messages.js';
import { liveFieldErrors } from '../../forms/theme/error-messages.js';
import { lintFormSchema } from '../../forms/schema-lint.js';
import { sharedAjvOptions } from '../../forms/vocabulary.js';
import { pageValidator } from '../support/precompiled.js';

type Schema = Record<string, unknown>;

const ajv = createAuthorityAjv();
const ADVICE = 'Ask the finance team';

/** A form of one field `field` (plus `extra` keywords on the form). */
function form(field: Schema, extra: Schema = {}): Schema {
  return { type: 'object', additionalProperties: false, properties: { field }, ...extra };
}

function words(schema: Schema, data: unknown, uiSchema?: Schema) {
  return validateAgainst(ajv, schema, data, uiSchema);
}

interface Row {
  /** What the row proves. */
  name: string;
  /** The Ajv keyword the problem comes from (the key of an `x-error` object). */
  keyword: string;
  schema: Schema;
  data: unknown;
  path: string;
  message: string;
  /** Where the `x-error` goes (a path of property names into the schema); default the field's. */
  adviceAt?: string[];
}

const rows: Row[] = [
  {
    name: 'a missing required field',
    keyword: 'required',
    schema: form({ type: 'string', title: 'Employee ID' }, { required: ['field'] }),
    data: {},
    path: '/field',
    message: 'Employee ID is required.',
  },
  {
    name: 'text shorter than minLength, in characters',
    keyword: 'minLength',
    schema: form({ type: 'string', title: 'Employee ID', minLength: 5 }),
    data: { field: 'E12' },
    path: '/field',
    message: 'Employee ID must be at least 5 characters.',
  },
  {
    name: 'empty text where minLength is 1',
    keyword: 'minLength',
    schema: form({ type: 'string', title: 'Report title', minLength: 1 }),
    data: { field: '' },
    path: '/field',
    message: 'Report title must not be empty.',
  },
  {
    name: 'text longer than maxLength, in characters',
    keyword: 'maxLength',
    schema: form({ type: 'string', title: 'Report title', maxLength: 120 }),
    data: { field: 'x'.repeat(121) },
    path: '/field',
    message: 'Report title must be at most 120 characters.',
  },
  {
    name: 'a number below minimum',
    keyword: 'minimum',
    schema: form({ type: 'number', title: 'Amount borrowed', minimum: 100 }),
    data: { field: 99.5 },
    path: '/field',
    message: 'Amount borrowed must be at least 100.',
  },
  {
    name: 'a number above maximum, the limit grouped for people',
    keyword: 'maximum',
    schema: form({ type: 'number', title: 'Amount borrowed', maximum: 100000000 }),
    data: { field: 100000001 },
    path: '/field',
    message: 'Amount borrowed must be at most 100,000,000.',
  },
  {
    name: 'a number not above exclusiveMinimum',
    keyword: 'exclusiveMinimum',
    schema: form({ type: 'number', title: 'Rate', exclusiveMinimum: 0 }),
    data: { field: 0 },
    path: '/field',
    message: 'Rate must be more than 0.',
  },
  {
    name: 'a number not below exclusiveMaximum',
    keyword: 'exclusiveMaximum',
    schema: form({ type: 'number', title: 'Rate', exclusiveMaximum: 30 }),
    data: { field: 30 },
    path: '/field',
    message: 'Rate must be less than 30.',
  },
  {
    name: 'too many decimals for a multipleOf of 0.01',
    keyword: 'multipleOf',
    schema: form({ type: 'number', title: 'Amount borrowed', multipleOf: 0.01 }),
    data: { field: 10.005 },
    path: '/field',
    message: 'Amount borrowed must have at most 2 decimal places.',
  },
  {
    name: 'a number that is not a multiple of 5',
    keyword: 'multipleOf',
    schema: form({ type: 'integer', title: 'Batch size', multipleOf: 5 }),
    data: { field: 7 },
    path: '/field',
    message: 'Batch size must be a multiple of 5.',
  },
  {
    name: 'text that does not match the pattern, never the pattern itself',
    keyword: 'pattern',
    schema: form({ type: 'string', title: 'Employee ID', pattern: '^E[0-9]{6}$' }),
    data: { field: 'X1' },
    path: '/field',
    message: 'Employee ID is not in the expected format.',
  },
  ...(
    [
      ['date', '2026-02-30', 'Start date must be a date like 2026-12-31.'],
      [
        'date-time',
        '2026-12-31 17:30',
        'Start date must be a date and time with its time zone, like 2026-12-31T17:30:00Z.',
      ],
      ['time', '25:00', 'Start date must be a time with its time zone, like 17:30:00+01:00.'],
      ['email', 'name.example.com', 'Start date must be an email address like name@example.com.'],
      ['ipv4', '192.168.1', 'Start date must be an IPv4 address like 192.168.1.10.'],
      ['ipv6', '2001:db8:::1:', 'Start date must be an IPv6 address like 2001:db8::1.'],
      [
        'uri',
        'example.com/page',
        'Start date must be a full address like https://example.com/page.',
      ],
      [
        'uuid',
        '123',
        'Start date must be an identifier like 123e4567-e89b-12d3-a456-426614174000.',
      ],
      ['hostname', 'bad host', 'Start date must be a host name like server.example.com.'],
    ] as const
  ).map(([format, value, message]): Row => ({
    name: `a value that is not a ${format}, with an example`,
    keyword: 'format',
    schema: form({ type: 'string', title: 'Start date', format }),
    data: { field: value },
    path: '/field',
    message,
  })),
  {
    name: 'a value outside an enum, listing the choices',
    keyword: 'enum',
    schema: form({ type: 'string', title: 'Region', enum: ['north', 'south', 'east'] }),
    data: { field: 'up' },
    path: '/field',
    message: 'Region must be one of: north, south, east.',
  },
  {
    name: 'a value outside a long enum, the list cut',
    keyword: 'enum',
    schema: form({
      type: 'integer',
      title: 'Month',
      enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    }),
    data: { field: 13 },
    path: '/field',
    message: 'Month must be one of: 1, 2, 3, 4, 5, 6, 7, 8, … (12 choices in all).',
  },
  {
    name: 'a value other than a const',
    keyword: 'const',
    schema: form({ type: 'string', title: 'Confirmation', const: 'DELETE' }),
    data: { field: 'delete' },
    path: '/field',
    message: 'Confirmation must be DELETE.',
  },
  {
    name: 'a value outside a oneOf of titled consts, listing their titles once',
    keyword: 'oneOf',
    schema: form({
      type: 'string',
      title: 'Separator',
      oneOf: [
        { const: 'comma', title: 'Comma ( , )' },
        { const: 'semicolon', title: 'Semicolon ( ; )' },
        { const: 'tab', title: 'Tab' },
      ],
    }),
    data: { field: 'pipe' },
    path: '/field',
    message: 'Separator must be one of: "Comma ( , )", "Semicolon ( ; )", "Tab".',
  },
  ...(
    [
      ['integer', 'ten', 'must be a whole number'],
      ['number', 'ten', 'must be a number'],
      ['string', 10, 'must be text'],
      ['boolean', 'yes', 'must be true or false'],
    ] as const
  ).map(([type, value, predicate]): Row => ({
    name: `a value that is not of type ${type}`,
    keyword: 'type',
    schema: form({ type, title: 'Term' }),
    data: { field: value },
    path: '/field',
    message: `Term ${predicate}.`,
  })),
  {
    name: 'a value of neither type of a union',
    keyword: 'type',
    schema: form({ type: ['number', 'null'], title: 'Discount' }),
    data: { field: 'ten' },
    path: '/field',
    message: 'Discount must be a number or left empty.',
  },
  {
    name: 'a list shorter than minItems',
    keyword: 'minItems',
    schema: form({
      type: 'array',
      title: 'Recipients',
      minItems: 1,
      maxItems: 5,
      items: { type: 'string' },
    }),
    data: { field: [] },
    path: '/field',
    message: 'Recipients must have at least one entry.',
  },
  {
    name: 'a list longer than maxItems',
    keyword: 'maxItems',
    schema: form({ type: 'array', title: 'Recipients', maxItems: 2, items: { type: 'string' } }),
    data: { field: ['a', 'b', 'c'] },
    path: '/field',
    message: 'Recipients must have at most 2 entries.',
  },
  {
    name: 'a list with a repeated entry, naming the entries from 1',
    keyword: 'uniqueItems',
    schema: form({
      type: 'array',
      title: 'Recipients',
      maxItems: 5,
      uniqueItems: true,
      items: { type: 'string' },
    }),
    data: { field: ['a', 'b', 'a'] },
    path: '/field',
    message: 'Recipients must not list the same entry twice (entries 1 and 3 are the same).',
  },
  {
    name: 'a wrong entry of a list, named by the title of its items and its position',
    keyword: 'format',
    schema: form({
      type: 'array',
      title: 'Recipients',
      maxItems: 5,
      items: { type: 'string', title: 'Recipient', format: 'email' },
    }),
    data: { field: ['a@example.com', 'b'] },
    path: '/field/1',
    message: 'Recipient 2 must be an email address like name@example.com.',
    adviceAt: ['properties', 'field', 'items'],
  },
  {
    name: 'a dependency (dependencies) not filled in, on the missing field',
    keyword: 'dependencies',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        street: { type: 'string', title: 'Street' },
        field: { type: 'string', title: 'Postcode' },
      },
      dependencies: { street: ['field'] },
    },
    data: { street: 'Main Street 1' },
    path: '/field',
    message: 'Postcode is required when Street is filled in.',
  },
];

describe('form errors in plain words, one sentence per keyword', () => {
  it.each(rows)('$name', ({ schema, data, path, message }) => {
    expect(words(schema, data)).toEqual([{ path, message }]);
  });

  it.each(rows)("$name, followed by the author's x-error for the keyword", (row) => {
    const schema = structuredClone(row.schema);
    let holder = schema;
    for (const key of row.adviceAt ?? ['properties', 'field']) holder = holder[key] as Schema;
    holder['x-error'] = { [row.keyword]: ADVICE };
    expect(words(schema, row.data)).toEqual([
      { path: row.path, message: `${row.message} ${ADVICE}.` },
    ]);
  });

  it('an x-error given as one sentence follows every problem of its field', () => {
    const schema = form({
      type: 'string',
      title: 'Employee ID',
      maxLength: 7,
      pattern: '^E[0-9]{6}$',
      'x-error': 'Use E and six digits, like E123456.',
    });
    expect(words(schema, { field: 'EMPLOYEE' })).toEqual([
      {
        path: '/field',
        message: 'Employee ID must be at most 7 characters. Use E and six digits, like E123456.',
      },
      {
        path: '/field',
        message: 'Employee ID is not in the expected format. Use E and six digits, like E123456.',
      },
    ]);
  });

  it('an undeclared field is "not a field of this form", named as sent', () => {
    expect(words(form({ type: 'string' }), { field: 'x', colour: 'red' })).toEqual([
      {
        path: '/colour',
        message: '"colour" is not a field of this form; remove it (the form declares "field").',
      },
    ]);
  });

  it('a dependentRequired (draft 2019) dependency is worded like dependencies', () => {
    const ajv2019 = new Ajv2019({ ...sharedAjvOptions, strict: true });
    const schema = {
      type: 'object',
      properties: {
        street: { type: 'string', title: 'Street' },
        postcode: { type: 'string', title: 'Postcode' },
      },
      dependentRequired: { street: ['postcode'] },
    };
    expect(validateAgainst(ajv2019 as never, schema, { street: 'Main Street 1' })).toEqual([
      { path: '/postcode', message: 'Postcode is required when Street is filled in.' },
    ]);
  });

  it('names a field by ui:title, then title (also through $ref), then its name in words', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      definitions: { code: { type: 'string', title: 'Cost centre', maxLength: 4 } },
      properties: {
        centre: { $ref: '#/definitions/code' },
        note: { type: 'string', title: 'Note (optional)', maxLength: 2 },
        reportTitle: { type: 'string', maxLength: 2 },
        topN: { type: 'integer', maximum: 5 },
        shown: { type: 'string', title: 'Hidden title', maxLength: 1 },
      },
    };
    const data = { centre: 'ABCDE', note: 'abc', reportTitle: 'abc', topN: 6, shown: 'ab' };
    expect(
      words(schema, data, { shown: { 'ui:title': 'Shown title' } }).map((e) => e.message),
    ).toEqual([
      'Cost centre must be at most 4 characters.',
      'Note must be at most 2 characters.',
      'Report title must be at most 2 characters.',
      'Top N must be at most 5.',
      'Shown title must be at most 1 character.',
    ]);
    expect(humanise('csv_file')).toBe('Csv file');
    expect(humanise('CSVFile')).toBe('CSV file');
  });

  it("lists an enum's choices by the uiSchema's ui:enumNames", () => {
    const schema = form({ type: 'string', title: 'Region', enum: ['n', 's'] });
    expect(
      words(schema, { field: 'x' }, { field: { 'ui:enumNames': ['North', 'South'] } }),
    ).toEqual([{ path: '/field', message: 'Region must be one of: North, South.' }]);
  });

  it('the CLI line names the field path and gives the sentence', () => {
    const [error] = words(form({ type: 'integer', maximum: 10 }), { field: 11 });
    expect(formatFieldError(error!)).toBe('field: Field must be at most 10.');
  });
});

const contact = {
  type: 'object',
  additionalProperties: false,
  properties: {
    contact: {
      title: 'Contact',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'address'],
          properties: {
            kind: { const: 'email' },
            address: { type: 'string', title: 'Email address', format: 'email' },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'number'],
          properties: {
            kind: { const: 'phone' },
            number: { type: 'string', title: 'Phone number', pattern: '^[0-9 +]+$' },
          },
        },
      ],
    },
  },
};

describe('oneOf/anyOf: only the branch the input is closest to speaks', () => {
  it('the branch whose discriminating const matches, without noise from the other branch', () => {
    expect(words(contact, { contact: { kind: 'phone', number: 'call me' } })).toEqual([
      { path: '/contact/number', message: 'Phone number is not in the expected format.' },
    ]);
    expect(words(contact, { contact: { kind: 'email' } })).toEqual([
      { path: '/contact/address', message: 'Email address is required.' },
    ]);
  });

  it('a branch reached through $ref is chosen the same way', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      definitions: {
        a: { type: 'object', required: ['k'], properties: { k: { const: 'a' } } },
        b: {
          type: 'object',
          required: ['k'],
          properties: { k: { const: 'b' }, n: { type: 'integer', title: 'Copies', maximum: 3 } },
        },
      },
      properties: { p: { oneOf: [{ $ref: '#/definitions/a' }, { $ref: '#/definitions/b' }] } },
    };
    expect(words(schema, { p: { k: 'b', n: 5 } })).toEqual([
      { path: '/p/n', message: 'Copies must be at most 3.' },
    ]);
  });

  it('anyOf without a discriminator: the branch whose type fits, then the one with the fewest problems', () => {
    const schema = form({
      title: 'Limit',
      anyOf: [
        { type: 'integer', minimum: 5 },
        { type: 'string', minLength: 3 },
      ],
    });
    expect(words(schema, { field: 'ab' })).toEqual([
      { path: '/field', message: 'Limit must be at least 3 characters.' },
    ]);
    expect(words(schema, { field: 2 })).toEqual([
      { path: '/field', message: 'Limit must be at least 5.' },
    ]);
    const fewest = form({
      type: 'string',
      title: 'Code',
      anyOf: [{ minLength: 4, pattern: '^[A-Z]+$' }, { maxLength: 2 }],
    });
    expect(words(fewest, { field: 'abc' })).toEqual([
      { path: '/field', message: 'Code must be at most 2 characters.' },
    ]);
  });

  it('a value that fits two branches of a oneOf says so', () => {
    const schema = form({
      type: 'integer',
      title: 'Size',
      oneOf: [{ multipleOf: 2 }, { multipleOf: 3 }],
    });
    expect(words(schema, { field: 6 })).toEqual([
      {
        path: '/field',
        message: 'Size fits more than one of the choices; it must fit exactly one.',
      },
    ]);
  });
});

const otherSeparator = {
  type: 'object',
  additionalProperties: false,
  required: ['delimiter'],
  properties: {
    delimiter: { type: 'string', title: 'Separator', enum: ['comma', 'other'] },
    otherDelimiter: { type: 'string', title: 'Other separator', maxLength: 1 },
    topN: { type: 'integer', title: 'Most frequent values to list', maximum: 50 },
  },
  if: { properties: { delimiter: { const: 'other' } }, required: ['delimiter'] },
  then: { properties: { otherDelimiter: { type: 'string' } }, required: ['otherDelimiter'] },
};

describe('a field a condition makes required', () => {
  it('if/then: the field is required beside the other problems, with no "must match then schema" line', () => {
    expect(words(otherSeparator, { delimiter: 'other', topN: 99 })).toEqual([
      { path: '/otherDelimiter', message: 'Other separator is required.' },
      { path: '/topN', message: 'Most frequent values to list must be at most 50.' },
    ]);
  });

  it('knows which fields made it required: the if properties, the dependency key', () => {
    expect(
      describeErrors(validateErrors(otherSeparator, { delimiter: 'other' }), otherSeparator),
    ).toEqual([
      {
        path: '/otherDelimiter',
        message: 'Other separator is required.',
        triggers: ['/delimiter'],
      },
    ]);
    const rjsfStyle = {
      type: 'object',
      additionalProperties: false,
      properties: {
        delimiter: { type: 'string', title: 'Separator', enum: ['comma', 'other'] },
        otherDelimiter: { type: 'string', title: 'Other separator' },
      },
      dependencies: {
        delimiter: {
          oneOf: [
            { properties: { delimiter: { const: 'comma' } } },
            {
              properties: { delimiter: { const: 'other' }, otherDelimiter: { type: 'string' } },
              required: ['otherDelimiter'],
            },
          ],
        },
      },
    };
    expect(describeErrors(validateErrors(rjsfStyle, { delimiter: 'other' }), rjsfStyle)).toEqual([
      {
        path: '/otherDelimiter',
        message: 'Other separator is required.',
        triggers: ['/delimiter'],
      },
    ]);
  });
});

function validateErrors(schema: Schema, data: unknown) {
  const validate = ajv.compile(schema);
  validate(data);
  return validate.errors;
}

describe('main and the renderer say the same thing', () => {
  const cases: [string, Schema, unknown][] = [
    ['an if/then requirement beside a range', otherSeparator, { delimiter: 'other', topN: 99 }],
    ['a oneOf of objects', contact, { contact: { kind: 'phone', number: 'call me' } }],
    [
      'a pattern with x-error',
      form({
        type: 'string',
        title: 'Code',
        pattern: '^[A-Z]$',
        'x-error': { pattern: 'One capital letter' },
      }),
      { field: 'ab' },
    ],
  ];
  it.each(cases)('%s', async (_name, schema, data) => {
    const authority = words(schema, data);
    expect(authority.length).toBeGreaterThan(0);
    // The page judges with the form's precompiled validator, as the renderer does.
    const validator = await pageValidator(schema);
    const live = liveFieldErrors(validator, schema, {}, data).map(({ path, message }) => ({
      path,
      message,
    }));
    expect(live).toEqual(authority);
  });
});

describe('the build lint checks the shape of x-error', () => {
  const lint = (xError: unknown) =>
    lintFormSchema(ajv, form({ type: 'string', maxLength: 5, 'x-error': xError }));

  it('accepts a sentence, or an object of worded keywords to sentences', () => {
    expect(lint('Use five letters at most.')).toEqual([]);
    expect(lint({ maxLength: 'Use five letters at most.', required: 'Ask your manager.' })).toEqual(
      [],
    );
  });

  it.each([
    ['an empty sentence', ''],
    ['a sentence over 300 characters', 'x'.repeat(301)],
    ['an empty object', {}],
    ['a list', ['Use five letters']],
  ])('refuses %s, saying what it must be', (_name, xError) => {
    expect(lint(xError)).toEqual([
      '/properties/field/x-error: must be a sentence of 1 to 300 characters, or an object that maps keywords (such as "pattern") to such sentences',
    ]);
  });

  it('refuses a key that is not a worded keyword, and advice that is not text', () => {
    const problems = lint({ maxLenght: 'Too long', maxLength: 5 });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^\/properties\/field\/x-error\/maxLenght: "maxLenght" is not a keyword whose problems are worded; use one of required, /,
    );
    expect(problems[1]).toBe(
      '/properties/field/x-error/maxLength: must be a sentence of 1 to 300 characters, or an object that maps keywords (such as "pattern") to such sentences',
    );
  });

  it('points an ajv-errors errorMessage to x-error', () => {
    expect(lintFormSchema(ajv, form({ type: 'string', errorMessage: 'Bad' }))).toEqual([
      '/properties/field/errorMessage: ajv-errors\' "errorMessage" is not supported; write the advice as "x-error" (a sentence, or an object keyed by keyword)',
    ]);
  });
});
