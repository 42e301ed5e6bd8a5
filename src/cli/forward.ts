/**
 * The relay of `listen --forward-to`: a delivery the pipeline has judged goes on to the receiver
 * under test with its method, its body bytes and its end-to-end headers; the target's answer comes
 * back for the sender, with a verdict on that answer beside the contract's.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

/** Forwards deliveries to one target URL, over kept-alive connections. */
export class Forwarder {
  readonly #target: URL;
  readonly #timeoutMs: number;
  // node:http with a keep-alive agent: fetch (undici) cost several times more per request here.
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;

  constructor(target: URL, timeoutMs: number) {
    this.#target = target;
    this.#timeoutMs = timeoutMs;
    const https = target.protocol === 'https:';
    this.#agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.#request = https ? httpsRequest : httpRequest;
  }

  get target(): URL {
    return this.#target;
  }

  /** Closes the kept-alive connections (the listener stopped). */
  close(): void {
    this.#agent.destroy();
  }

  /**
   * Posts the delivery to the target; never rejects (an unreachable target is a 502, a slow one a
   * 504). `valid` is the contract's verdict on it; `scrub` is applied to the target's answer before
   * it is cut into the excerpt (a personal value the answer quotes is then never half-kept).
   */
  forward(
    method: string,
    headers: Record<string, string | string[] | undefined>,
    body: Uint8Array,
    { valid, scrub }: { valid: boolean; scrub: (text: string) => string },
  ): Promise<Forwarded> {
    const start = performance.now();
    const sent = { ...endToEndHeaders(headers), 'content-length': String(body.byteLength) };
    return new Promise((resolve) => {
      let settled = false;
      let timedOut = false;
      const settle = (forwarded: Forwarded): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(forwarded);
      };
      const fail = (error: unknown): void => settle(this.#failed(error, timedOut, performance.now() - start));
      const req = this.#request(this.#target, { method, headers: sent, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () =>
          settle(this.#answered(res, Buffer.concat(chunks), performance.now() - start, valid, scrub)),
        );
      });
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error(`no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }

  /** The target answered: its status and body go back to the sender, judged against the delivery. */
  #answered(
    res: IncomingMessage,
    bytes: Buffer,
    ms: number,
    valid: boolean,
    scrub: (text: string) => string,
  ): Forwarded {
    const status = res.statusCode ?? 502;
    const text = bytes.toString('utf8');
    const headers: Record<string, string> = { 'content-type': res.headers['content-type'] ?? JSON_TYPE };
    // A redirect is the target's answer, passed back as it is.
    if (res.headers.location !== undefined) headers.location = res.headers.location;
    const result: ForwardResult = { status, ms, excerpt: excerptOf(scrub(text)), verdict: verdictOf(status, valid) };
    return { answer: { status, headers, text }, result };
  }

  /** No answer from the target: 504 when it ran out of time, 502 when it could not be reached. */
  #failed(error: unknown, timedOut: boolean, ms: number): Forwarded {
    const reason = timedOut
      ? `no answer within ${this.#timeoutMs} ms`
      : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
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
