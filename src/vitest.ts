/**
 * Vitest matchers for code that sends or receives ChatSpark webhooks.
 *
 * Importing this module (for example from a `setupFiles` entry) adds them to `expect`:
 *
 * @example
 * import '@chatspark/webhooks/vitest';
 * expect(payload).toBeWebhookEvent('lead.captured');
 * expect(payload).toBeWebhookEvent('lead.captured', { strict: true });
 * expect({ body }).toEqual({ body: expect.toBeWebhookEvent('message.sent') });
 */
import { expect } from 'vitest';
import type { WebhookEventType } from '../generated/types.js';
// The build bundles the two entry points together (scripts/bundle-entry.mjs): the code they share
// ships once, in a chunk both load, and the validators stay the one module `#validators`.
import { WEBHOOK_EVENT_TYPES } from '../generated/validators.js';
import { isRawBody } from './body.js';
import { formatIssue } from './errors.js';
import { isWebhookEventType } from './type-guards.js';
import { parseWebhookEvent, validateWebhookEvent, type ValidateOptions, type ValidationResult } from './validate.js';

interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

function validate(received: unknown, options?: ValidateOptions): ValidationResult {
  return isRawBody(received) ? parseWebhookEvent(received, options) : validateWebhookEvent(received, options);
}

/**
 * Passes when `received` (a parsed value, a JSON string or bytes) is a valid ChatSpark webhook
 * event, and, when `event` is given, that event. The failure message lists every issue.
 */
function toBeWebhookEvent(received: unknown, event?: WebhookEventType, options?: ValidateOptions): MatcherResult {
  if (event !== undefined && !isWebhookEventType(event)) {
    throw new TypeError(
      `toBeWebhookEvent: unknown event "${String(event)}"; expected one of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
    );
  }
  const what = `a valid ${event ?? 'ChatSpark webhook'} event${options?.strict ? ' (strict mode)' : ''}`;
  const result = validate(received, options);
  if (!result.valid) {
    const list = result.errors.map((e) => `  - ${formatIssue(e)}`).join('\n');
    return {
      pass: false,
      message: () =>
        `expected the payload to be ${what}, but it has ${result.errors.length} issue${result.errors.length === 1 ? '' : 's'}:\n${list}`,
    };
  }
  if (event !== undefined && result.event.event !== event) {
    return {
      pass: false,
      message: () => `expected the payload to be ${what}, but it is a valid ${result.event.event} event`,
      actual: result.event.event,
      expected: event,
    };
  }
  return { pass: true, message: () => `expected the payload not to be ${what}, but it is` };
}

/** The matchers, for `expect.extend` in a setup of your own. */
export const webhookMatchers = { toBeWebhookEvent };

expect.extend(webhookMatchers);

interface WebhookMatchers<R = unknown> {
  /** Passes when the value is a valid ChatSpark webhook event (of `event`, when given). */
  toBeWebhookEvent(event?: WebhookEventType, options?: ValidateOptions): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any -- declaration merging: the interface only gains the matchers, and keeps vitest's own type parameter
  interface Assertion<T = any> extends WebhookMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: the interface only gains the matchers
  interface AsymmetricMatchersContaining extends WebhookMatchers {}
}
