/**
 * The string formats the contract uses, checked exactly and fast.
 *
 * ajv-formats' "full" `date-time` costs most of a validation and still gets three of the JSON
 * Schema Test Suite's cases wrong; its "fast" mode accepts month 13 and 30 February. These checks
 * are one linear regular expression each plus arithmetic, and agree with every string case of the
 * suite (see test/formats.test.ts). They are bundled into generated/validators.js by
 * scripts/build-validators.mjs, so the shipped validators need no format library at run time.
 */

// RFC 3339 section 5.6 `date-time`. ASCII digits only (no `u` flag, so `\d` is [0-9]); `T`/`Z` in
// either case (section 5.6 NOTE); a fraction of any length; the offset needs its minutes.
export const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/**
 * True when `value` is an RFC 3339 date-time: a real calendar day, hours 00-23, minutes 00-59,
 * seconds 00-59 or a leap second 60 at 23:59 UTC (after applying the offset), offset within ±23:59.
 */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (m === null) return false;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  if (month < 1 || month > 12 || day < 1) return false;
  const maxDay = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
  if (day > maxDay) return false;
  const hour = +m[4]!;
  const minute = +m[5]!;
  const second = +m[6]!;
  if (hour > 23 || minute > 59 || second > 60) return false;
  let offsetMinutes = 0;
  if (m[7] !== undefined) {
    const offsetHour = +m[8]!;
    const offsetMinute = +m[9]!;
    if (offsetHour > 23 || offsetMinute > 59) return false;
    offsetMinutes = (m[7] === '+' ? 1 : -1) * (offsetHour * 60 + offsetMinute);
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

/**
 * Length in Unicode code points, as JSON Schema's minLength and maxLength count it, without
 * copying the string. The generated validators use it in place of Ajv's CommonJS ucs2length.
 */
export function codePointLength(text: string): number {
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

/** The format table the generated validators use, keyed by JSON Schema format name. */
export const formats = {
  'date-time': isDateTime,
  email: isEmail,
} as const;
