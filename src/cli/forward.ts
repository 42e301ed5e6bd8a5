/**
 * The relay of `listen --forward-to`: a delivery the pipeline has judged goes on to the receiver
 * under test with its method, its body bytes and its end-to-end headers; the target's answer comes
 * back for the sender, with a verdict on that answer beside the contract's.
 */
import { performance } from 'node:perf_hooks';
import type { Answer } from '../outcome.js';
import type { ForwardResult } from './record.js';

/** Default time the target has to answer, in milliseconds (`--forward-timeout`, in seconds). */
export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;

/**
 * Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), dropped on the way:
 * plus `host` (the target's own is set), `content-length` (set again from the same bytes) and
 * `expect` (the relay has the whole body already).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

const EXCERPT_CHARS = 200;
const JSON_TYPE = 'application/json; charset=utf-8';

/** The end-to-end headers of a request, as they go on to the target. */
export function endToEndHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  // A Connection header may name more hop-by-hop headers of its own.
  const named = String(headers.connection ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase());
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.includes(lower)) continue;
    out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** What a forwarded delivery came to: the answer the sender gets, and the record's `forward`. */
export interface Forwarded {
  answer: Answer;
  result: ForwardResult;
}

/** Forwards deliveries to one target URL. */
export class Forwarder {
  readonly #target: URL;
  readonly #timeoutMs: number;

  constructor(target: URL, timeoutMs: number) {
    this.#target = target;
    this.#timeoutMs = timeoutMs;
  }

  get target(): URL {
    return this.#target;
  }

  /** Posts the delivery to the target; never rejects (an unreachable target is a 502, a slow one a 504). */
  async forward(
    method: string,
    headers: Record<string, string | string[] | undefined>,
    body: Uint8Array,
    valid: boolean,
  ): Promise<Forwarded> {
    const start = performance.now();
    try {
      const response = await fetch(this.#target, {
        method,
        headers: endToEndHeaders(headers),
        // Bytes from a node:http request sit on an ArrayBuffer, which is what fetch's types ask for.
        body: body as Uint8Array<ArrayBuffer>,
        // A redirect is the target's answer, passed back as it is.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await response.text();
      const ms = performance.now() - start;
      const answerHeaders: Record<string, string> = {
        'content-type': response.headers.get('content-type') ?? JSON_TYPE,
      };
      const location = response.headers.get('location');
      if (location !== null) answerHeaders.location = location;
      const result = {
        status: response.status,
        ms,
        excerpt: excerptOf(text),
        verdict: verdictOf(response.status, valid),
      };
      return { answer: { status: response.status, headers: answerHeaders, text }, result };
    } catch (error) {
      return this.#failed(error, performance.now() - start);
    }
  }

  /** No answer from the target: 504 when it ran out of time, 502 when it could not be reached. */
  #failed(error: unknown, ms: number): Forwarded {
    const timedOut = (error as { name?: string }).name === 'TimeoutError';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = timedOut
      ? `no answer within ${this.#timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    const status = timedOut ? 504 : 502;
    const code = timedOut ? 'target_timeout' : 'target_unreachable';
    const message = `The forwarding target ${this.#target.href} gave no answer: ${reason}.`;
    const text = JSON.stringify({ ok: false, error: code, message });
    const result: ForwardResult = { status, ms, excerpt: '', error: reason, verdict: 'failed' };
    return { answer: { status, headers: { 'content-type': JSON_TYPE }, text }, result };
  }
}

/**
 * The target's answer judged against the delivery: a 5xx (or no answer) fails, a non-2xx to a
 * valid delivery fails, and a 2xx to an invalid one is a finding about the receiver.
 */
export function verdictOf(status: number, valid: boolean): ForwardResult['verdict'] {
  const success = status >= 200 && status < 300;
  if (status >= 500 || (valid && !success)) return 'failed';
  return !valid && success ? 'accepted-invalid' : 'ok';
}

function excerptOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}
