/**
 * The one place where a raw body becomes text: the API (`parseWebhookEvent`), the receiver and
 * the CLI all decode through here, so the same bytes get the same verdict everywhere.
 */
import { issue, type ValidationIssue } from './issues.js';

/** A raw request body: text, or bytes in any of the shapes the platforms hand out. */
export type RawBody = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** The body as text, or the one issue that says why it is not UTF-8. */
export type DecodedBody = { ok: true; text: string } | { ok: false; issue: ValidationIssue };

const tag = (value: unknown): string => Object.prototype.toString.call(value);

/**
 * True for a string, an ArrayBuffer (or SharedArrayBuffer) or any ArrayBuffer view (Uint8Array,
 * Buffer, DataView...), including ones from another realm, where `instanceof` says no.
 */
export function isRawBody(value: unknown): value is RawBody {
  if (typeof value === 'string' || ArrayBuffer.isView(value)) return true;
  const kind = tag(value);
  return kind === '[object ArrayBuffer]' || kind === '[object SharedArrayBuffer]';
}

/** The bytes of a non-string raw body, as a Uint8Array over the same memory (no copy). */
export function bodyBytes(body: Exclude<RawBody, string>): Uint8Array {
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return new Uint8Array(body);
}

/** Size of a raw body in bytes: a string counts its UTF-8 bytes, not its UTF-16 units. */
export function bodyByteLength(body: RawBody): number {
  return typeof body === 'string' ? utf8Length(body) : bodyBytes(body).byteLength;
}

/** UTF-8 length of a string, counted without encoding it (a lone surrogate is written as U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 4 bytes for 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

// fatal: bytes that are not UTF-8 are an error, never silently replaced by U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true });

export const NOT_UTF8_ISSUE: ValidationIssue = issue(
  '',
  'json',
  'a UTF-8 encoded JSON body',
  'bytes that are not valid UTF-8',
);

/** Decodes a raw body as strict UTF-8 and drops one leading byte-order mark. */
export function decodeBody(body: RawBody): DecodedBody {
  if (typeof body === 'string') return { ok: true, text: body.charCodeAt(0) === 0xfeff ? body.slice(1) : body };
  try {
    return { ok: true, text: decoder.decode(bodyBytes(body)) }; // the decoder drops a leading BOM
  } catch {
    return { ok: false, issue: { ...NOT_UTF8_ISSUE } };
  }
}

/** A few words naming what a value is, for type errors about bodies ("a Request", "an object"). */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && name !== '' && name !== 'Object') return `a ${name}`;
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * The JSON value of a raw body, or `undefined` when it is not UTF-8 JSON: for reading a rejected
 * body again (its event name, an unknown event's envelope) off the fast path.
 */
export function parsedBody(body: RawBody): unknown {
  const decoded = decodeBody(body);
  if (!decoded.ok) return undefined;
  try {
    return JSON.parse(decoded.text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `event` of a parsed value when it is a string, else null. */
export function eventNameOf(value: unknown): string | null {
  const name = value !== null && typeof value === 'object' ? (value as { event?: unknown }).event : undefined;
  return typeof name === 'string' ? name : null;
}
