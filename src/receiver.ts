/**
 * The typed receiver: raw request body in, validated event out, dispatched to per-event handlers
 * typed by event name. It owns the HTTP semantics of a delivery (method, media type, encoding,
 * size, decoding, validation, the unknown-event rule, the answer) in one pipeline, `handle`;
 * `nodeHandler()` (node:http, Express, Fastify), `fetchHandler()` (Web `Request` → `Response`:
 * Bun, Deno, Cloudflare Workers, Next.js, Hono) and the `listen` command are adapters over it.
 */
import type { WebhookEvent, WebhookEventMap, WebhookEventType } from '../generated/types.js';
import { WEBHOOK_EVENT_TYPES } from '../generated/validators.js';
import { bodyByteLength, describeKind, isRawBody, parsedBody, type RawBody } from './body.js';
import { isDateTime } from './formats.js';
import {
  BodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  contentEncodingOf,
  discardBody,
  isJsonContentType,
  readBody,
  readWebBody,
  writeAnswer,
  type RequestLike,
  type ResponseLike,
  type WebRequestLike,
} from './http.js';
import {
  WebhookHandlerError,
  aborted,
  answerOf,
  methodNotAllowed,
  payloadTooLarge,
  unsupportedContentEncoding,
  unsupportedContentType,
  type ReceiveOutcome,
  type UnknownWebhookEvent,
} from './outcome.js';
import { isWebhookEventType } from './type-guards.js';
import { parseWebhookEvent, validateWebhookEvent, type ValidateOptions, type ValidationResult } from './validate.js';

/** A handler for one event (or several), given the event typed by its name. */
export type WebhookHandler<K extends WebhookEventType> = (event: WebhookEventMap[K]) => unknown;

/** Where errors of handlers are logged when there is no `onError`: `console` by default. */
export interface WebhookLogger {
  error(...data: unknown[]): void;
}

/** Options of {@link createWebhookReceiver}. */
export interface WebhookReceiverOptions extends ValidateOptions {
  /** Largest body accepted, in bytes; larger ones are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * What to do with a well-formed envelope whose `event` is none of the nine. `'acknowledge'`
   * (the default, except in strict mode): answer 202 and call `onUnknownEvent`, so that ChatSpark
   * adding an event type does not break the receiver. `'reject'` (the default in strict mode, and
   * what `listen` does): answer 400.
   */
  unknownEvents?: 'acknowledge' | 'reject';
  /**
   * Called for an acknowledged unknown event: it is answered 202 unless this returns `false`
   * (answered 400).
   */
  onUnknownEvent?: (event: UnknownWebhookEvent) => boolean | void | Promise<boolean | void>;
  /** Called with the original error when a handler throws or rejects (the delivery is answered 500). */
  onError?: (error: unknown, event: WebhookEvent | UnknownWebhookEvent) => void;
  /** Where a failing handler is logged (event name, message, stack) when there is no `onError`. Default `console`. */
  logger?: WebhookLogger;
}

/** Where a delivery's body comes from: bytes already read, a value a framework parsed, or a stream. */
export type BodySource = { raw: RawBody } | { parsed: unknown } | { read: (limit: number) => Promise<Uint8Array> };

/**
 * One request as the pipeline sees it, whatever the runtime or framework handed over. Write one
 * to adapt another server; `nodeHandler()` and `fetchHandler()` are built on it.
 */
export interface WebhookRequest {
  /** The HTTP method, upper-case. */
  method: string;
  /** A request header by lower-case name (the first, when repeated). */
  header(name: string): string | undefined;
  body: BodySource;
}

/** The context a Web runtime passes beside the request (Cloudflare Workers, Vercel, Netlify). */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** Options of {@link WebhookReceiver.fetchHandler}. */
export interface FetchHandlerOptions {
  /**
   * Acknowledge a valid delivery as soon as it is validated and run its handlers in the platform's
   * `waitUntil` (found among the handler's arguments after the request: a Workers `ctx`, the
   * third argument of `fetch(request, env, ctx)`, for example),
   * so a slow handler does not hold the sender. The trade-off: a handler that then fails is logged
   * (or given to `onError`) but the sender has had its 200 and will not retry. Without a context
   * that has `waitUntil`, handlers run before the answer as usual. Default `false`.
   */
  waitUntil?: boolean;
}

type AnyHandler = (event: never) => unknown;

/** The argument a runtime passes beside the request that offers `waitUntil` (a Workers `ctx`). */
function hasWaitUntil(value: unknown): value is WaitUntilContext {
  return typeof (value as Partial<WaitUntilContext> | null)?.waitUntil === 'function';
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
  if (req.body === undefined || !consumed) {
    return { read: (limit) => readBody(req, limit, req.headers['content-length']) };
  }
  // An empty body that a parser turned into `{}` is still an empty body.
  if (nodeHeader(req, 'content-length') === '0') return { raw: '' };
  return { parsed: req.body };
}

/** The pipeline's view of a Node.js request (node:http, Express, Fastify's `request.raw`). */
export function fromNodeRequest(req: RequestLike): WebhookRequest {
  return {
    method: (req.method ?? 'POST').toUpperCase(),
    header: (name) => nodeHeader(req, name),
    body: nodeBodySource(req),
  };
}

/** The pipeline's view of a Web `Request`. */
export function fromWebRequest(request: WebRequestLike): WebhookRequest {
  return {
    method: request.method.toUpperCase(),
    header: (name) => request.headers.get(name) ?? undefined,
    body: { read: (limit) => readWebBody(request.body, limit) },
  };
}

/** A Web `Response` where the platform has one; typed without requiring the DOM library. */
export type WebResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : unknown;

function webResponse(outcome: ReceiveOutcome): WebResponse {
  const { status, headers, text } = answerOf(outcome);
  const ResponseClass = (globalThis as unknown as { Response: new (body: string, init: object) => WebResponse })
    .Response;
  return new ResponseClass(text, { status, headers });
}

/** Receives ChatSpark webhooks: validates each delivery and calls the handlers for its event. */
export class WebhookReceiver {
  readonly #handlers = new Map<string, AnyHandler[]>();
  readonly #anyHandlers: ((event: WebhookEvent) => unknown)[] = [];
  readonly #options: WebhookReceiverOptions;
  readonly #limit: number;
  readonly #acknowledgeUnknown: boolean;

  constructor(options: WebhookReceiverOptions = {}) {
    this.#options = options;
    this.#limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#acknowledgeUnknown = (options.unknownEvents ?? (options.strict ? 'reject' : 'acknowledge')) === 'acknowledge';
  }

  /**
   * Registers a handler for one event, or for several (`on(['lead.captured', 'message.sent'], …)`);
   * its argument is typed by the event name(s). Handlers run in the order registered and are
   * awaited; the delivery is answered after them.
   *
   * @example
   * receiver.on('lead.captured', (event) => console.log(event.data.leadId));
   */
  on<K extends WebhookEventType>(event: K | readonly K[], handler: WebhookHandler<K>): this {
    const names: readonly string[] = typeof event === 'string' ? [event] : event;
    for (const name of names) {
      if (!isWebhookEventType(name)) {
        throw new TypeError(`Unknown event "${String(name)}"; expected one of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`);
      }
    }
    for (const name of names) {
      const list = this.#handlers.get(name) ?? [];
      list.push(handler);
      this.#handlers.set(name, list);
    }
    return this;
  }

  /**
   * Registers a handler for every known event, run after the event's own handlers. Unknown events
   * never reach it: they go to `onUnknownEvent`.
   */
  onAny(handler: (event: WebhookEvent) => unknown): this {
    this.#anyHandlers.push(handler);
    return this;
  }

  /**
   * Validates one delivery from its raw body and dispatches it. `body` is the body as received: a
   * string or bytes (Buffer, Uint8Array, ArrayBuffer, any ArrayBuffer view). Anything else is a
   * programming error: the promise rejects with a `TypeError` naming what came (a value a
   * framework already parsed goes to {@link receiveParsed}; a `Request` to {@link fetchHandler}).
   * Otherwise never rejects: a throwing handler gives a `handler-error` outcome (status 500).
   */
  async receive(body: RawBody): Promise<ReceiveOutcome> {
    if (!isRawBody(body)) {
      throw new TypeError(
        `receive() takes the raw body (a string, a Uint8Array, an ArrayBuffer or an ArrayBuffer view), got ${describeKind(body)}. ` +
          'For a value a framework already parsed call receiveParsed(value); for a Request use fetchHandler() or `await request.arrayBuffer()`.',
      );
    }
    return this.#fromBytes(body, undefined);
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
   * The pipeline every adapter runs: method (405), media type (415), content coding (415),
   * announced size (413), then the body's bytes (413 past the limit; `aborted` when the client
   * goes away), decoding, validation, the unknown-event rule and the handlers. Never rejects.
   */
  handle(request: WebhookRequest): Promise<ReceiveOutcome> {
    return this.#handle(request, undefined);
  }

  async #handle(request: WebhookRequest, defer: WaitUntilContext | undefined): Promise<ReceiveOutcome> {
    const refused = this.#refused(request);
    if (refused) return refused;
    const { body } = request;
    if ('parsed' in body) return this.#dispatch(validateWebhookEvent(body.parsed, this.#options), body.parsed, defer);
    if ('raw' in body) return this.#fromBytes(body.raw, defer);
    let bytes: Uint8Array;
    try {
      bytes = await body.read(this.#limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return payloadTooLarge(this.#limit);
      // Aborted, reset, timed out, chunked body cut short: nobody is left to answer.
      return aborted(error);
    }
    return this.#fromBytes(bytes, defer);
  }

  /** A raw body within the limit (a string counted in UTF-8 bytes), decoded, validated and dispatched. */
  #fromBytes(body: RawBody, defer: WaitUntilContext | undefined): Promise<ReceiveOutcome> {
    if (bodyByteLength(body) > this.#limit) return Promise.resolve(payloadTooLarge(this.#limit));
    return this.#dispatch(parseWebhookEvent(body, this.#options), body, defer);
  }

  /**
   * A request handler for `http.createServer`, Express (`app.post(path, receiver.nodeHandler())`,
   * with or without `express.raw({ type: '*\/*' })` or an app-wide `express.json()`) or Fastify
   * (with a buffer content-type parser, passing `request.raw` with `body`). Never rejects: a
   * client that goes away mid-body gives an `aborted` outcome and no answer.
   */
  nodeHandler(): (req: RequestLike, res: ResponseLike) => Promise<ReceiveOutcome> {
    return async (req, res) => {
      const request = fromNodeRequest(req);
      const outcome = await this.handle(request);
      if (outcome.kind === 'aborted') return outcome;
      try {
        writeAnswer(res, answerOf(outcome));
      } catch {
        // The client went away; there is no one to answer.
      }
      // Read and drop what the client still sends (bounded), so it reads the answer instead of a reset.
      if ('read' in request.body) discardBody(req, this.#limit);
      return outcome;
    };
  }

  /**
   * A Web handler, `(request) => Promise<Response>`, for Bun.serve, Deno.serve, Cloudflare
   * Workers, Next.js route handlers, Hono and any runtime with the Fetch API. The same checks and
   * the same answers as {@link nodeHandler}; the body is read from its stream and cancelled as
   * soon as it passes `maxBodyBytes`.
   *
   * @example
   * export default { fetch: receiver.fetchHandler() }; // a Cloudflare Worker
   */
  fetchHandler(
    options: FetchHandlerOptions = {},
  ): (request: WebRequestLike, ...context: unknown[]) => Promise<WebResponse> {
    // Runtimes pass other things beside the request (Deno's info, Bun's server, a Worker's env):
    // any of them is accepted, and the one with `waitUntil` is the context.
    return async (request, ...context) => {
      const defer = options.waitUntil === true ? context.find(hasWaitUntil) : undefined;
      return webResponse(await this.#handle(fromWebRequest(request), defer));
    };
  }

  /** The checks made on the request line and headers alone, before any body byte is read. */
  #refused(request: WebhookRequest): ReceiveOutcome | undefined {
    if (request.method !== 'POST') return methodNotAllowed(request.method);
    const contentType = request.header('content-type');
    if (!isJsonContentType(contentType)) return unsupportedContentType(String(contentType));
    const encoding = contentEncodingOf(request.header('content-encoding'));
    if (encoding !== undefined) return unsupportedContentEncoding(encoding);
    const declared = Number(request.header('content-length'));
    if (Number.isFinite(declared) && declared > this.#limit) return payloadTooLarge(this.#limit);
    return undefined;
  }

  async #dispatch(result: ValidationResult, body: unknown, defer?: WaitUntilContext): Promise<ReceiveOutcome> {
    if (!result.valid) return this.#rejected(result, body);
    const { event } = result;
    if (defer !== undefined) {
      // Acknowledged now; a failure later is logged or given to onError, never unhandled.
      defer.waitUntil(this.#dispatch(result, body));
      return { kind: 'deferred', status: 200, event, body: { ok: true, event: event.event } };
    }
    const handlers = [
      ...((this.#handlers.get(event.event) ?? []) as ((e: WebhookEvent) => unknown)[]),
      ...this.#anyHandlers,
    ];
    try {
      for (const handler of handlers) await handler(event);
    } catch (error) {
      return this.#failed(error, event);
    }
    const kind = handlers.length > 0 ? 'handled' : 'unhandled';
    return { kind, status: 200, event, body: { ok: true, event: event.event } };
  }

  async #rejected(result: Extract<ValidationResult, { valid: false }>, body: unknown): Promise<ReceiveOutcome> {
    const invalid = {
      kind: 'invalid',
      status: 400,
      errors: result.errors,
      body: { ok: false, error: 'invalid_webhook_event', errors: result.errors },
    } as const;
    if (!this.#acknowledgeUnknown) return invalid;
    const [only] = result.errors;
    if (result.errors.length !== 1 || only!.path !== '/event' || only!.keyword !== 'enum') return invalid;
    const unknown = asUnknownEvent(isRawBody(body) ? parsedBody(body) : body);
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

  /** A handler failed: never silent. `onError` gets the original error; without it, the logger does. */
  #failed(error: unknown, event: WebhookEvent | UnknownWebhookEvent): ReceiveOutcome {
    const failure = new WebhookHandlerError(event.event, error);
    try {
      if (this.#options.onError) this.#options.onError(error, event);
      else (this.#options.logger ?? console).error(`@chatspark/webhooks: ${failure.message}; answered 500.`, error);
    } catch {
      // A failing error hook or logger must not turn a 500 into a crash.
    }
    return { kind: 'handler-error', status: 500, event, error: failure, body: { ok: false, error: 'handler_failed' } };
  }
}

/** The envelope when it is well formed (string event, RFC 3339 timestamp, object data). */
function asUnknownEvent(value: unknown): UnknownWebhookEvent | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { event, timestamp, data } = value as Record<string, unknown>;
  if (typeof event !== 'string' || event.length === 0 || typeof timestamp !== 'string' || !isDateTime(timestamp)) {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return value as UnknownWebhookEvent;
}

/**
 * Creates a typed receiver. Register handlers with `on`, then use `nodeHandler()`,
 * `fetchHandler()` or `receive(body)`.
 *
 * @example
 * const receiver = createWebhookReceiver()
 *   .on('lead.captured', (event) => console.log(event.data.leadId))
 *   .on('message.sent', (event) => console.log(event.data.role));
 * http.createServer(receiver.nodeHandler()).listen(3000);
 */
export function createWebhookReceiver(options?: WebhookReceiverOptions): WebhookReceiver {
  return new WebhookReceiver(options);
}
