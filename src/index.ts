/**
 * @chatspark/webhooks: the ChatSpark webhooks contract, as types, validators and a typed receiver.
 */
export type * from '../generated/types.js';
export { WEBHOOK_EVENT_TYPES } from '../generated/validators.js';
export { WebhookValidationError } from './errors.js';
export type { ValidationIssue } from './issues.js';
export {
  MAX_ISSUES,
  assertWebhookEvent,
  isWebhookEvent,
  parseWebhookEvent,
  validateWebhookEvent,
  type ValidateOptions,
  type ValidationResult,
} from './validate.js';
export {
  WebhookReceiver,
  createWebhookReceiver,
  type ReceiveOutcome,
  type UnknownWebhookEvent,
  type WebhookHandler,
  type WebhookReceiverOptions,
} from './receiver.js';
export type { RequestLike, ResponseLike } from './http.js';
export type { RawBody } from './body.js';
