// The date-time and email checks agree with the JSON Schema Test Suite (test/peer-suites/) and
// with a matrix of edge cases, both as functions and inside the shipped validators.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDateTime, isEmail } from '../src/formats.js';
import { validateWebhookEvent } from '../src/index.js';
import { readJson } from './helpers.js';
import { DATE_TIME_GRAMMAR, isDateTimeOracle } from './support/date-time-oracle.js';

interface SuiteGroup {
  description: string;
  tests: { description: string; data: unknown; valid: boolean }[];
}
const suite = (name: string) =>
  readJson<SuiteGroup[]>('test/peer-suites/json-schema-test-suite/draft7', `${name}.json`);

const lead = readJson<any>('examples/lead.captured.json');
const withTimestamp = (value: string) => ({ ...lead, timestamp: value });
const withEmail = (value: string) => ({ ...lead, data: { ...lead.data, email: value } });

describe('JSON Schema Test Suite, draft7 format cases', () => {
  for (const [format, check, place] of [
    ['date-time', isDateTime, withTimestamp],
    ['email', isEmail, withEmail],
  ] as const) {
    const strings = suite(format)
      .flatMap((g) => g.tests)
      .filter((t) => typeof t.data === 'string');
    it(`${format}: has its string cases`, () =>
      expect(strings.length).toBeGreaterThanOrEqual(format === 'email' ? 14 : 27));
    for (const t of strings) {
      it(`${format}: ${t.description} (${JSON.stringify(t.data)}) → ${t.valid ? 'valid' : 'invalid'}`, () => {
        expect(check(t.data as string)).toBe(t.valid);
        expect(validateWebhookEvent(place(t.data as string)).valid).toBe(t.valid);
      });
    }
  }
});

const DATE_TIMES: [string, boolean, string][] = [
  ['2026-02-24T12:00:00.000Z', true, 'the reference form'],
  ['2026-02-24T12:00:00Z', true, 'no fraction'],
  ['2026-02-24T12:00:00.123456789Z', true, 'nanoseconds'],
  ['2026-02-24T13:00:00+01:00', true, 'positive offset'],
  ['2026-02-24T07:00:00-05:00', true, 'negative offset'],
  ['2026-02-24T12:00:00+00:00', true, 'zero offset'],
  ['2026-02-24T12:00:00-00:00', true, 'unknown local offset (-00:00)'],
  ['2024-02-29T00:00:00Z', true, '29 February in a leap year'],
  ['2000-02-29T00:00:00Z', true, '29 February in a year divisible by 400'],
  ['1900-02-29T00:00:00Z', false, '29 February in a century that is not a leap year'],
  ['2026-02-29T00:00:00Z', false, '29 February in a common year'],
  ['2026-02-30T12:00:00Z', false, '30 February'],
  ['2026-04-31T12:00:00Z', false, '31 April'],
  ['2026-12-31T23:59:59Z', true, 'last second of the year'],
  ['2026-13-01T12:00:00Z', false, 'month 13'],
  ['2026-00-10T12:00:00Z', false, 'month 0'],
  ['2026-01-00T12:00:00Z', false, 'day 0'],
  ['2026-01-32T12:00:00Z', false, 'day 32'],
  ['2026-02-24T24:00:00Z', false, 'hour 24'],
  ['2026-02-24T23:60:00Z', false, 'minute 60'],
  ['2016-12-31T23:59:60Z', true, 'leap second in UTC'],
  ['2016-12-31T18:59:60-05:00', true, 'leap second with an offset (23:59:60 UTC)'],
  ['2016-12-31T23:59:60+01:00', false, 'second 60 that is not 23:59 UTC'],
  ['2016-12-31T23:59:61Z', false, 'second 61'],
  ['2026-02-24T12:00:00+14:00', true, 'offset +14:00'],
  ['2026-02-24T12:00:00+24:00', false, 'offset hour 24'],
  ['2026-02-24T12:00:00+01:60', false, 'offset minute 60'],
  ['2026-02-24T12:00:00+0100', false, 'offset without a colon'],
  ['2026-02-24T12:00:00+01', false, 'offset without minutes'],
  ['2026-02-24T12:00:00', false, 'no offset at all'],
  ['2026-02-24 12:00:00Z', false, 'space instead of T (allowed by RFC 3339 prose, not by its grammar)'],
  ['2026-02-24T12:00:00.Z', false, 'a dot with no digits'],
  ['2026-02-24T12:00Z', false, 'no seconds'],
  ['2026-02-24', false, 'a date only'],
  ['26-02-24T12:00:00Z', false, 'two-digit year'],
  ['0000-01-01T00:00:00Z', true, 'year 0000'],
  ['2026-02-24t12:00:00z', true, 'lower-case t and z'],
  [' 2026-02-24T12:00:00Z', false, 'leading space'],
  ['2026-02-24T12:00:00Z ', false, 'trailing space'],
  ['', false, 'empty string'],
];

describe('date-time matrix', () => {
  for (const [value, valid, why] of DATE_TIMES) {
    it(`${why}: ${JSON.stringify(value)} → ${valid ? 'valid' : 'invalid'}`, () => {
      expect(isDateTime(value)).toBe(valid);
      expect(validateWebhookEvent(withTimestamp(value)).valid).toBe(valid);
    });
  }
});

const EMAILS: [string, boolean, string][] = [
  ['jane@example.com', true, 'the reference form'],
  ['jane.doe+webhooks@mail.example.co.uk', true, 'plus tag and a multi-label domain'],
  ["o'brien@example.ie", true, 'apostrophe'],
  ['JANE@EXAMPLE.COM', true, 'upper case'],
  ['a@b.co', true, 'shortest plausible'],
  ['user@xn--bcher-kva.example', true, 'punycode domain'],
  ['user@my-domain.example', true, 'hyphen inside a label'],
  ['user@-domain.example', false, 'label starting with a hyphen'],
  ['user@domain-.example', false, 'label ending with a hyphen'],
  ['user@localhost', false, 'a single-label domain'],
  ['user@[127.0.0.1]', false, 'an IP-address literal'],
  ['"jane doe"@example.com', false, 'a quoted local part'],
  ['jane@example..com', false, 'empty domain label'],
  ['jane@.example.com', false, 'domain starting with a dot'],
  ['jane@example.com.', false, 'domain ending with a dot'],
  ['jane@@example.com', false, 'two @'],
  ['jané@example.com', false, 'non-ASCII local part (the `idn-email` format is not used)'],
  ['jane@exämple.com', false, 'non-ASCII domain'],
  [`${'a'.repeat(64)}@example.com`, true, 'a local part of 64 characters'],
  [`${'a'.repeat(65)}@example.com`, false, 'a local part of 65 characters'],
  [`a@${'b'.repeat(63)}.example`, true, 'a label of 63 characters'],
  [`a@${'b'.repeat(64)}.example`, false, 'a label of 64 characters'],
  [`a@${`${'b'.repeat(60)}.`.repeat(5)}com`, false, 'an address over 254 characters'],
  ['', false, 'empty string'],
  ['jane@example.com\n', false, 'trailing newline'],
];

describe('email matrix', () => {
  for (const [value, valid, why] of EMAILS) {
    it(`${why}: ${JSON.stringify(value).slice(0, 60)} → ${valid ? 'valid' : 'invalid'}`, () => {
      expect(isEmail(value)).toBe(valid);
      expect(validateWebhookEvent(withEmail(value)).valid).toBe(valid);
    });
  }
});

describe('date-time, read character by character, agrees with the grammar as a regular expression', () => {
  // Strings shaped like date-times, each position drawn from the characters that matter there
  // (digits, separators, case variants, stray characters), so most differ from a valid value by a
  // character or two: where a character-level reader would go wrong.
  const digit = fc.constantFrom(...'0123456789');
  const two = (first: string) => fc.tuple(fc.constantFrom(...first), digit).map(([a, b]) => a + b);
  /** Mostly `ok`, sometimes a character or two that is not. */
  const mostly = (ok: string, ...wrong: string[]) =>
    fc.oneof({ arbitrary: fc.constant(ok), weight: 30 }, { arbitrary: fc.constantFrom(...wrong), weight: 1 });
  const sep = (ok: string) => mostly(ok, 'x', ' ', '', `${ok}${ok}`, '\u0660');
  const dateTimeLike = fc
    .tuple(
      fc.oneof(
        { arbitrary: fc.tuple(digit, digit, digit, digit).map((d) => d.join('')), weight: 20 },
        { arbitrary: fc.constantFrom('2000', '1900', '2024', '0000', '999', '20260', '２０２６'), weight: 3 },
      ),
      sep('-'),
      two('01'),
      sep('-'),
      two('0123'),
      mostly('T', 't', ' ', 'TT', ''),
      two('012'),
      sep(':'),
      two('0123456'),
      sep(':'),
      two('0123456'),
      fc.oneof(
        { arbitrary: fc.constant(''), weight: 3 },
        { arbitrary: fc.stringMatching(/^\.[0-9]{1,12}$/), weight: 3 },
        { arbitrary: fc.constantFrom('.', '.1a', ',5'), weight: 1 },
      ),
      fc.oneof(
        { arbitrary: fc.constantFrom('Z', 'z'), weight: 6 },
        {
          arbitrary: fc.tuple(mostly('+', '-', '\u2212'), two('0123'), sep(':'), two('0123456')).map((p) => p.join('')),
          weight: 6,
        },
        { arbitrary: fc.constantFrom('', 'ZZ', 'Z ', '+', '-', '+01', '+0100', '+01:0', '+01:000'), weight: 1 },
      ),
    )
    .map((parts) => parts.join(''));

  it('on 20,000 date-time-like strings, valid and invalid', () => {
    let valid = 0;
    fc.assert(
      fc.property(dateTimeLike, (value) => {
        const expected = isDateTimeOracle(value);
        if (expected) valid++;
        expect(isDateTime(value)).toBe(expected);
      }),
      { numRuns: 20_000, seed: 2026 },
    );
    // The generator must reach both sides of the line, or the property proves little.
    expect(valid).toBeGreaterThan(2_000);
    expect(valid).toBeLessThan(18_000);
  });

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        expect(isDateTime(value)).toBe(isDateTimeOracle(value));
      }),
      { numRuns: 5_000, seed: 2026 },
    );
  });

  it('on every case of the matrix above, as the oracle does', () => {
    for (const [value, valid] of DATE_TIMES) expect(isDateTimeOracle(value)).toBe(valid);
    expect(DATE_TIME_GRAMMAR.test('2026-02-24T12:00:00Z')).toBe(true);
  });
});
