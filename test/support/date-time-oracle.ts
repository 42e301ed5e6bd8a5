// The RFC 3339 date-time rules written the plain way: the grammar as one regular expression, then
// the calendar and clock arithmetic. src/formats.ts reads character by character for speed; the
// property test in test/formats.test.ts holds it to this.

/** RFC 3339 section 5.6 `date-time`: ASCII digits, `T`/`Z` in either case, any fraction, offset with minutes. */
export const DATE_TIME_GRAMMAR =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isDateTimeOracle(value: string): boolean {
  const m = DATE_TIME_GRAMMAR.exec(value);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month]!)) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  let offset = 0;
  if (m[7] !== undefined) {
    if (Number(m[8]) > 23 || Number(m[9]) > 59) return false;
    offset = (m[7] === '+' ? 1 : -1) * (Number(m[8]) * 60 + Number(m[9]));
  }
  return second !== 60 || (((hour * 60 + minute - offset) % 1440) + 1440) % 1440 === 23 * 60 + 59;
}
