/**
 * The practical limit: a checker written by hand for exactly the contract's rules, as a careful
 * engineer would write it for speed (straight-line property checks, char-code date parsing, no
 * schema in sight), reporting the same issues as the package: path, keyword, expected, received.
 * Like the package it reads own properties only (an inherited `timestamp` is a missing one).
 * The benchmark checks that it agrees with the package on every payload before timing anything.
 */

export interface Issue {
  path: string;
  keyword: string;
  expected: string;
  received: string;
  message: string;
}
export type Result = { valid: true; event: unknown } | { valid: false; errors: Issue[] };
type Obj = Record<string, unknown>;

const EVENTS = [
  'lead.captured',
  'conversation.started',
  'conversation.ended',
  'message.sent',
  'agent.updated',
  'ai-action.completed',
  'ai-action.failed',
  'training.completed',
  'training.failed',
];
const KNOWN = EVENTS.join(', ');
const DATE_TIME = 'an RFC 3339 date-time';
const ID = 'an id of printable ASCII characters without spaces';

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return value.length > 40
      ? `string ${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`
      : value === ''
        ? 'an empty string'
        : `string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  return Array.isArray(value) ? `array of ${value.length} items` : 'object';
}

function fail(out: Issue[], path: string, keyword: string, expected: string, value: unknown): void {
  const received = describe(value);
  out.push({ path, keyword, expected, received, message: `Expected ${expected}, received ${received}.` });
}

function missing(out: Issue[], path: string): void {
  out.push({
    path,
    keyword: 'required',
    expected: 'the property',
    received: 'nothing',
    message: `Missing required property at ${path}.`,
  });
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// Only own properties count, as in the package: a value on the prototype is not there.
const hasOwn = Object.prototype.hasOwnProperty;
const own = (o: Obj, key: string): unknown => (hasOwn.call(o, key) ? o[key] : undefined);

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

/** Two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** RFC 3339 date-time by char codes: YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM), real days, leap second at 23:59 UTC. */
function isDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20) return false;
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  if (
    y1 < 0 ||
    y2 < 0 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return false;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116) return false;
  const year = y1 * 100 + y2;
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
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
  if (day > (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS[month]!)) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i === start) return false;
  }
  let offset = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i + 1 !== n) return false;
  } else if (z === 43 || z === 45) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return false;
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offset = (z === 43 ? 1 : -1) * (oh * 60 + om);
  } else return false;
  if (second === 60) return (((hour * 60 + minute - offset) % 1440) + 1440) % 1440 === 1439;
  return true;
}

// atext of RFC 5322 and letters-digits-hyphen of RFC 1035, as lookup tables.
const ATEXT = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")
  ATEXT[c.charCodeAt(0)] = 1;
const ALNUM = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') ALNUM[c.charCodeAt(0)] = 1;

/** local@domain: dot-atom local part of at most 64, two or more LDH labels of at most 63, 254 in all. */
function isEmail(s: string): boolean {
  const n = s.length;
  if (n > 254) return false;
  const at = s.indexOf('@');
  if (at < 1 || at > 64) return false;
  let prevDot = true;
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (prevDot) return false;
      prevDot = true;
    } else if (c < 128 && ATEXT[c] === 1) prevDot = false;
    else return false;
  }
  if (prevDot) return false;
  let labels = 0;
  let start = at + 1;
  for (let i = start; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      const len = i - start;
      if (len < 1 || len > 63 || s.charCodeAt(start) === 45 || s.charCodeAt(i - 1) === 45) return false;
      labels++;
      start = i + 1;
    } else if (!(c < 128 && (ALNUM[c] === 1 || c === 45))) return false;
  }
  return labels >= 2;
}

function isId(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function id(v: unknown, path: string, out: Issue[]): void {
  if (v === undefined) return missing(out, path);
  if (typeof v !== 'string') return fail(out, path, 'type', 'a string', v);
  if (v.length > 255 && codePoints(v) > 255) fail(out, path, 'maxLength', 'at most 255 characters', v);
  if (!isId(v)) fail(out, path, 'pattern', ID, v);
}

function dateTime(v: unknown, path: string, out: Issue[]): void {
  if (v === undefined) return missing(out, path);
  if (typeof v !== 'string') return fail(out, path, 'type', 'a string', v);
  if (!isDateTime(v)) fail(out, path, 'format', DATE_TIME, v);
}

function string(v: unknown, path: string, out: Issue[], minLength = 0, maxLength = Infinity): void {
  if (v === undefined) return missing(out, path);
  if (typeof v !== 'string') return fail(out, path, 'type', 'a string', v);
  if (v.length > maxLength && codePoints(v) > maxLength)
    fail(out, path, 'maxLength', `at most ${maxLength} characters`, v);
  if (v.length < minLength) fail(out, path, 'minLength', 'a non-empty string', v);
}

/** An optional `string | null` field. */
function nullable(v: unknown, path: string, out: Issue[], email = false): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string') return fail(out, path, 'type', 'a string or null', v);
  if (email && !isEmail(v)) fail(out, path, 'format', 'an email address', v);
}

function integer(v: unknown, path: string, out: Issue[], minimum: number, maximum = Number.MAX_SAFE_INTEGER): void {
  if (v === undefined) return missing(out, path);
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(out, path, 'type', 'an integer', v);
  if (v < minimum) fail(out, path, 'minimum', `a number >= ${minimum}`, v);
  if (v > maximum) fail(out, path, 'maximum', `a number <= ${maximum}`, v);
}

function oneOf(v: unknown, path: string, out: Issue[], allowed: readonly string[]): void {
  if (v === undefined) return missing(out, path);
  if (typeof v !== 'string') return fail(out, path, 'type', 'a string', v);
  if (!allowed.includes(v)) fail(out, path, 'enum', `one of ${allowed.join(', ')}`, v);
}

const ROLES = ['user', 'assistant'];
const COMPLETED = ['completed'];

const DATA: Record<string, (d: Obj, out: Issue[]) => void> = {
  'lead.captured'(d, out) {
    id(own(d, 'leadId'), '/data/leadId', out);
    id(own(d, 'agentId'), '/data/agentId', out);
    nullable(own(d, 'name'), '/data/name', out);
    nullable(own(d, 'email'), '/data/email', out, true);
    nullable(own(d, 'phone'), '/data/phone', out);
    nullable(own(d, 'companyName'), '/data/companyName', out);
    nullable(own(d, 'message'), '/data/message', out);
    dateTime(own(d, 'createdAt'), '/data/createdAt', out);
  },
  'conversation.started'(d, out) {
    id(own(d, 'conversationId'), '/data/conversationId', out);
    id(own(d, 'agentId'), '/data/agentId', out);
    dateTime(own(d, 'createdAt'), '/data/createdAt', out);
  },
  'conversation.ended'(d, out) {
    id(own(d, 'conversationId'), '/data/conversationId', out);
    id(own(d, 'agentId'), '/data/agentId', out);
    dateTime(own(d, 'endedAt'), '/data/endedAt', out);
  },
  'message.sent'(d, out) {
    id(own(d, 'messageId'), '/data/messageId', out);
    id(own(d, 'conversationId'), '/data/conversationId', out);
    id(own(d, 'agentId'), '/data/agentId', out);
    oneOf(own(d, 'role'), '/data/role', out, ROLES);
    string(own(d, 'content'), '/data/content', out);
    dateTime(own(d, 'createdAt'), '/data/createdAt', out);
  },
  'agent.updated'(d, out) {
    id(own(d, 'agentId'), '/data/agentId', out);
    dateTime(own(d, 'updatedAt'), '/data/updatedAt', out);
    const changes = own(d, 'changes');
    if (changes === undefined) return missing(out, '/data/changes');
    if (!Array.isArray(changes)) return fail(out, '/data/changes', 'type', 'an array', changes);
    let itemsValid = true;
    for (let i = 0; i < changes.length; i++) {
      const item: unknown = changes[i];
      if (typeof item !== 'string') {
        fail(out, `/data/changes/${i}`, 'type', 'a string', item);
        itemsValid = false;
      } else if (item.length === 0) {
        fail(out, `/data/changes/${i}`, 'minLength', 'a non-empty string', item);
        itemsValid = false;
      }
    }
    if (itemsValid && changes.length > 1 && new Set(changes).size !== changes.length)
      fail(out, '/data/changes', 'uniqueItems', 'each item at most once', changes);
  },
  'ai-action.completed'(d, out) {
    id(own(d, 'actionId'), '/data/actionId', out);
    string(own(d, 'actionType'), '/data/actionType', out, 1, 255);
    id(own(d, 'agentId'), '/data/agentId', out);
    id(own(d, 'conversationId'), '/data/conversationId', out);
    const result = own(d, 'result');
    if (result === undefined) missing(out, '/data/result');
    else if (!isObject(result)) fail(out, '/data/result', 'type', 'an object', result);
    dateTime(own(d, 'completedAt'), '/data/completedAt', out);
  },
  'ai-action.failed'(d, out) {
    id(own(d, 'actionId'), '/data/actionId', out);
    string(own(d, 'actionType'), '/data/actionType', out, 1, 255);
    id(own(d, 'agentId'), '/data/agentId', out);
    string(own(d, 'error'), '/data/error', out);
    dateTime(own(d, 'failedAt'), '/data/failedAt', out);
  },
  'training.completed'(d, out) {
    integer(own(d, 'trainingId'), '/data/trainingId', out, 1);
    id(own(d, 'agentId'), '/data/agentId', out);
    string(own(d, 'source'), '/data/source', out, 1);
    oneOf(own(d, 'status'), '/data/status', out, COMPLETED);
    integer(own(d, 'dataCount'), '/data/dataCount', out, 0);
    dateTime(own(d, 'completedAt'), '/data/completedAt', out);
  },
  'training.failed'(d, out) {
    integer(own(d, 'trainingId'), '/data/trainingId', out, 1);
    id(own(d, 'agentId'), '/data/agentId', out);
    string(own(d, 'source'), '/data/source', out, 1);
    string(own(d, 'error'), '/data/error', out);
    dateTime(own(d, 'failedAt'), '/data/failedAt', out);
  },
};

/** Checks a parsed payload against the contract (default mode: unknown properties are accepted). */
export function checkWebhookEvent(input: unknown): Result {
  const out: Issue[] = [];
  if (!isObject(input)) {
    fail(out, '', 'type', 'an object', input);
    return { valid: false, errors: out };
  }
  const name = own(input, 'event');
  if (name === undefined) {
    missing(out, '/event');
    return { valid: false, errors: out };
  }
  if (typeof name !== 'string') {
    fail(out, '/event', 'type', 'a string', name);
    return { valid: false, errors: out };
  }
  const checkData = Object.prototype.hasOwnProperty.call(DATA, name) ? DATA[name] : undefined;
  if (checkData === undefined) {
    fail(out, '/event', 'enum', `one of ${KNOWN}`, name);
    return { valid: false, errors: out };
  }
  dateTime(own(input, 'timestamp'), '/timestamp', out);
  const data = own(input, 'data');
  if (data === undefined) missing(out, '/data');
  else if (!isObject(data)) fail(out, '/data', 'type', 'an object', data);
  else checkData(data, out);
  return out.length === 0
    ? { valid: true, event: input }
    : { valid: false, errors: out.length > 20 ? out.slice(0, 20) : out };
}
