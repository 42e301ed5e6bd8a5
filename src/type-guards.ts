/** Type guards: the one home of each "is this a …?" rule. */
import type { WebhookEventType } from '../generated/types.js';
import { WEBHOOK_EVENT_TYPES } from '../generated/validators.js';

const EVENT_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/**
 * True when `name` is one of the nine event names; narrows it to `WebhookEventType`.
 *
 * @example
 * if (isWebhookEventType(payload.event)) counts[payload.event]++;
 */
export function isWebhookEventType(name: unknown): name is WebhookEventType {
  return typeof name === 'string' && EVENT_TYPES.has(name);
}
