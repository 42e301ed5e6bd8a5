/**
 * The records of `listen --report`: their shape (version 2, described by
 * vectors/report-record.schema.json) and the whole-recording fields `--record-bodies` adds.
 */
import { REDACTED } from '../redaction.js';
import type { ValidationIssue } from '../issues.js';

/** The version every record carries as `v`; a report appended to by older versions may mix them. */
export const RECORD_VERSION = 2;

/** The target's side of a forwarded delivery (`listen --forward-to`). */
export interface ForwardResult {
  /** The target's status; 502 when it could not be reached, 504 when it did not answer in time. */
  status: number;
  /** From the first byte sent to the end of the target's answer, in milliseconds. */
  ms: number;
  /** The start of the target's answer body, on one line (at most 200 characters). */
  excerpt: string;
  /** Why there is no answer from the target (a connection error, a timeout). */
  error?: string;
  /** The target's answer judged against the delivery's verdict (see the listen help). */
  verdict: 'ok' | 'failed' | 'accepted-invalid';
}

/** One line of the NDJSON report: every request, answered or rejected. */
export interface DeliveryRecord {
  v: typeof RECORD_VERSION;
  receivedAt: string;
  method: string | null;
  path: string | null;
  status: number;
  event: string | null;
  valid: boolean;
  issues: ValidationIssue[];
  /** Bytes of the body that arrived on the wire. */
  bytes: number;
  /** With --record-bodies: the request headers, names lower-cased, credentials redacted. */
  headers?: Record<string, string>;
  /** With --record-bodies, when the body was read whole: its bytes as UTF-8 text or base64. */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  /** With --record-bodies: the record may hold personal data (names, emails, free text). */
  personalData?: true;
  /** With --forward-to: what the target answered. */
  forward?: ForwardResult;
  /** With --secret: the signature's verdict, and why it failed (absent when the request was refused before it). */
  signature?: { valid: boolean; reason?: string };
}

/** Header values never written to a report: credentials, whatever the user asked for. */
export const REDACTED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'proxy-authorization']);

// ignoreBOM: a leading byte-order mark is part of the bytes to replay, so it stays in the text.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A body as the report holds it: UTF-8 text when it is valid UTF-8, base64 otherwise. */
export function encodeBody(body: Uint8Array): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  try {
    return { body: strictUtf8.decode(body), bodyEncoding: 'utf8' };
  } catch {
    return {
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
      bodyEncoding: 'base64',
    };
  }
}

/** The bytes of a recorded body. */
export function decodeRecordedBody(body: string, encoding: unknown): Uint8Array {
  return encoding === 'base64' ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** Request headers as recorded: lower-case names, repeated values joined, credentials redacted. */
export function recordedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = REDACTED_HEADERS.has(lower) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The fields --record-bodies adds to a record; the body only when it was read whole. */
export function wholeRecording(
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array | undefined,
): Pick<DeliveryRecord, 'headers' | 'body' | 'bodyEncoding' | 'personalData'> {
  return { headers: recordedHeaders(headers), ...(body === undefined ? {} : encodeBody(body)), personalData: true };
}
