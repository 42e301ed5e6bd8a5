/**
 * Validation against the contract. The validators are compiled ahead of time from schemas/
 * (generated/validators.js); this module dispatches on `event`, so a payload gets only its own
 * event's errors, and words the errors.
 */
import {
  PERSONAL_DATA,
  WEBHOOK_EVENT_TYPES,
  strictValidators,
  validators,
  type CompiledValidator,
} from '../generated/validators.js';
import type { WebhookEvent } from '../generated/types.js';
import { WebhookValidationError, messageOf } from './errors.js';
import { decodeBody, describeKind, isRawBody, type RawBody } from './body.js';
import { MAX_ISSUES, describeValue, issue, toIssues, unreadableInputIssue, type ValidationIssue } from './issues.js';
import { withoutPersonalValues } from './personal-data.js';

/** Options of every validation function. */
export interface ValidateOptions {
  /**
   * Reject properties the contract does not define, in the envelope and in `data` (`result` of
   * `ai-action.completed` stays open). Use it to contract-test a sender. Default `false`: unknown
   * properties are accepted, so a receiver keeps working when ChatSpark adds a field.
   */
  strict?: boolean;
}

/** The outcome of a validation: the event, typed, or every issue found. */
export type ValidationResult = { valid: true; event: WebhookEvent } | { valid: false; errors: ValidationIssue[] };

export { MAX_ISSUES };

const KNOWN_EVENTS = WEBHOOK_EVENT_TYPES.join(', ');

function invalid(errors: ValidationIssue[]): ValidationResult {
  return { valid: false, errors };
}

function check(input: unknown, strict: boolean): ValidationResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const received = describeValue(input);
    const message = `Expected an object (the event envelope { event, timestamp, data }), received ${received}.`;
    return invalid([issue('', 'type', 'an object (the event envelope)', received, message)]);
  }
  const record = input as Record<string, unknown>;
  const name = Object.prototype.hasOwnProperty.call(record, 'event') ? record.event : undefined;
  if (name === undefined) {
    const message = `Missing required property "event"; expected one of: ${KNOWN_EVENTS}.`;
    return invalid([issue('/event', 'required', 'property "event"', 'nothing', message)]);
  }
  if (typeof name !== 'string') {
    return invalid([issue('/event', 'type', 'a string naming the event', describeValue(name))]);
  }
  // The tables have no prototype, so names such as "__proto__" or "constructor" find nothing.
  const validator: CompiledValidator | undefined = (strict ? strictValidators : validators)[
    name as WebhookEvent['event']
  ];
  if (validator === undefined) {
    const received = describeValue(name);
    const message = `Unknown event ${received.replace(/^string /, '')}; expected one of: ${KNOWN_EVENTS}.`;
    return invalid([issue('/event', 'enum', `one of: ${KNOWN_EVENTS}`, received, message)]);
  }
  if (validator(input)) return { valid: true, event: input as WebhookEvent };
  return invalid(
    withoutPersonalValues(toIssues(validator.errors, input), input, PERSONAL_DATA[name as WebhookEvent['event']]),
  );
}

/**
 * Checks that `input` (an already parsed JSON value) is a ChatSpark webhook event.
 *
 * Never throws. A payload whose `event` names a known event gets only that event's issues (at
 * most {@link MAX_ISSUES}); an unknown `event` gets one issue listing the known names. The input
 * is never changed.
 *
 * @example
 * const result = validateWebhookEvent(JSON.parse(body));
 * if (result.valid && result.event.event === 'lead.captured') console.log(result.event.data.leadId);
 */
export function validateWebhookEvent(input: unknown, options?: ValidateOptions): ValidationResult {
  try {
    return check(input, options?.strict === true);
  } catch (error) {
    return invalid([unreadableInputIssue(error)]);
  }
}

/**
 * Parses a raw request body and validates it: the function a webhook endpoint calls first.
 *
 * Accepts a string or the body's bytes (a Uint8Array or Buffer, an ArrayBuffer as
 * `await request.arrayBuffer()` gives, or any ArrayBuffer view), decoded as strict UTF-8 (a
 * leading byte-order mark is ignored). A body that is not UTF-8 or not JSON gives `valid: false`
 * with keyword `json`; a value that is not a raw body (an already parsed object) gives keyword
 * `type`, naming what came: validate parsed values with {@link validateWebhookEvent}. Never throws.
 *
 * @example
 * const result = parseWebhookEvent(await request.arrayBuffer());
 * if (!result.valid) console.error(result.errors);
 */
export function parseWebhookEvent(body: RawBody, options?: ValidateOptions): ValidationResult {
  if (!isRawBody(body)) {
    const received = describeKind(body);
    const expected = 'a raw body (a string, a Uint8Array, an ArrayBuffer or an ArrayBuffer view)';
    const message = `Expected ${expected}, received ${received}; validate an already parsed value with validateWebhookEvent.`;
    return invalid([issue('', 'type', expected, received, message)]);
  }
  const decoded = decodeBody(body);
  if (!decoded.ok) return invalid([decoded.issue]);
  const text = decoded.text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 quotes the start of the text ("Unexpected token 'j', \"jane@example.com\" is not valid JSON"):
    // a body may carry personal data, so the quote is dropped and only the reason and position stay.
    const reason = messageOf(error)
      .replace(/(?:^|, )"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, ' (not valid JSON)')
      .trim();
    const received = text.trim() === '' ? 'an empty body' : 'malformed JSON';
    const message = `Expected a JSON document, received ${received}: ${reason.slice(0, 200)}`;
    return invalid([issue('', 'json', 'a JSON document', received, message)]);
  }
  return validateWebhookEvent(value, options);
}

/**
 * True when `input` is a ChatSpark webhook event; narrows its type.
 *
 * @example
 * if (isWebhookEvent(payload) && payload.event === 'message.sent') payload.data.role;
 */
export function isWebhookEvent(input: unknown, options?: ValidateOptions): input is WebhookEvent {
  return validateWebhookEvent(input, options).valid;
}

/**
 * Throws a {@link WebhookValidationError} carrying every issue unless `input` is a ChatSpark
 * webhook event; afterwards `input` is typed as one.
 *
 * @example
 * assertWebhookEvent(payload, { strict: true });
 */
export function assertWebhookEvent(input: unknown, options?: ValidateOptions): asserts input is WebhookEvent {
  const result = validateWebhookEvent(input, options);
  if (!result.valid) throw new WebhookValidationError(result.errors);
}
