/**
 * Turns the compiled validators' raw errors into {@link ValidationIssue}s: a JSON pointer to the
 * field, the rule's keyword, and a sentence that names what was expected and what came.
 */
import type { AjvError } from '../generated/validators.js';
import { codePointLength } from './formats.js';

/** One reason a payload does not match the contract. */
export interface ValidationIssue {
  /** JSON pointer (RFC 6901) to the offending value: `/data/email`, or `""` for the payload itself. A missing or unexpected property is pointed at by its own path. */
  path: string;
  /** A sentence for people, naming what was expected and what was received. */
  message: string;
  /** The rule that failed: a JSON Schema keyword (`type`, `required`, `format`, `enum`, `additionalProperties`...) or `json` for a body that is not JSON. */
  keyword: string;
  /** What the contract expects here, in words. */
  expected: string;
  /** What the payload holds here, in words, with at most a short excerpt of the value. */
  received: string;
}

/** At most this many issues are reported for one payload; the first ones in document order. */
export const MAX_ISSUES = 20;

/**
 * At most this many characters (code points, as minLength and maxLength count them) of a received
 * string are quoted in a message.
 */
const EXCERPT_LENGTH = 40;

const PATTERN_NAMES: Record<string, string> = {
  '^[!-~]+$': 'an id of printable ASCII characters without spaces',
};

const FORMAT_NAMES: Record<string, string> = {
  'date-time': 'an RFC 3339 date-time such as "2026-02-24T12:00:00.000Z"',
  email: 'an email address such as "jane@example.com"',
};

/** Where the first {@link EXCERPT_LENGTH} code points of `text` end, as a UTF-16 index. */
function excerptEnd(text: string): number {
  let i = 0;
  for (let n = 0; n < EXCERPT_LENGTH && i < text.length; n++) {
    const code = text.charCodeAt(i++);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return i;
}

/**
 * Describes a received value in a few words, never quoting more than a short excerpt. A longer
 * string is cut between code points (never inside a surrogate pair) and its length given in code
 * points, the unit of the length issues.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': {
      if (value.length === 0) return 'an empty string';
      const end = excerptEnd(value);
      return end === value.length
        ? `string ${JSON.stringify(value)}`
        : `string ${JSON.stringify(`${value.slice(0, end)}…`)} (${codePointLength(value)} characters)`;
    }
    case 'number':
      return Number.isInteger(value) && !Object.is(value, -0) ? `integer ${value}` : `number ${String(value)}`;
    case 'boolean':
      return `boolean ${value}`;
    case 'object':
      return Array.isArray(value) ? `array of ${value.length} item${value.length === 1 ? '' : 's'}` : 'object';
    default:
      return typeof value;
  }
}

const TYPE_NAMES = new Map([
  ['integer', 'an integer'],
  ['object', 'an object'],
  ['array', 'an array'],
  ['null', 'null'],
]);

function typeName(type: unknown): string {
  if (typeof type === 'string') return TYPE_NAMES.get(type) ?? `a ${type}`;
  return (type as unknown[]).map((t) => TYPE_NAMES.get(String(t)) ?? `a ${String(t)}`).join(' or ');
}

function escapePointerToken(token: string): string {
  return token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}

/** The value a JSON pointer names in `root`, or undefined. Reads own properties only. */
export function valueAt(root: unknown, pointer: string): unknown {
  let value: unknown = root;
  // Walks the pointer in place (no split): it runs once per issue, on the invalid-payload path.
  for (let start = 1; start <= pointer.length;) {
    if (value === null || typeof value !== 'object') return undefined;
    const slash = pointer.indexOf('/', start);
    const end = slash < 0 ? pointer.length : slash;
    let token = pointer.slice(start, end);
    if (token.includes('~')) token = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!Object.prototype.hasOwnProperty.call(value, token)) return undefined;
    value = (value as Record<string, unknown>)[token];
    start = end + 1;
  }
  return value;
}

/**
 * The one way an issue is made, in every module: by default its message is "Expected …, received …."
 * (the API, the receiver and the CLI all build theirs here, so the wording and the key order agree).
 */
export function issue(
  path: string,
  keyword: string,
  expected: string,
  received: string,
  message?: string,
): ValidationIssue {
  return { path, keyword, expected, received, message: message ?? `Expected ${expected}, received ${received}.` };
}

/**
 * The one issue of a value that threw while being validated: only a value JSON cannot produce
 * (a throwing getter, a Proxy) gets there. Here, not in errors.ts, because every validator entry
 * point needs it and the per-event bundles carry this module only.
 */
export function unreadableInputIssue(error: unknown): ValidationIssue {
  const message = `Validation could not read the input: ${String((error as Error)?.message ?? error)}`.slice(0, 200);
  return issue('', 'exception', 'a plain JSON value', 'a value that threw when read', message);
}

/** Converts one compiled-validator error, reading the received value from `input`. */
export function toIssue(error: AjvError, input: unknown): ValidationIssue {
  const { keyword, instancePath, params } = error;
  // A missing or unexpected property needs no value.
  if (keyword === 'required' || keyword === 'additionalProperties') return propertyIssue(error);
  // The compiled validators put the value on the error (`data`); an error from elsewhere is looked up in the input.
  const value = Object.prototype.hasOwnProperty.call(error, 'data') ? error.data : valueAt(input, instancePath);
  return issue(instancePath, keyword, expectedOf(keyword, params), receivedOf(keyword, params, value));
}

/** A missing (`required`) or unexpected (`additionalProperties`) property, pointed at by its own path. */
function propertyIssue({ keyword, instancePath, params }: AjvError): ValidationIssue {
  if (keyword === 'required') {
    const name = String(params.missingProperty);
    const path = `${instancePath}/${escapePointerToken(name)}`;
    return issue(path, keyword, `property "${name}"`, 'nothing', `Missing required property "${name}".`);
  }
  const name = String(params.additionalProperty);
  const path = `${instancePath}/${escapePointerToken(name)}`;
  const message = `Unexpected property "${name}": strict mode accepts only the properties the contract defines.`;
  return issue(path, keyword, 'only the properties the contract defines', `property "${name}"`, message);
}

/** What the contract expects, in words, for a keyword and its parameters. */
function expectedOf(keyword: string, params: AjvError['params']): string {
  switch (keyword) {
    case 'type':
      return typeName(params.type);
    case 'format':
      return FORMAT_NAMES[String(params.format)] ?? `a "${String(params.format)}" string`;
    case 'pattern':
      return PATTERN_NAMES[String(params.pattern)] ?? `a string matching ${String(params.pattern)}`;
    case 'const':
      return JSON.stringify(params.allowedValue);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return allowed.length === 1 ? allowed[0]! : `one of ${allowed.join(', ')}`;
    }
    case 'minLength':
      return Number(params.limit) === 1
        ? 'a non-empty string'
        : `a string of at least ${Number(params.limit)} characters`;
    case 'maxLength':
      return `a string of at most ${Number(params.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(params.comparison)} ${String(params.limit)}`;
    case 'uniqueItems':
      return 'each item at most once';
    default:
      return `a value that satisfies "${keyword}" ${JSON.stringify(params)}`;
  }
}

/** What the payload holds, in words: lengths in code points, the repeated item, or a short excerpt. */
function receivedOf(keyword: string, params: AjvError['params'], value: unknown): string {
  if (keyword === 'minLength' || keyword === 'maxLength') {
    const length = typeof value === 'string' ? codePointLength(value) : 0;
    return length === 0 ? 'an empty string' : `a string of ${length} characters`;
  }
  if (keyword === 'uniqueItems') {
    const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b) as [number, number];
    const item = Array.isArray(value) ? describeValue(value[second]) : 'a repeated item';
    return `${item} at both index ${first} and index ${second}`;
  }
  return describeValue(value);
}

/** Converts a compiled validator's errors into at most {@link MAX_ISSUES} issues. */
export function toIssues(errors: readonly AjvError[] | null | undefined, input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!errors) return issues;
  for (let i = 0; i < errors.length && issues.length < MAX_ISSUES; i++) issues.push(toIssue(errors[i]!, input));
  return issues;
}
