/**
 * Personal data kept out of logs: a copy of an event with every field the contract marks `x-pii`
 * (generated/validators.js `PERSONAL_DATA`, built from schemas/) replaced.
 */
import { PERSONAL_DATA } from '../generated/validators.js';
import {
  REDACTED,
  isObject,
  personalValues,
  redactWith,
  type HashRedactOptions,
  type PersonalDataTable,
  type RedactOptions,
} from './redaction.js';
import { isWebhookEventType } from './type-guards.js';

export {
  REDACTED,
  type HashRedactOptions,
  type HmacCryptoKey,
  type RedactOptions,
  type RedactWebhookEvent,
} from './redaction.js';

/**
 * A copy of `event` safe to log: every field the contract marks as personal data (`x-pii`: the
 * lead's name, email, phone, company and message, a message's `content`, an AI action's `result`)
 * replaced by `"[redacted]"`, or by its last four characters (`{ keep: 'last4' }`), or by a keyed
 * hash (`{ hmacKey }`, asynchronous: Web Crypto). `null` stays `null`. An event this version does
 * not know keeps `event` and `timestamp` and loses its whole `data`; a value that is not an object
 * becomes `"[redacted]"`. Never changes `event`; never throws for a JSON value.
 *
 * @example
 * receiver.on('lead.captured', (event) => console.log('lead', redactWebhookEvent(event)));
 */
export function redactWebhookEvent(event: unknown, options?: RedactOptions): unknown;
export function redactWebhookEvent(event: unknown, options: HashRedactOptions): Promise<unknown>;
export function redactWebhookEvent(event: unknown, options?: RedactOptions | HashRedactOptions): unknown {
  return redactWith(ALL_EVENTS, event, options);
}

const ALL_EVENTS: PersonalDataTable = { fields: PERSONAL_DATA, known: isWebhookEventType };

/**
 * `text` (what another party wrote about an event, such as a receiver's answer) with every personal
 * value of `event` replaced by `"[redacted]"`, as it is and as JSON escapes it. The personal values
 * of an event this version does not know are all the strings of its `data`. Values under three
 * characters are left (replacing them would blank the text, not protect anyone).
 */
export function withoutPersonalText(text: string, event: unknown): string {
  const values =
    isObject(event) && isWebhookEventType(event.event)
      ? personalValues(ALL_EVENTS, event)
      : stringsIn(isObject(event) ? event.data : undefined);
  let scrubbed = text;
  for (const value of values) {
    if (typeof value !== 'string' || value.length < 3) continue;
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)]))
      scrubbed = scrubbed.split(form).join(REDACTED);
  }
  return scrubbed;
}

/** Every string in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringsIn);
}
