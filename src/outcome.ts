/**
 * What became of one delivery, and the HTTP answer it deserves: the receiver's pipeline returns
 * one of these, and every adapter (Node.js, Web `fetch`, `listen`) answers from it alone.
 */
import type { WebhookEvent } from '../generated/types.js';
import { messageOf } from './errors.js';
import type { ValidationIssue } from './issues.js';
import type { VerifyFailureReason } from './signature.js';

/** A well-formed envelope whose `event` is none of the nine known events. */
export interface UnknownWebhookEvent {
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The answer body of a refused request: the error code, and what to fix. */
export interface RefusedBody {
  ok: false;
  error: 'method_not_allowed' | 'unsupported_media_type' | 'payload_too_large';
  message: string;
}

/** Why a delivery was answered 401: a reason of {@link VerifyResult}, or `rejected` by a custom verify function. */
export type UnauthorizedReason = VerifyFailureReason | 'rejected';

/** The error code of a `receiver-error` outcome. */
export type ReceiverErrorCode = 'raw_body_required' | 'verification_failed' | 'dedupe_failed';

/** What became of one delivery, and the HTTP answer it deserves. */
export type ReceiveOutcome =
  | { kind: 'handled' | 'unhandled'; status: 200; event: WebhookEvent; body: { ok: true; event: string } }
  /** Valid, and its handlers handed to the platform's `waitUntil` (opt-in): acknowledged before they ran. */
  | { kind: 'deferred'; status: 200; event: WebhookEvent; body: { ok: true; event: string } }
  | {
      kind: 'unknown-event';
      status: 202;
      event: UnknownWebhookEvent;
      body: { ok: true; event: string; unknown: true };
    }
  | {
      kind: 'invalid';
      status: 400;
      errors: ValidationIssue[];
      body: { ok: false; error: 'invalid_webhook_event'; errors: ValidationIssue[] };
    }
  | {
      kind: 'handler-error';
      status: 500;
      event: WebhookEvent | UnknownWebhookEvent;
      /** A {@link WebhookHandlerError} naming the event, with the handler's error as its `cause`. */
      error: unknown;
      body: { ok: false; error: 'handler_failed' };
    }
  | { kind: 'method-not-allowed'; status: 405; body: RefusedBody & { error: 'method_not_allowed' } }
  | {
      kind: 'unsupported-media-type';
      status: 415;
      body: RefusedBody & { error: 'unsupported_media_type'; contentType?: string; contentEncoding?: string };
    }
  | { kind: 'payload-too-large'; status: 413; body: RefusedBody & { error: 'payload_too_large'; limit: number } }
  /** The signature check failed (the opt-in `verify` option): the reason says why; no handler ran. */
  | {
      kind: 'unauthorized';
      status: 401;
      reason: UnauthorizedReason;
      body: { ok: false; error: 'unauthorized'; reason: UnauthorizedReason; message: string };
    }
  /** Already handled (the `dedupe` option): acknowledged, and no handler ran again. */
  | { kind: 'duplicate'; status: 200; event: WebhookEvent; body: { ok: true; event: string; duplicate: true } }
  /** Another instance is handling the same delivery (a shared dedupe store): retry after `retryAfter` seconds. */
  | {
      kind: 'in-progress';
      status: 409;
      retryAfter: number;
      body: { ok: false; error: 'in_progress'; message: string; retryAfter: number };
    }
  /**
   * The receiver could not do its job: a parsed body with `verify` configured (the signature
   * covers bytes a parser threw away), a custom verifier that threw, a dedupe store that failed.
   * `onError` gets the error; the sender should retry.
   */
  | {
      kind: 'receiver-error';
      status: 500;
      error: unknown;
      body: { ok: false; error: ReceiverErrorCode; message: string };
    }
  /** The client went away before its body arrived: nothing is answered (499 is nginx's "client closed request"). */
  | { kind: 'aborted'; status: 499; error: unknown; body: { ok: false; error: 'client_aborted' } };

/** The error of a `handler-error` outcome: names the event whose handler failed. */
export class WebhookHandlerError extends Error {
  /** The name of the event whose handler failed. */
  readonly event: string;

  constructor(event: string, cause: unknown) {
    super(`The handler for "${event}" failed: ${messageOf(cause)}`, { cause });
    this.name = 'WebhookHandlerError';
    this.event = event;
  }
}

/** An excerpt of a header value safe to echo: short, and on one line. */
function excerpt(value: string): string {
  return JSON.stringify(value.slice(0, 100));
}

export function methodNotAllowed(method: string): ReceiveOutcome {
  const article = /^[AEIOU]/.test(method) ? 'an' : 'a';
  const message = `Webhook deliveries are POST requests; this was ${article} ${method} request.`;
  return { kind: 'method-not-allowed', status: 405, body: { ok: false, error: 'method_not_allowed', message } };
}

export function unsupportedContentType(contentType: string): ReceiveOutcome {
  const message = `Expected a JSON body (Content-Type: application/json), received Content-Type ${excerpt(contentType)}.`;
  return {
    kind: 'unsupported-media-type',
    status: 415,
    body: { ok: false, error: 'unsupported_media_type', message, contentType: contentType.slice(0, 100) },
  };
}

export function unsupportedContentEncoding(encoding: string): ReceiveOutcome {
  const message = `Expected an uncompressed body, received Content-Encoding ${excerpt(encoding)}; webhook bodies are not decompressed.`;
  return {
    kind: 'unsupported-media-type',
    status: 415,
    body: { ok: false, error: 'unsupported_media_type', message, contentEncoding: encoding.slice(0, 100) },
  };
}

export function payloadTooLarge(limit: number): ReceiveOutcome {
  const message = `Expected a body of at most ${limit} bytes, received a larger one.`;
  return { kind: 'payload-too-large', status: 413, body: { ok: false, error: 'payload_too_large', message, limit } };
}

export function aborted(error: unknown): ReceiveOutcome {
  return { kind: 'aborted', status: 499, error, body: { ok: false, error: 'client_aborted' } };
}

export function unauthorized(reason: UnauthorizedReason, message: string): ReceiveOutcome {
  return { kind: 'unauthorized', status: 401, reason, body: { ok: false, error: 'unauthorized', reason, message } };
}

export function duplicate(event: WebhookEvent): ReceiveOutcome {
  return { kind: 'duplicate', status: 200, event, body: { ok: true, event: event.event, duplicate: true } };
}

export function inProgress(retryAfter: number): ReceiveOutcome {
  const message = `This delivery is being handled by another instance; retry after ${retryAfter} s.`;
  return {
    kind: 'in-progress',
    status: 409,
    retryAfter,
    body: { ok: false, error: 'in_progress', message, retryAfter },
  };
}

/** Fixed words: the error itself (a store's connection string, say) is for `onError`, not for the sender. */
const RECEIVER_ERRORS: Record<ReceiverErrorCode, string> = {
  raw_body_required:
    'This receiver verifies signatures, which cover the raw body, and was given an already parsed body: pass the raw body.',
  verification_failed: 'The signature check could not run; retry later.',
  dedupe_failed: 'Deduplication could not run (its store failed); retry later.',
};

export function receiverError(code: ReceiverErrorCode, error: unknown): ReceiveOutcome {
  const body = { ok: false, error: code, message: RECEIVER_ERRORS[code] } as const;
  return { kind: 'receiver-error', status: 500, error, body };
}

/** The HTTP answer of an outcome, the same bytes whichever adapter sends it. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export function answerOf(outcome: ReceiveOutcome): Answer {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (outcome.status === 405) headers.allow = 'POST';
  if (outcome.kind === 'in-progress') headers['retry-after'] = String(outcome.retryAfter);
  return { status: outcome.status, headers, text: JSON.stringify(outcome.body) };
}
