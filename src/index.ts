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
  fromNodeRequest,
  fromWebRequest,
  type BodySource,
  type CustomVerifier,
  type DedupeOptions,
  type FetchHandlerOptions,
  type RequestHeaders,
  type VerifyProfile,
  type WaitUntilContext,
  type WebResponse,
  type WebhookHandler,
  type WebhookLogger,
  type WebhookReceiverOptions,
  type WebhookRequest,
} from './receiver.js';
export {
  WebhookHandlerError,
  type ReceiveOutcome,
  type ReceiverErrorCode,
  type RefusedBody,
  type UnauthorizedReason,
  type UnknownWebhookEvent,
} from './outcome.js';
export { MemoryDedupeStore, type DedupeStore } from './dedupe.js';
export type { RequestLike, ResponseLike, WebRequestLike } from './http.js';
export { isRawBody, type RawBody } from './body.js';
export { isWebhookEventType } from './type-guards.js';
export {
  signWebhook,
  verifyWebhook,
  type HeadersInput,
  type SignWebhookOptions,
  type VerifyFailureReason,
  type VerifyResult,
  type VerifyWebhookOptions,
  type WebhookHeaders,
} from './signature.js';
export {
  REDACTED,
  redactWebhookEvent,
  type HashRedactOptions,
  type HmacCryptoKey,
  type RedactOptions,
} from './redact.js';
