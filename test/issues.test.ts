// The pieces that word an issue: reading a value by JSON pointer, and describing a value briefly.
import { describe, expect, it } from 'vitest';
import { describeValue, valueAt } from '../src/issues.js';

describe('valueAt', () => {
  const doc = { data: { 'a/b': 1, 'm~n': 2, '': 3, list: ['x', { y: null }] } };
  for (const [pointer, expected] of [
    ['', doc],
    ['/data/a~1b', 1],
    ['/data/m~0n', 2],
    ['/data/', 3],
    ['/data/list/1/y', null],
    ['/data/list/0', 'x'],
  ] as const) {
    it(`reads ${JSON.stringify(pointer)}`, () => expect(valueAt(doc, pointer)).toEqual(expected));
  }
  it('finds nothing where nothing is, and never reads inherited properties', () => {
    expect(valueAt(doc, '/data/missing')).toBeUndefined();
    expect(valueAt(doc, '/data/list/0/length')).toBeUndefined(); // a string is not walked into
    expect(valueAt(doc, '/constructor')).toBeUndefined();
    expect(valueAt(doc, '/__proto__')).toBeUndefined();
    expect(valueAt(null, '/a')).toBeUndefined();
  });
});

describe('describeValue', () => {
  for (const [value, expected] of [
    [undefined, 'nothing'],
    [null, 'null'],
    ['', 'an empty string'],
    ['jane@', 'string "jane@"'],
    [42, 'integer 42'],
    [1.5, 'number 1.5'],
    [-0, 'number 0'],
    [true, 'boolean true'],
    [[1], 'array of 1 item'],
    [[], 'array of 0 items'],
    [{}, 'object'],
  ] as const) {
    it(`${JSON.stringify(value) ?? 'undefined'} → ${expected}`, () => expect(describeValue(value)).toBe(expected));
  }
  it('quotes at most 40 characters of a long string and says how long it was', () => {
    const text = describeValue('x'.repeat(10_000));
    expect(text).toBe(`string "${'x'.repeat(40)}…" (10000 characters)`);
  });
});
