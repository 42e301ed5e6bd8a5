/**
 * HTTP pieces shared by the typed receiver and the `listen` command, written against structural
 * types so the library needs no Node.js type definitions and no Node built-in at run time.
 */
import { utf8Length } from './body.js';
import { messageOf } from './errors.js';

/** The part of a Node.js `IncomingMessage` (or Express/Fastify request) that is used. */
export interface RequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** A body already read by a framework: Buffer/Uint8Array or string (raw), a parsed value, or a parser's placeholder. */
  body?: unknown;
  /** The raw body kept by a middleware (a common convention, e.g. `express.json({ verify })`). */
  rawBody?: unknown;
  /** Express 4 body-parser's mark that it read and parsed the body. */
  _body?: unknown;
  /** Node.js: true once the stream has been read to its end. */
  readableEnded?: boolean;
  /** Node.js: true once the whole message has been received. */
  complete?: boolean;
}

/** The part of a Node.js `ServerResponse` (or Express response) that is used. */
export interface ResponseLike {
  headersSent?: boolean;
  writeHead(statusCode: number, headers?: Record<string, string | number>): unknown;
  end(chunk?: string): unknown;
}

/** Raised by {@link readBody} when a body exceeds its limit; reading stops at once. */
export class BodyTooLargeError extends Error {
  /** Bytes that had arrived when reading stopped (0 when a Content-Length announced too many). */
  readonly received: number;

  constructor(
    readonly limit: number,
    received = 0,
  ) {
    super(`The request body exceeds ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
    this.received = received;
  }
}

/** Raised by {@link readBody} when the body stops before its end: aborted, reset, cut short. */
export class BodyAbortedError extends Error {
  /** Bytes that had arrived before the body stopped. */
  readonly received: number;

  constructor(message: string, received: number, cause?: unknown) {
    super(message, { cause });
    this.name = 'BodyAbortedError';
    this.received = received;
  }
}

/** 1 MiB: far above any ChatSpark event, far below what could hurt a server. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/** The part of a Node.js readable stream that the fast path of {@link readBody} uses. */
interface EventStreamLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  readableEnded?: boolean;
  destroyed?: boolean;
}

function isEventStream(source: unknown): source is EventStreamLike {
  const stream = source as Partial<EventStreamLike>;
  return (
    typeof stream.on === 'function' &&
    typeof stream.removeListener === 'function' &&
    typeof stream.readableEnded === 'boolean'
  );
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Reads a request body into one Uint8Array, failing with {@link BodyTooLargeError} as soon as
 * more than `limit` bytes arrived (or a Content-Length announces more), without buffering the rest.
 * A body cut short (the client went away) rejects.
 */
export function readBody(
  source: AsyncIterable<Uint8Array | string>,
  limit: number,
  declaredLength?: string | string[],
): Promise<Uint8Array> {
  const announced = typeof declaredLength === 'string' ? Number(declaredLength) : NaN;
  if (Number.isFinite(announced) && announced > limit) return Promise.reject(new BodyTooLargeError(limit));
  // A Node.js stream is read by its events: a quarter of a small request's cost goes to the async
  // iterator otherwise (measured with `npm run bench`). Anything else is iterated.
  return isEventStream(source) ? readEvents(source, limit) : readIterable(source, limit);
}

async function readIterable(source: AsyncIterable<Uint8Array | string>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const piece of source) {
      const chunk = typeof piece === 'string' ? encoder.encode(piece) : piece;
      size += chunk.byteLength;
      if (size > limit) throw new BodyTooLargeError(limit, size);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    throw stoppedBeforeEnd(error, size);
  }
  return concat(chunks, size);
}

/** The error of a body read that failed part way (the stream errored or was cut). */
function stoppedBeforeEnd(error: unknown, size: number): BodyAbortedError {
  return new BodyAbortedError(`The request body stopped before its end: ${messageOf(error)}`, size, error);
}

function readEvents(source: EventStreamLike, limit: number): Promise<Uint8Array> {
  if (source.readableEnded) return Promise.resolve(new Uint8Array(0)); // read before: nothing left
  if (source.destroyed)
    return Promise.reject(new BodyAbortedError('The request body stream was already destroyed.', 0));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const done = (): void => {
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      source.removeListener('error', onError);
      source.removeListener('close', onClose);
    };
    const onData = (piece: Uint8Array | string): void => {
      const chunk = typeof piece === 'string' ? encoder.encode(piece) : piece;
      size += chunk.byteLength;
      if (size > limit) {
        done();
        reject(new BodyTooLargeError(limit, size));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(concat(chunks, size));
    };
    const onError = (error: unknown): void => {
      done();
      reject(stoppedBeforeEnd(error, size));
    };
    // 'close' before 'end': the client went away mid-body.
    const onClose = (): void => {
      done();
      reject(new BodyAbortedError('The request closed before its body ended.', size));
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
}

/**
 * After an early answer (413, 415...), reads and drops what the client still sends, up to a
 * budget, so that a client uploading its body reads the answer instead of a connection reset
 * (closing a socket with unread data makes the kernel send a reset). Past the budget the
 * connection is cut. Streams without Node.js events are left alone.
 */
export function discardBody(source: unknown, limit: number): void {
  if (!isEventStream(source) || source.readableEnded || source.destroyed) return;
  const stream = source as EventStreamLike & { resume?: () => unknown; destroy?: () => unknown };
  const budget = Math.max(4 * limit, 4 * 1024 * 1024);
  let dropped = 0;
  const onData = (chunk: { byteLength?: number; length?: number }): void => {
    dropped += chunk.byteLength ?? chunk.length ?? 0;
    if (dropped > budget) {
      stream.removeListener('data', onData);
      stream.destroy?.();
    }
  };
  stream.on('data', onData);
  stream.resume?.();
}

/** A structured-syntax JSON media type such as `application/cloudevents+json`. */
export const JSON_SUFFIX_MEDIA_TYPE = /^application\/[a-z0-9.+-]*\+json$/;

/**
 * True when a Content-Type header is absent or names JSON (`application/json`, any `+json`
 * type, with any parameters). Decision: a missing header is accepted, since the reference does
 * not define the delivery's headers.
 */
export function isJsonContentType(header: string | string[] | undefined): boolean {
  if (header === undefined) return true;
  const value = (Array.isArray(header) ? (header[0] ?? '') : header).split(';')[0]!.trim().toLowerCase();
  return value === 'application/json' || JSON_SUFFIX_MEDIA_TYPE.test(value);
}

/**
 * The content coding of a request body when it is anything but identity (`gzip`, `br`, a list
 * such as `gzip, br`), lower-cased; `undefined` when absent or identity. Decision: bodies are
 * never decompressed, so a signature always covers the bytes as sent and no decompression bomb
 * can exist; such a body is answered 415 naming its encoding.
 */
export function contentEncodingOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const codings = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.length === 0 ? undefined : codings.join(', ');
}

/** Writes an answer already encoded (status, headers, JSON text) unless one was already sent. */
export function writeAnswer(
  res: ResponseLike,
  answer: { status: number; headers: Record<string, string>; text: string },
): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': utf8Length(answer.text) });
  res.end(answer.text);
}

/** The part of a Web `ReadableStream` reader that is used. */
export interface WebStreamReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a Web `Request` (Fetch API) that is used: a real `Request` fits. */
export interface WebRequestLike {
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): WebStreamReaderLike } | null;
}

/**
 * Reads a Web stream's body into one Uint8Array, cancelling the stream as soon as more than
 * `limit` bytes arrived ({@link BodyTooLargeError}), so an oversized body is never read whole.
 */
export async function readWebBody(body: WebRequestLike['body'], limit: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value === undefined) continue;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel('payload too large').catch(() => undefined);
        throw new BodyTooLargeError(limit, size);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    throw stoppedBeforeEnd(error, size);
  }
  return concat(chunks, size);
}
