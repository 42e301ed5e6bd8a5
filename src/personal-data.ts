/**
 * Issues about personal data (the fields the contract marks `x-pii`) give the value's type and
 * length, never the value. A module of its own, so that a per-event entry point whose event has
 * no personal data carries none of it (its size budget has no room).
 */
import type { EventValidationResult, EventValidator } from './event-validator.js';
import { codePointLength } from './formats.js';
import { issue, valueAt, type ValidationIssue } from './issues.js';

/** Personal data of one event: JSON pointer of each field marked `x-pii` → its category. */
export type PersonalFields = Readonly<Record<string, string>>;

/** Whether `path` is a personal-data field of `personal`, or inside one (`result` is an object). */
export function isPersonalPath(path: string, personal: PersonalFields): boolean {
  for (const field in personal) if (path === field || path.startsWith(`${field}/`)) return true;
  return false;
}

/** A value's type and length, for an issue about personal data: never the value itself. */
function describeShape(value: unknown): string {
  if (typeof value === 'string')
    return value.length === 0 ? 'an empty string' : `a string of ${codePointLength(value)} characters`;
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The issues with every one about a personal-data field (`x-pii`) worded by the value's type and
 * length instead of quoting it: an answer, a log line or a report never echoes a lead's email.
 */
export function withoutPersonalValues(
  issues: ValidationIssue[],
  input: unknown,
  personal: PersonalFields | undefined,
): ValidationIssue[] {
  if (personal === undefined) return issues;
  return issues.map((found) =>
    found.keyword === 'required' || !isPersonalPath(found.path, personal)
      ? found
      : issue(found.path, found.keyword, found.expected, describeShape(valueAt(input, found.path))),
  );
}

/**
 * The validator of an event with personal data (`x-pii` fields): its issues give those fields'
 * type and length, never their value. Only the entry points of such events carry this code.
 */
export function withPersonalData<E>(validator: EventValidator<E>, personal: PersonalFields): EventValidator<E> {
  const validate = (input: unknown, options?: { strict?: boolean }): EventValidationResult<E> => {
    const result = validator.validate(input, options);
    return result.valid ? result : { valid: false, errors: withoutPersonalValues(result.errors, input, personal) };
  };
  return {
    event: validator.event,
    validate,
    isValid: (input, options): input is E => validator.isValid(input, options),
  };
}
