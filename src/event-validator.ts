/**
 * One event's validator, for the per-event entry points (`@chatspark/webhooks/validators/<event>`):
 * a bundle that imports one of them carries that event's compiled code only.
 */
import type { CompiledValidator } from '../generated/validators.js';
import { toIssues, unreadableInputIssue, type ValidationIssue } from './issues.js';

/** The outcome of validating one event: the event, typed, or every issue found. */
export type EventValidationResult<E> = { valid: true; event: E } | { valid: false; errors: ValidationIssue[] };

/** The validator of one event, as a per-event entry point exports it. */
export interface EventValidator<E> {
  /** The event this validator accepts. */
  readonly event: string;
  /** Checks that `input` is this event (in strict mode, with no property the contract does not define). Never throws. */
  validate(input: unknown, options?: { strict?: boolean }): EventValidationResult<E>;
  /** True when `input` is this event; narrows its type. */
  isValid(input: unknown, options?: { strict?: boolean }): input is E;
}

/** Wraps one event's compiled validators (default and strict) with the package's error wording. */
export function createEventValidator<E>(
  event: string,
  compiled: CompiledValidator,
  compiledStrict: CompiledValidator,
): EventValidator<E> {
  function validate(input: unknown, options?: { strict?: boolean }): EventValidationResult<E> {
    const check = options?.strict === true ? compiledStrict : compiled;
    try {
      if (check(input)) return { valid: true, event: input as E };
      return { valid: false, errors: toIssues(check.errors, input) };
    } catch (error) {
      return { valid: false, errors: [unreadableInputIssue(error)] };
    }
  }
  return {
    event,
    validate,
    isValid: (input, options): input is E => validate(input, options).valid,
  };
}
