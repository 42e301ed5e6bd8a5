/**
 * The typed receiver: raw request body in, validated event out, dispatched to per-event handlers
 * typed by event name; plus a ready request handler for Node's `http` server, Express or Fastify.
 */
import type { WebhookEvent, WebhookEventMap, WebhookEventType } from '../generated/types.js';
import { WEBHOOK_EVENT_TYPES } from '../generated/validators.js';
import { isDateTime } from './formats.js';
import { bodyByteLength, decodeBody, describeKind, isRawBody, type RawBody } from './body.js';
import {
  BodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  contentEncodingOf,
  discardBody,
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

/** The answer body of a refused request: the error code, and what to fix. */
export interface RefusedBody {
  ok: false;
  error: 'method_not_allowed' | 'unsupported_media_type' | 'payload_too_large';
  message: string;
}

/** What became of one delivery, and the HTTP answer it deserves. */
export type ReceiveOutcome =
  | { kind: 'handled' | 'unhandled'; status: 200; event: WebhookEvent; body: { ok: true; event: string } }
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
  /** The client went away before its body arrived: nothing is answered (499 is nginx's "client closed request"). */
  | { kind: 'aborted'; status: 499; error: unknown; body: { ok: false; error: 'client_aborted' } };

type AnyHandler = (event: never) => unknown;

/** Where a delivery's body comes from: bytes already read, a value a framework parsed, or the stream. */
type BodySource = { raw: RawBody } | { parsed: unknown } | { stream: AsyncIterable<Uint8Array | string> };

/** What the pipeline needs of one request, whatever the runtime or framework handed over. */
interface IncomingRequest {
  method: string;
  header(name: string): string | undefined;
  body: BodySource;
}

/** A header of a Node.js request, the first when repeated. */
function nodeHeader(req: RequestLike, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Where the body of a Node.js request is, whatever sat in front of the handler. A raw body kept by
 * a middleware wins (`req.rawBody`, then a Buffer or string `req.body`); a stream no parser
 * consumed is read, even when a parser left a placeholder (Express 4 sets `req.body = {}` when it
 * skips a request); only a body a parser really consumed is taken as a parsed value.
 */
function nodeBodySource(req: RequestLike): BodySource {
  if (isRawBody(req.rawBody)) return { raw: req.rawBody };
  if (isRawBody(req.body)) return { raw: req.body };
  // A parser that skipped the request left the stream unread; `_body` is Express 4's mark of a parsed body.
  const consumed = req._body === true || req.readableEnded === true || req.complete === true;
  if (req.body === undefined || !consumed) return { stream: req };
  // An empty body that a parser turned into `{}` is still an empty body.
  if (nodeHeader(req, 'content-length') === '0') return { raw: '' };
  return { parsed: req.body };
}

/** Receives ChatSpark webhooks: validates each delivery and calls the handlers for its event. */
export class WebhookReceiver {
  readonly #handlers = new Map<string, AnyHandler[]>();
  readonly #options: WebhookReceiverOptions;
  readonly #limit: number;

  constructor(options: WebhookReceiverOptions = {}) {
    this.#options = options;
    this.#limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /**
   * Registers a handler for one event; its argument is typed by the event name. Handlers of an
   * event run in the order registered and are awaited; the delivery is answered after them.
   *
   * @example
   * receiver.on('lead.captured', (event) => console.log(event.data.leadId));
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
   * Validates one delivery from its raw body and dispatches it. `body` is the body as received: a
   * string or bytes (Buffer, Uint8Array, ArrayBuffer, any ArrayBuffer view). Anything else is a
   * programming error: the promise rejects with a `TypeError` naming what came (a value a
   * framework already parsed goes to {@link receiveParsed}). Otherwise never rejects: a throwing
   * handler gives a `handler-error` outcome (status 500).
   */
  async receive(body: RawBody): Promise<ReceiveOutcome> {
    if (!isRawBody(body)) {
      throw new TypeError(
        `receive() takes the raw body (a string, a Uint8Array, an ArrayBuffer or an ArrayBuffer view), got ${describeKind(body)}. ` +
          'For a value a framework already parsed call receiveParsed(value); for a Request call fetch handling with `await request.arrayBuffer()`.',
      );
    }
    if (bodyByteLength(body) > this.#limit) return this.#tooLarge();
    return this.#dispatch(parseWebhookEvent(body, this.#options), body);
  }

  /**
   * Validates a delivery that a framework already parsed (for example `req.body` after
   * `express.json()`) and dispatches it. Prefer {@link receive} with the raw body: a parsed value
   * has lost its bytes (so its size and encoding cannot be checked here).
   */
  async receiveParsed(value: unknown): Promise<ReceiveOutcome> {
    return this.#dispatch(validateWebhookEvent(value, this.#options), value);
  }

  /**
   * A request handler for `http.createServer`, Express (`app.post(path, receiver.nodeHandler())`,
   * with or without `express.raw({ type: '*\/*' })` or an app-wide `express.json()`) or Fastify
   * (with a buffer content-type parser, passing `request.raw` with `body`). Answers POST only
   * (405 otherwise), JSON only (415 when a Content-Type names something else, or the body is
   * compressed), bodies up to `maxBodyBytes` (413). Never rejects: a client that goes away
   * mid-body gives an `aborted` outcome and no answer.
   */
  nodeHandler(): (req: RequestLike, res: ResponseLike) => Promise<ReceiveOutcome> {
    return async (req, res) => {
      const request: IncomingRequest = {
        method: (req.method ?? 'POST').toUpperCase(),
        header: (name) => nodeHeader(req, name),
        body: nodeBodySource(req),
      };
      const outcome = await this.#handle(request);
      if (outcome.kind === 'aborted') return outcome;
      try {
        sendJson(res, outcome.status, outcome.body, outcome.status === 405 ? { allow: 'POST' } : {});
      } catch {
        // The client went away; there is no one to answer.
      }
      // Read and drop what the client still sends (bounded), so it can read the answer instead of a reset.
      if (outcome.kind !== 'handled' && outcome.kind !== 'unhandled' && 'stream' in request.body) {
        discardBody(req, this.#limit);
      }
      return outcome;
    };
  }

  /** The pipeline: method, media type, encoding, size, then the body's bytes, validation and handlers. */
  async #handle(request: IncomingRequest): Promise<ReceiveOutcome> {
    const refused = this.#refused(request);
    if (refused) return refused;
    const { body } = request;
    if ('parsed' in body) return this.receiveParsed(body.parsed);
    if ('raw' in body) return this.receive(body.raw);
    let bytes: Uint8Array;
    try {
      bytes = await readBody(body.stream, this.#limit, request.header('content-length'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return this.#tooLarge();
      // Aborted, reset, timed out, chunked body cut short: nobody is left to answer.
      return { kind: 'aborted', status: 499, error, body: { ok: false, error: 'client_aborted' } };
    }
    return this.receive(bytes);
  }

  /** The checks made on the request line and headers alone, before any body byte is read. */
  #refused(request: IncomingRequest): ReceiveOutcome | undefined {
    if (request.method !== 'POST') {
      const message = `Webhook deliveries are POST requests; this was a ${request.method} request.`;
      return { kind: 'method-not-allowed', status: 405, body: { ok: false, error: 'method_not_allowed', message } };
    }
    const contentType = request.header('content-type');
    if (!isJsonContentType(contentType)) {
      const message = `Expected a JSON body (Content-Type: application/json), received Content-Type ${JSON.stringify(String(contentType).slice(0, 100))}.`;
      return {
        kind: 'unsupported-media-type',
        status: 415,
        body: { ok: false, error: 'unsupported_media_type', message, contentType: String(contentType).slice(0, 100) },
      };
    }
    const encoding = contentEncodingOf(request.header('content-encoding'));
    if (encoding !== undefined) {
      const message = `Expected an uncompressed body, received Content-Encoding ${JSON.stringify(encoding.slice(0, 100))}; webhook bodies are not decompressed.`;
      return {
        kind: 'unsupported-media-type',
        status: 415,
        body: { ok: false, error: 'unsupported_media_type', message, contentEncoding: encoding.slice(0, 100) },
      };
    }
    const declared = Number(request.header('content-length'));
    if (Number.isFinite(declared) && declared > this.#limit) return this.#tooLarge();
    return undefined;
  }

  #tooLarge(): ReceiveOutcome {
    const limit = this.#limit;
    const message = `Expected a body of at most ${limit} bytes, received a larger one.`;
    return { kind: 'payload-too-large', status: 413, body: { ok: false, error: 'payload_too_large', message, limit } };
  }

  async #dispatch(result: ValidationResult, body: unknown): Promise<ReceiveOutcome> {
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
    const unknown = asUnknownEvent(isRawBody(body) ? parsedAgain(body) : body);
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

function parsedAgain(body: RawBody): unknown {
  const decoded = decodeBody(body);
  if (!decoded.ok) return undefined;
  try {
    return JSON.parse(decoded.text);
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
