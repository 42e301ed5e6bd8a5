/**
 * The typed receiver: raw request body in, validated event out, dispatched to per-event handlers
 * typed by event name; plus a ready request handler for Node's `http` server, Express or Fastify.
 */
import type { WebhookEvent, WebhookEventMap, WebhookEventType } from '../generated/types.js';
import { WEBHOOK_EVENT_TYPES } from '../generated/validators.js';
import { isDateTime } from './formats.js';
import {
  BodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  isJsonContentType,
  readBody,
  sendJson,
  type RequestLike,
  type ResponseLike,
} from './http.js';
import type { ValidationIssue } from './issues.js';
import { parseWebhookEvent, validateWebhookEvent, type ValidateOptions, type ValidationResult } from './validate.js';

/** A handler for one event, given the event typed by its name. */
export type WebhookHandler<K extends WebhookEventType> = (event: WebhookEventMap[K]) => unknown;

/** A well-formed envelope whose `event` is none of the nine known events. */
export interface UnknownWebhookEvent {
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Options of {@link createWebhookReceiver}. */
export interface WebhookReceiverOptions extends ValidateOptions {
  /** Largest body accepted, in bytes; larger ones are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Called for a well-formed envelope whose `event` is not one of the nine (default mode only),
   * so that ChatSpark adding an event type does not break the receiver: it is answered 202
   * unless this returns `false` (answered 400). Not called in strict mode, which rejects it.
   */
  onUnknownEvent?: (event: UnknownWebhookEvent) => boolean | void | Promise<boolean | void>;
  /** Called when a handler throws or rejects (the delivery is answered 500). */
  onError?: (error: unknown, event: WebhookEvent | UnknownWebhookEvent) => void;
}

/** What became of one delivery, and the HTTP answer it deserves. */
export type ReceiveOutcome =
  | { kind: 'handled' | 'unhandled'; status: 200; event: WebhookEvent; body: { ok: true; event: string } }
  | { kind: 'unknown-event'; status: 202; event: UnknownWebhookEvent; body: { ok: true; event: string; unknown: true } }
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
      error: unknown;
      body: { ok: false; error: 'handler_failed' };
    }
  | { kind: 'too-large'; status: 413; body: { ok: false; error: 'payload_too_large'; limit: number } }
  | { kind: 'unsupported-media-type'; status: 415; body: { ok: false; error: 'unsupported_media_type' } }
  | { kind: 'method-not-allowed'; status: 405; body: { ok: false; error: 'method_not_allowed' } };

type AnyHandler = (event: never) => unknown;

/** Receives ChatSpark webhooks: validates each delivery and calls the handlers for its event. */
export class WebhookReceiver {
  readonly #handlers = new Map<string, AnyHandler[]>();
  readonly #options: WebhookReceiverOptions;

  constructor(options: WebhookReceiverOptions = {}) {
    this.#options = options;
  }

  /**
   * Registers a handler for one event; its argument is typed by the event name. Handlers of an
   * event run in the order registered and are awaited; the delivery is answered after them.
   *
   * @example
   * receiver.on('lead.captured', (event) => crm.add(event.data.email));
   */
  on<K extends WebhookEventType>(event: K, handler: WebhookHandler<K>): this {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(event)) {
      throw new TypeError(`Unknown event "${String(event)}"; expected one of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`);
    }
    const list = this.#handlers.get(event) ?? [];
    list.push(handler as AnyHandler);
    this.#handlers.set(event, list);
    return this;
  }

  /**
   * Validates one delivery and dispatches it. `body` is the raw body (string or bytes) or, when
   * a framework already parsed it, the parsed value. Never throws: a throwing handler gives a
   * `handler-error` outcome (status 500).
   */
  async receive(body: string | Uint8Array | unknown): Promise<ReceiveOutcome> {
    const result =
      typeof body === 'string' || body instanceof Uint8Array
        ? parseWebhookEvent(body, this.#options)
        : validateWebhookEvent(body, this.#options);
    if (!result.valid) return this.#rejected(result, body);
    const { event } = result;
    const handlers = this.#handlers.get(event.event) ?? [];
    try {
      for (const handler of handlers) await (handler as (event: WebhookEvent) => unknown)(event);
    } catch (error) {
      return this.#failed(error, event);
    }
    return {
      kind: handlers.length > 0 ? 'handled' : 'unhandled',
      status: 200,
      event,
      body: { ok: true, event: event.event },
    };
  }

  /**
   * A request handler for `http.createServer`, Express (`app.post(path, receiver.nodeHandler())`,
   * with or without `express.raw({ type: '*\/*' })`) or Fastify (with a buffer content-type parser,
   * passing `request.raw`-like objects with `body`). Answers POST only (405 otherwise), JSON only
   * (415 when a Content-Type names something else), bodies up to `maxBodyBytes` (413).
   */
  nodeHandler(): (req: RequestLike, res: ResponseLike) => Promise<ReceiveOutcome> {
    return async (req, res) => {
      const outcome = await this.#handle(req);
      const headers: Record<string, string> = {};
      if (outcome.status === 405) headers.allow = 'POST';
      if (outcome.status === 413) headers.connection = 'close';
      try {
        sendJson(res, outcome.status, outcome.body, headers);
      } catch {
        // The client went away; there is no one to answer.
      }
      return outcome;
    };
  }

  async #handle(req: RequestLike): Promise<ReceiveOutcome> {
    if ((req.method ?? 'POST').toUpperCase() !== 'POST') {
      return { kind: 'method-not-allowed', status: 405, body: { ok: false, error: 'method_not_allowed' } };
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      return { kind: 'unsupported-media-type', status: 415, body: { ok: false, error: 'unsupported_media_type' } };
    }
    const limit = this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    let body: unknown = req.body;
    if (body === undefined) {
      try {
        body = await readBody(req, limit, req.headers['content-length']);
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return { kind: 'too-large', status: 413, body: { ok: false, error: 'payload_too_large', limit } };
        throw error;
      }
    } else if (
      (typeof body === 'string' && body.length > limit) ||
      (body instanceof Uint8Array && body.byteLength > limit)
    ) {
      return { kind: 'too-large', status: 413, body: { ok: false, error: 'payload_too_large', limit } };
    }
    return this.receive(body);
  }

  async #rejected(result: Extract<ValidationResult, { valid: false }>, body: unknown): Promise<ReceiveOutcome> {
    const invalid = {
      kind: 'invalid',
      status: 400,
      errors: result.errors,
      body: { ok: false, error: 'invalid_webhook_event', errors: result.errors },
    } as const;
    if (this.#options.strict === true) return invalid;
    const [only] = result.errors;
    if (result.errors.length !== 1 || only!.path !== '/event' || only!.keyword !== 'enum') return invalid;
    const unknown = asUnknownEvent(typeof body === 'string' || body instanceof Uint8Array ? parsedAgain(body) : body);
    if (unknown === undefined) return invalid;
    try {
      if ((await this.#options.onUnknownEvent?.(unknown)) === false) return invalid;
    } catch (error) {
      return this.#failed(error, unknown);
    }
    return {
      kind: 'unknown-event',
      status: 202,
      event: unknown,
      body: { ok: true, event: unknown.event, unknown: true },
    };
  }

  #failed(error: unknown, event: WebhookEvent | UnknownWebhookEvent): ReceiveOutcome {
    try {
      this.#options.onError?.(error, event);
    } catch {
      // A failing error hook must not turn a 500 into a crash.
    }
    return { kind: 'handler-error', status: 500, event, error, body: { ok: false, error: 'handler_failed' } };
  }
}

const decoder = new TextDecoder('utf-8');

function parsedAgain(body: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body.replace(/^\uFEFF/, '') : decoder.decode(body));
  } catch {
    return undefined;
  }
}

/** The envelope when it is well formed (string event, RFC 3339 timestamp, object data). */
function asUnknownEvent(value: unknown): UnknownWebhookEvent | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { event, timestamp, data } = value as Record<string, unknown>;
  if (typeof event !== 'string' || event.length === 0 || typeof timestamp !== 'string' || !isDateTime(timestamp))
    return undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return value as UnknownWebhookEvent;
}

/**
 * Creates a typed receiver. Register handlers with `on`, then use `receive(body)` or
 * `nodeHandler()`.
 *
 * @example
 * const receiver = createWebhookReceiver()
 *   .on('lead.captured', (event) => console.log(event.data.email))
 *   .on('message.sent', (event) => console.log(event.data.role, event.data.content));
 * http.createServer(receiver.nodeHandler()).listen(3000);
 */
export function createWebhookReceiver(options?: WebhookReceiverOptions): WebhookReceiver {
  return new WebhookReceiver(options);
}
