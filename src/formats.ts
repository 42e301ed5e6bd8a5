/**
 * The string formats the contract uses, checked exactly and fast.
 *
 * ajv-formats' "full" `date-time` costs most of a validation and still gets three of the JSON
 * Schema Test Suite's cases wrong; its "fast" mode accepts month 13 and 30 February. Here
 * `date-time` is read character by character, `email` is one linear regular expression plus length
 * checks; both agree with every string case of the suite (see test/formats.test.ts). They are
 * bundled into generated/validators.js by scripts/build-validators.mjs, so the shipped validators
 * need no format library at run time.
 */

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** ASCII digits from `lastIndex` on (sticky: matches there or not at all; always matches). */
const DIGITS = /[0-9]*/y;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** How many days `month` (1 to 12) has in `year`, by the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
}

/** The two ASCII digits at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const tens = text.charCodeAt(i) - 48;
  const ones = text.charCodeAt(i + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * True when `value` is an RFC 3339 section 5.6 `date-time`:
 * `YYYY-MM-DD(T|t)HH:MM:SS[.fraction](Z|z|(+|-)HH:MM)`, ASCII digits only, a real calendar day,
 * hours 00-23, minutes 00-59, seconds 00-59 or a leap second 60 at 23:59 UTC (after applying the
 * offset), an offset within ±23:59, a fraction of any length.
 *
 * Read character by character rather than with a regular expression: date-times are most of what
 * an event holds, and this is about five times faster than a capturing regular expression.
 * test/formats.test.ts holds it to the grammar written as a regular expression.
 */
export function isDateTime(value: string): boolean {
  const length = value.length;
  if (length < 20) return false;
  const century = twoDigits(value, 0);
  const yearOfCentury = twoDigits(value, 2);
  const separator = value.charCodeAt(10);
  if (
    century < 0 ||
    yearOfCentury < 0 ||
    value.charCodeAt(4) !== 45 /* - */ ||
    value.charCodeAt(7) !== 45 ||
    (separator !== 84 /* T */ && separator !== 116) /* t */ ||
    value.charCodeAt(13) !== 58 /* : */ ||
    value.charCodeAt(16) !== 58
  )
    return false;
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = twoDigits(value, 17);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60
  )
    return false;
  const year = century * 100 + yearOfCentury;
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!)) return false;
  let i = 19;
  if (value.charCodeAt(i) === 46 /* . */) {
    const start = ++i;
    for (let code = value.charCodeAt(i); code >= 48 && code <= 57 && i < start + 9; code = value.charCodeAt(++i));
    if (i === start) return false;
    if (i === start + 9) {
      // A fraction longer than nanoseconds is rare, and may be a megabyte long: a regular
      // expression skips the rest of its digits several times faster than charCodeAt.
      DIGITS.lastIndex = i;
      DIGITS.test(value);
      i = DIGITS.lastIndex;
    }
  }
  let offsetMinutes = 0;
  const zone = value.charCodeAt(i);
  if (zone === 90 /* Z */ || zone === 122 /* z */) {
    if (i + 1 !== length) return false;
  } else if (zone === 43 /* + */ || zone === 45 /* - */) {
    if (i + 6 !== length || value.charCodeAt(i + 3) !== 58) return false;
    const offsetHour = twoDigits(value, i + 1);
    const offsetMinute = twoDigits(value, i + 4);
    if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return false;
    offsetMinutes = (zone === 43 ? 1 : -1) * (offsetHour * 60 + offsetMinute);
  } else {
    return false;
  }
  if (second === 60) {
    // A leap second is inserted at 23:59:60 UTC only.
    const utcMinuteOfDay = (((hour * 60 + minute - offsetMinutes) % 1440) + 1440) % 1440;
    return utcMinuteOfDay === 23 * 60 + 59;
  }
  return true;
}

// RFC 5321 mailbox with a dot-atom local part (RFC 5322 atext) and a domain of two or more
// LDH labels. Labels cannot contain dots, so the repetition is unambiguous and matching is linear
// (recheck's automaton checker proves it; a bounded `{0,61}` would leave it unprovable, so the
// 63-character label limit is checked in code instead).
export const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** RFC 5321 and RFC 1035 limits: 64 octets of local part, 254 in all, 63 per domain label. */
const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;

/**
 * True when `value` is an email address in the sense of the JSON Schema `email` format, limited
 * to what a webhook receiver can use: `local@domain`, dot-atom local part, ASCII, a dotted domain.
 */
export function isEmail(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.indexOf('@');
  if (at < 1 || at > MAX_LOCAL_PART_LENGTH || !EMAIL.test(value)) return false;
  for (let start = at + 1; start < value.length;) {
    const dot = value.indexOf('.', start);
    const end = dot < 0 ? value.length : dot;
    if (end - start > MAX_LABEL_LENGTH) return false;
    start = end + 1;
  }
  return true;
}

/** Any UTF-16 surrogate. On a string V8 stores one byte per character, the test takes no time. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Length in Unicode code points, as JSON Schema's minLength and maxLength count it, without
 * copying the string. The generated validators use it in place of Ajv's CommonJS ucs2length. A
 * longer string without surrogates (most of them, and a megabyte of ASCII) is not counted at all.
 */
export function codePointLength(text: string): number {
  if (text.length > 64 && !SURROGATE.test(text)) return text.length;
  let length = 0;
  for (let i = 0; i < text.length; i++, length++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return length;
}

/** A probe sequence this long means colliding hashes: the table gives way to a Set. */
const MAX_PROBES = 64;
/** From this length on, a string is hashed from its UTF-8 bytes, four at a time. */
const LONG_STRING = 64;

let encoder: InstanceType<typeof TextEncoder> | undefined;
let scratch: Int32Array | undefined;

/** A hash of `text` under `multiplier`; equal strings hash alike. */
function hashOf(text: string, multiplier: number): number {
  const length = text.length;
  let hash = length;
  if (length < LONG_STRING) {
    let k = 1;
    for (; k < length; k += 2)
      hash = Math.imul(hash ^ (text.charCodeAt(k - 1) | (text.charCodeAt(k) << 16)), multiplier);
    return k === length ? Math.imul(hash ^ text.charCodeAt(k - 1), multiplier) : hash;
  }
  // The encoder copies natively, several times faster than charCodeAt reads: a megabyte of long
  // strings costs about what parsing it cost.
  const words = (3 * length) >> 2;
  let buffer = scratch;
  if (buffer === undefined || buffer.length <= words) {
    buffer = new Int32Array(words + 1);
    if (words < 0x4000) scratch = buffer;
  }
  encoder ??= new TextEncoder();
  const bytes = new Uint8Array(buffer.buffer);
  const written = encoder.encodeInto(text, bytes).written;
  bytes.fill(0, written, (written + 3) & ~3);
  for (let k = (written + 3) >> 2; k--;) hash = Math.imul(hash ^ buffer[k]!, multiplier);
  return hash;
}

/**
 * What Ajv's `uniqueItems` loop for strings finds, without its flaw: visiting the items from the
 * end and skipping other types, the index of the first string already seen (at a later index), or
 * -1. Ajv keeps the strings seen in a plain object, where "__proto__" is never found.
 *
 * Neither a plain object nor a Set is fast on a megabyte of strings (a cache miss per item, or a
 * slow hash of a long one: up to five times what parsing them cost), so they are hashed here, with
 * a multiplier drawn for each call (no input collides on purpose), into an Int32Array probed
 * linearly; should probes still run long, a Set takes over.
 */
export function duplicateIndex(items: readonly unknown[]): number {
  const count = items.length;
  let bits = 4;
  while (1 << bits < 2 * count) bits++;
  if (bits > 26) return duplicateIndexBySet(items);
  const table = new Int32Array(1 << bits);
  const mask = (1 << bits) - 1;
  const multiplier = ((Math.random() * 0x40000000) << 1) | 1;
  scan: for (let i = count; i--;) {
    const item = items[i];
    if (typeof item !== 'string') continue;
    const hash = hashOf(item, multiplier);
    for (let slot = Math.imul(hash, multiplier) >>> (32 - bits), probes = 0; ; slot = (slot + 1) & mask) {
      const seen = table[slot]!;
      if (seen === 0) {
        table[slot] = i + 1;
        continue scan;
      }
      if (items[seen - 1] === item) return i;
      if (++probes > MAX_PROBES) return duplicateIndexBySet(items);
    }
  }
  return -1;
}

function duplicateIndexBySet(items: readonly unknown[]): number {
  const seen = new Set<string>();
  for (let i = items.length; i--;) {
    const item = items[i];
    if (typeof item === 'string' && seen.size === seen.add(item).size) return i;
  }
  return -1;
}

/** The format table the generated validators use, keyed by JSON Schema format name. */
export const formats = {
  'date-time': isDateTime,
  email: isEmail,
} as const;
