/**
 * HTTP pieces shared by the typed receiver and the `listen` command, written against structural
 * types so the library needs no Node.js type definitions and no Node built-in at run time.
 */

/** The part of a Node.js `IncomingMessage` (or Express/Fastify request) that is used. */
export interface RequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** A body already read by a framework: Buffer/Uint8Array or string (raw), or a parsed value. */
  body?: unknown;
}

/** The part of a Node.js `ServerResponse` (or Express response) that is used. */
export interface ResponseLike {
  headersSent?: boolean;
  writeHead(statusCode: number, headers?: Record<string, string | number>): unknown;
  end(chunk?: string): unknown;
}

/** Raised by {@link readBody} when a body exceeds its limit; reading stops at once. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body exceeds ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** 1 MiB: far above any ChatSpark event, far below what could hurt a server. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/**
 * Reads a request body into one Uint8Array, failing with {@link BodyTooLargeError} as soon as
 * more than `limit` bytes arrived (or a Content-Length announces more), without buffering the rest.
 */
export async function readBody(source: AsyncIterable<Uint8Array | string>, limit: number, declaredLength?: string | string[]): Promise<Uint8Array> {
  const announced = typeof declaredLength === 'string' ? Number(declaredLength) : NaN;
  if (Number.isFinite(announced) && announced > limit) throw new BodyTooLargeError(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? encoder.encode(piece) : piece;
    size += chunk.byteLength;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
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
  const value = (Array.isArray(header) ? header[0] ?? '' : header).split(';')[0]!.trim().toLowerCase();
  return value === 'application/json' || JSON_SUFFIX_MEDIA_TYPE.test(value);
}

/** Writes a JSON answer unless one was already sent. */
export function sendJson(res: ResponseLike, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': byteLength(text), ...headers });
  res.end(text);
}

function byteLength(text: string): number {
  return encoder.encode(text).byteLength;
}
