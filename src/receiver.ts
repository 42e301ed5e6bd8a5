/**
 * The typed receiver: raw request body in, validated event out, dispatched to per-event handlers
 * typed by event name. It owns the HTTP semantics of a delivery (method, media type, encoding,
 * size, decoding, validation, the unknown-event rule, the answer) in one pipeline, `handle`;
 * `nodeHandler()` (node:http, Express, Fastify), `fetchHandler()` (Web `Request` → `Response`:
 * Bun, Deno, Cloudflare Workers, Next.js, Hono) and the `listen` command are adapters over it.
 */
import type { WebhookEvent, WebhookEventMap, WebhookEventType } from '../generated/types.js';
import { WEBHOOK_EVENT_TYPES } from '../generated/validators.js';
import { bodyByteLength, bodyBytes, describeKind, isRawBody, parsedBody, type RawBody } from './body.js';
import {
  DEFAULT_DEDUPE_TTL_SECONDS,
  DEFAULT_RESERVATION_SECONDS,
  Deduper,
  MemoryDedupeStore,
  type DedupeStore,
} from './dedupe.js';
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
  duplicate,
  inProgress,
  receiverError,
  unauthorized,
  methodNotAllowed,
  payloadTooLarge,
  unsupportedContentEncoding,
  unsupportedContentType,
  type ReceiveOutcome,
  type ReceiverErrorCode,
  type UnknownWebhookEvent,
} from './outcome.js';
import {
  SigningKeys,
  headerReader,
  profileHeader,
  sha256Hex,
  verifyWith,
  type HeaderReader,
  type HeadersInput,
  type VerifyWebhookOptions,
} from './signature.js';
import { isWebhookEventType } from './type-guards.js';
import { parseWebhookEvent, validateWebhookEvent, type ValidateOptions, type ValidationResult } from './validate.js';

/** A handler for one event (or several), given the event typed by its name. */
export type WebhookHandler<K extends WebhookEventType> = (event: WebhookEventMap[K]) => unknown;

/** Where errors of handlers are logged when there is no `onError`: `console` by default. */
export interface WebhookLogger {
  error(...data: unknown[]): void;
}

/** A delivery's request headers, by name in any case (a `Headers` instance fits where one is wanted). */
export interface RequestHeaders {
  get(name: string): string | null;
}

/** The Standard Webhooks v1 profile: the secret (several while rotating) and the tolerance (default 300 s). */
export type VerifyProfile = Omit<VerifyWebhookOptions, 'now'>;

/** Any other signature scheme: true when the raw body and headers are authentic. */
export type CustomVerifier = (rawBody: RawBody, headers: RequestHeaders) => boolean | Promise<boolean>;

/** Options of the receiver's `dedupe`. */
export interface DedupeOptions {
  /** Where keys are kept: the default is in this process's memory (nothing is shared across instances). */
  store?: DedupeStore;
  /** How long a handled delivery's key is remembered, in seconds. Default 86,400 (24 h). */
  ttlSeconds?: number;
  /** How long a delivery in progress holds its key, in seconds (a crashed instance frees it then). Default 60. */
  reservationSeconds?: number;
  /** Keys the in-memory store holds at most (the oldest are evicted). Default 10,000. */
  maxKeys?: number;
  /** The Retry-After of a 409 for a delivery in progress elsewhere, in seconds. Default 5. */
  retryAfterSeconds?: number;
  /**
   * The key of a delivery. Default: its `webhook-id` (or `svix-id`) header (hashed past 256 characters), else the SHA-256 of
   * the raw body. Never derive it from fields two deliveries share (such as `agentId`).
   */
  key?: (event: WebhookEvent, headers: RequestHeaders) => string | undefined;
}

/** Options of {@link createWebhookReceiver}. */
export interface WebhookReceiverOptions extends ValidateOptions {
  /**
   * Verify each delivery's signature on its raw bytes, before they are parsed (opt-in; ChatSpark's
   * reference defines no signature): the Standard Webhooks v1 profile (`{ secret, toleranceSeconds }`)
   * or a function for any other scheme. A failure is answered 401 with its reason and reaches no
   * handler. A parsed body cannot be verified: it is answered 500 `raw_body_required`.
   */
  verify?: VerifyProfile | CustomVerifier;
  /**
   * Run each delivery's handlers once, however often it is delivered (opt-in): `true` for the
   * defaults, or {@link DedupeOptions}. A duplicate of a handled delivery is answered 200 with
   * `duplicate: true`; one in progress in this process waits for it; one in progress in another
   * instance (a shared store) is answered 409 with Retry-After. A failed delivery frees its key.
   */
  dedupe?: boolean | DedupeOptions;
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
  /**
   * Called with the original error when a handler throws or rejects (the delivery is answered
   * 500), and when the receiver itself cannot do its job (`receiver-error`: then `event` is undefined).
   */
  onError?: (error: unknown, event: WebhookEvent | UnknownWebhookEvent | undefined) => void;
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

/** A delivery's signature check: undefined when authentic, else the 401 it gets. */
type Verifier = (body: RawBody, header: HeaderReader) => Promise<ReceiveOutcome | undefined>;

/** The headers of a request as {@link RequestHeaders}. */
function requestHeaders(header: HeaderReader): RequestHeaders {
  return { get: (name) => header(name.toLowerCase()) ?? null };
}

/** The check the `verify` option asks for; a profile whose secret is not base64 throws at once (a loud misconfiguration). */
function verifierOf(option: WebhookReceiverOptions['verify']): Verifier | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') {
    return async (body, header) =>
      (await option(body, requestHeaders(header))) === true
        ? undefined
        : unauthorized('rejected', 'The verify function rejected this delivery.');
  }
  const keys = new SigningKeys();
  const secrets: readonly unknown[] = Array.isArray(option?.secret) ? option.secret : [option?.secret];
  if (secrets.length === 0 || secrets.some((secret) => keys.get(secret) === null)) {
    throw new TypeError(
      'verify.secret must be "whsec_" followed by base64 (or bare base64), or a list of them; for another scheme pass a function.',
    );
  }
  return async (body, header) => {
    const result = await verifyWith(keys, body, header, option);
    return result.valid ? undefined : unauthorized(result.reason, result.message);
  };
}

/** The dedupe machinery the `dedupe` option asks for, with the receiver's way of reporting a store failure. */
function deduperOf(
  option: WebhookReceiverOptions['dedupe'],
  onStoreError: (error: unknown) => void,
): Deduper | undefined {
  if (option === undefined || option === false) return undefined;
  const options = option === true ? {} : option;
  const store =
    options.store ?? new MemoryDedupeStore(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys });
  return new Deduper({
    store,
    ttlSeconds: options.ttlSeconds ?? DEFAULT_DEDUPE_TTL_SECONDS,
    reservationSeconds: options.reservationSeconds ?? DEFAULT_RESERVATION_SECONDS,
    onStoreError,
  });
}

/** Ids longer than this are kept as their hash: a store must not hold kilobytes per key a client chose. */
const MAX_ID_KEY_CHARS = 256;

/** The default dedupe key: the delivery's id header, else the SHA-256 of its body as received. */
async function defaultKeyOf(body: unknown, header: HeaderReader): Promise<string> {
  const id = profileHeader(header, 'id');
  if (id) return id.length <= MAX_ID_KEY_CHARS ? `webhook-id:${id}` : `webhook-id-sha256:${await sha256Hex(id)}`;
  if (typeof body === 'string') return `sha256:${await sha256Hex(body)}`;
  if (isRawBody(body)) return `sha256:${await sha256Hex(bodyBytes(body as Exclude<RawBody, string>))}`;
  return `sha256:${await sha256Hex(JSON.stringify(body))}`; // a parsed value: its JSON text
}

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
  readonly #verifier: Verifier | undefined;
  readonly #deduper: Deduper | undefined;

  constructor(options: WebhookReceiverOptions = {}) {
    this.#options = options;
    this.#limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#acknowledgeUnknown = (options.unknownEvents ?? (options.strict ? 'reject' : 'acknowledge')) === 'acknowledge';
    this.#verifier = verifierOf(options.verify);
    this.#deduper = deduperOf(options.dedupe, (error) =>
      this.#report(error, 'the dedupe store failed after the handlers ran (answered 200; a retry may run them again)'),
    );
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
   * string or bytes (Buffer, Uint8Array, ArrayBuffer, any ArrayBuffer view); `headers` (a
   * `Headers`, Node.js's `req.headers` or a plain object) are needed for `verify` and give
   * `dedupe` the delivery's id. Anything else is a
   * programming error: the promise rejects with a `TypeError` naming what came (a value a
   * framework already parsed goes to {@link receiveParsed}; a `Request` to {@link fetchHandler}).
   * Otherwise never rejects: a throwing handler gives a `handler-error` outcome (status 500).
   */
  async receive(body: RawBody, headers?: HeadersInput): Promise<ReceiveOutcome> {
    if (!isRawBody(body)) {
      throw new TypeError(
        `receive() takes the raw body (a string, a Uint8Array, an ArrayBuffer or an ArrayBuffer view), got ${describeKind(body)}. ` +
          'For a value a framework already parsed call receiveParsed(value); for a Request use fetchHandler() or `await request.arrayBuffer()`.',
      );
    }
    return this.#fromBytes(body, headerReader(headers ?? {}), undefined);
  }

  /**
   * Validates a delivery that a framework already parsed (for example `req.body` after
   * `express.json()`) and dispatches it. Prefer {@link receive} with the raw body: a parsed value
   * has lost its bytes (so its size and encoding cannot be checked here), and with `verify`
   * configured it is answered 500 `raw_body_required` (and `onError` told): a signature covers
   * the bytes as sent, which a parsed value no longer has.
   */
  async receiveParsed(value: unknown, headers?: HeadersInput): Promise<ReceiveOutcome> {
    return this.#fromParsed(value, headerReader(headers ?? {}), undefined);
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
    const header: HeaderReader = (name) => request.header(name);
    if ('parsed' in body) return this.#fromParsed(body.parsed, header, defer);
    if ('raw' in body) return this.#fromBytes(body.raw, header, defer);
    let bytes: Uint8Array;
    try {
      bytes = await body.read(this.#limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return payloadTooLarge(this.#limit);
      // Aborted, reset, timed out, chunked body cut short: nobody is left to answer.
      return aborted(error);
    }
    return this.#fromBytes(bytes, header, defer);
  }

  /** A raw body within the limit (a string counted in UTF-8 bytes), verified, decoded, validated and dispatched. */
  #fromBytes(body: RawBody, header: HeaderReader, defer: WaitUntilContext | undefined): Promise<ReceiveOutcome> {
    if (bodyByteLength(body) > this.#limit) return Promise.resolve(payloadTooLarge(this.#limit));
    if (this.#verifier !== undefined) return this.#verified(body, header, defer);
    return this.#dispatch(parseWebhookEvent(body, this.#options), body, header, defer);
  }

  /** The signature first, on the bytes as received: nothing reads a forged body. */
  async #verified(body: RawBody, header: HeaderReader, defer: WaitUntilContext | undefined): Promise<ReceiveOutcome> {
    let denied: ReceiveOutcome | undefined;
    try {
      denied = await this.#verifier!(body, header);
    } catch (error) {
      return this.#receiverError('verification_failed', error, 'the verify function threw');
    }
    return denied ?? this.#dispatch(parseWebhookEvent(body, this.#options), body, header, defer);
  }

  /** A value a framework parsed: validated and dispatched, unless signatures are to be verified. */
  #fromParsed(value: unknown, header: HeaderReader, defer: WaitUntilContext | undefined): Promise<ReceiveOutcome> {
    if (this.#verifier !== undefined) {
      const error = new Error(
        'verify is configured but the receiver was given a parsed body; the signature covers the raw bytes: pass the raw body (receive(body, headers), or let nodeHandler() read the request).',
      );
      return Promise.resolve(this.#receiverError('raw_body_required', error, 'cannot verify a parsed body'));
    }
    return this.#dispatch(validateWebhookEvent(value, this.#options), value, header, defer);
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

  async #dispatch(
    result: ValidationResult,
    body: unknown,
    header: HeaderReader,
    defer?: WaitUntilContext,
  ): Promise<ReceiveOutcome> {
    if (!result.valid) return this.#rejected(result, body);
    const { event } = result;
    if (defer !== undefined) {
      // Acknowledged now; a failure later is logged or given to onError, never unhandled.
      defer.waitUntil(this.#dispatch(result, body, header));
      return { kind: 'deferred', status: 200, event, body: { ok: true, event: event.event } };
    }
    return this.#deduper === undefined ? this.#run(event) : this.#deduped(event, body, header);
  }

  /** Runs the handlers once per key: a duplicate of a handled delivery runs nothing. */
  async #deduped(event: WebhookEvent, body: unknown, header: HeaderReader): Promise<ReceiveOutcome> {
    let key: string;
    try {
      key =
        this.#options.dedupe instanceof Object ? (this.#options.dedupe.key?.(event, requestHeaders(header)) ?? '') : '';
      if (key === '') key = await defaultKeyOf(body, header);
    } catch (error) {
      return this.#receiverError('dedupe_failed', error, 'the dedupe key could not be made');
    }
    const run = await this.#deduper!.run(
      key,
      () => this.#run(event),
      (outcome) => outcome.status === 200,
    );
    switch (run.state) {
      case 'ran': // a delivery that waited for another gets its answer: 200 as a duplicate, or the same failure
        return run.waited && run.result.status === 200 ? duplicate(event) : run.result;
      case 'done':
        return duplicate(event);
      case 'in-progress':
        return inProgress((this.#options.dedupe as DedupeOptions).retryAfterSeconds ?? 5);
      case 'store-error':
        return this.#receiverError('dedupe_failed', run.error, 'the dedupe store failed');
    }
  }

  /** The event's handlers, then the onAny handlers, in order; a failure is a 500. */
  async #run(event: WebhookEvent): Promise<ReceiveOutcome> {
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

  /** The receiver could not do its job: never silent, answered 500 so that the sender retries. */
  #receiverError(code: ReceiverErrorCode, error: unknown, what: string): ReceiveOutcome {
    this.#report(error, `${what}; answered 500.`);
    return receiverError(code, error);
  }

  /** `onError` gets the error (with no event); without it, the logger does. Never throws. */
  #report(error: unknown, what: string): void {
    try {
      if (this.#options.onError) this.#options.onError(error, undefined);
      else (this.#options.logger ?? console).error(`@chatspark/webhooks: ${what}`, error);
    } catch {
      // A failing error hook or logger must not turn a 500 into a crash.
    }
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
