import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../main/audit/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and is otherwise what JSON.stringify writes', () => {
    const value = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, é: 'ü\u0001"\\', '10': -0 };
    expect(canonicalJson(value)).toBe(
      '{"10":0,"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1,"é":"ü\\u0001\\"\\\\"}',
    );
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('leaves undefined and functions out of objects, writes them as null in arrays, and honours toJSON', () => {
    const when = new Date(Date.UTC(2026, 10, 21));
    expect(canonicalJson({ a: undefined, f: () => 1, d: when, l: [undefined, NaN, 1e21] })).toBe(
      '{"d":"2026-11-21T00:00:00.000Z","l":[null,null,1e+21]}',
    );
  });

  it('gives the same text for equal values built in any key order, and round-trips through parse', () => {
    const one = canonicalJson({ x: { p: 1, q: [1, 2] }, y: 'line\r\nbreak' });
    const two = canonicalJson({ y: 'line\r\nbreak', x: { q: [1, 2], p: 1 } });
    expect(one).toBe(two);
    expect(canonicalJson(JSON.parse(one))).toBe(one);
  });
});
