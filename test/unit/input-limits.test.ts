import { describe, expect, it } from 'vitest';
import { createAuthorityAjv } from '../../forms/authority-validator.js';
import { lintFormSchema, SCHEMA_LIMITS } from '../../forms/schema-lint.js';
import { INPUT_LIMITS, inputsProblem } from '../../main/shared/input-limits.js';

const USE_A_FILE = 'Put large data in a file and pass its path instead.';

/** A list nested so that `{ data: it }` is `levels` deep. */
function nestedList(levels: number): unknown {
  let value: unknown = [];
  for (let level = 2; level < levels; level += 1) value = [value];
  return value;
}

/** A value whose compact JSON is exactly `bytes` long in UTF-8, with escapes and multi-byte text. */
function valueOfBytes(bytes: number): Record<string, unknown> {
  const chunk = 'é€😀\n"\\\u0001abc'.repeat(2_000); // 2-, 3- and 4-byte characters, escapes
  const value: Record<string, unknown> = { parts: [] as string[], pad: '' };
  while (
    Buffer.byteLength(JSON.stringify(value)) + Buffer.byteLength(JSON.stringify(chunk)) <
    bytes
  )
    (value.parts as string[]).push(chunk);
  value.pad = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(value)));
  expect(Buffer.byteLength(JSON.stringify(value))).toBe(bytes);
  return value;
}

describe('inputsProblem', () => {
  it('measures a value nested a million levels deep without recursing, and names the depth reached', () => {
    expect(inputsProblem({ data: nestedList(1_000_000) })).toEqual({
      path: '',
      message:
        'the inputs are nested at least 100000 levels deep; at most 32 levels are accepted. Flatten the data or pass a file path instead.',
    });
    expect(inputsProblem({ data: nestedList(5_000) })?.message).toMatch(
      /^the inputs are nested 5000 levels deep;/,
    );
  });

  it('accepts every limit reached exactly and refuses one past each, naming where', () => {
    const { maxDepth, maxStringLength, maxArrayLength, maxValues } = INPUT_LIMITS;
    expect(inputsProblem({ data: nestedList(maxDepth) })).toBeNull();
    expect(inputsProblem({ data: nestedList(maxDepth + 1) })?.message).toMatch(
      /^the inputs are nested 33 levels deep;/,
    );
    expect(inputsProblem({ a: { b: 'x'.repeat(maxStringLength) } })).toBeNull();
    expect(inputsProblem({ a: { 'b/c': 'x'.repeat(maxStringLength + 1) } })).toEqual({
      path: '/a/b~1c',
      message: `the text at /a/b~1c is 65537 characters long; at most 65536 characters are accepted in one value. ${USE_A_FILE}`,
    });
    expect(inputsProblem({ ['k'.repeat(maxStringLength + 1)]: 1 })).toEqual({
      path: `/${'k'.repeat(40)}…`,
      message: `a key at /${'k'.repeat(40)}… is 65537 characters long; at most 65536 characters are accepted in one value. ${USE_A_FILE}`,
    });
    expect(inputsProblem({ rows: new Array(maxArrayLength).fill(null) })).toBeNull();
    expect(inputsProblem({ rows: [[], new Array(maxArrayLength + 1).fill(null)] })?.path).toBe(
      '/rows/1',
    );
    // The top-level object, `rows`, and the lists in it with their items.
    const rows = (total: number) => {
      const lists: number[][] = [];
      for (let left = total - 2; left > 0; left -= 10_000)
        lists.push(new Array(Math.min(left, 10_000) - 1).fill(0));
      return { rows: lists };
    };
    expect(inputsProblem(rows(maxValues))).toBeNull();
    expect(inputsProblem(rows(maxValues + 1))?.message).toBe(
      `the inputs hold more than 100000 values; at most 100000 are accepted. ${USE_A_FILE}`,
    );
  });

  it('counts bytes exactly as compact JSON writes them, multi-byte characters and escapes included', () => {
    expect(inputsProblem(valueOfBytes(INPUT_LIMITS.maxBytes))).toBeNull();
    expect(inputsProblem(valueOfBytes(INPUT_LIMITS.maxBytes + 1))).toEqual({
      path: '',
      message: `the inputs are more than 2097152 bytes; at most 2097152 bytes (2 MiB) are accepted. ${USE_A_FILE}`,
    });
  });

  it('reports the first problem in document order', () => {
    const long = 'x'.repeat(INPUT_LIMITS.maxStringLength + 1);
    expect(inputsProblem({ a: long, b: new Array(20_000).fill(0) })?.path).toBe('/a');
    expect(inputsProblem({ b: new Array(20_000).fill(0), a: long })?.path).toBe('/b');
    expect(inputsProblem({ a: long, [long]: 1 })?.path).toBe('/a');
  });

  it('takes only what JSON carries: undefined as JSON writes it, and names anything else', () => {
    expect(inputsProblem({ a: undefined, b: [undefined, 1.5, true, null, 'x'] })).toBeNull();
    expect(inputsProblem({ when: new Date(0) })?.message).toBe(
      'the value at /when is a Date, which JSON cannot carry; only text, numbers, true/false, null, lists and objects are accepted.',
    );
    expect(inputsProblem({ n: [Number.NaN] })?.message).toMatch(/^the value at \/n\/0 is NaN,/);
    expect(inputsProblem({ m: new Map() })?.path).toBe('/m');
  });

  it('never refuses what a form within the catalogue lint can hold', () => {
    // One level per schema level plus the top-level object, and no list longer than the lint's.
    expect(INPUT_LIMITS.maxDepth).toBeGreaterThan(SCHEMA_LIMITS.maxDepth + 1);
    expect(INPUT_LIMITS.maxArrayLength).toBeGreaterThanOrEqual(SCHEMA_LIMITS.maxArrayItems);
  });
});

describe('the catalogue lint and the device agree on text length', () => {
  const form = (maxLength: number) => ({
    type: 'object',
    additionalProperties: false,
    properties: { notes: { type: 'string', maxLength } },
  });

  it('refuses a maxLength no device would accept, naming the limit, and takes one at it', () => {
    const ajv = createAuthorityAjv();
    expect(lintFormSchema(ajv, form(INPUT_LIMITS.maxStringLength))).toEqual([]);
    expect(lintFormSchema(ajv, form(2_000_000))).toEqual([
      '/properties/notes/maxLength: 2000000 is over the limit of 65536 characters a device accepts in one value; lower it, or take the data as a file input',
    ]);
  });
});
