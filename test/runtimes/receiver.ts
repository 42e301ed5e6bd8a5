// The receiver every runtime of test/runtimes.test.ts serves, written once: one receiver per
// route, each configured as the route names, answering through the package's own adapters
// (`fetchHandler()` on Fetch runtimes, `nodeHandler()` on node:http). It imports the package by
// its name, so that on every runtime it resolves through the package's `exports` (the test runs it
// from a folder whose node_modules/@chatspark/webhooks links to the repository).
//
// Observation only: each answer carries `x-body-bytes-read`, the body bytes the receiver had read
// when it answered (counted on the real request's own stream reader, or on the node:http request's
// 'data' events), so the test can tell that an oversized body was not read whole (a body read any
// other way would count 0, and the streamed case would fail, not pass unseen).
import type { RequestListener, ServerResponse } from 'node:http'; // types only: erased on every runtime
import { createWebhookReceiver, type WebhookReceiverOptions } from '@chatspark/webhooks';

/** Every route's body limit: far above an event (about 400 bytes), far below the oversized bodies. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The header carrying the body bytes read when the answer was written. */
export const BYTES_READ_HEADER = 'x-body-bytes-read';

/** The secret of the `/signed` route (the Standard Webhooks profile, verified on every runtime's crypto). */
export const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The receivers, by path: the default rule, `unknownEvents: 'reject'`, strict mode, and signatures verified. */
export const ROUTES = {
  '/default': { maxBodyBytes: MAX_BODY_BYTES },
  '/reject': { maxBodyBytes: MAX_BODY_BYTES, unknownEvents: 'reject' },
  '/strict': { maxBodyBytes: MAX_BODY_BYTES, strict: true },
  // An hour's tolerance: the cases are signed once, when the test module loads.
  '/signed': { maxBodyBytes: MAX_BODY_BYTES, verify: { secret: SIGNING_SECRET, toleranceSeconds: 3600 } },
} satisfies Record<string, WebhookReceiverOptions>;

export type Route = keyof typeof ROUTES;

function receiverOf(path: string) {
  const options = (ROUTES as Record<string, WebhookReceiverOptions>)[path];
  // Every receiver has a handler, so a valid event goes through dispatch, not only validation.
  return options && createWebhookReceiver(options).on('lead.captured', () => undefined);
}

const NOT_FOUND = { 'content-type': 'application/json; charset=utf-8' };

/** Counts the bytes read from a Web request's body through its own stream reader. */
function countReads(request: Request): () => number {
  let read = 0;
  const body = request.body;
  if (body !== null) {
    const getReader = body.getReader.bind(body) as () => ReadableStreamDefaultReader<Uint8Array>;
    Object.defineProperty(body, 'getReader', {
      configurable: true,
      value: () => {
        const reader = getReader();
        const next = reader.read.bind(reader);
        Object.defineProperty(reader, 'read', {
          configurable: true,
          value: async () => {
            const result = await next();
            if (!result.done && result.value !== undefined) read += result.value.byteLength;
            return result;
          },
        });
        return reader;
      },
    });
  }
  return () => read;
}

/** The Web handler a Fetch runtime serves (Bun.serve, Deno.serve, a Worker's `fetch`, a `Request` in Node). */
export function createFetchApp(): (request: Request) => Promise<Response> {
  const handlers = new Map(Object.keys(ROUTES).map((path) => [path, receiverOf(path)!.fetchHandler()] as const));
  return async (request) => {
    const handler = handlers.get(new URL(request.url).pathname);
    if (handler === undefined)
      return new Response('{"ok":false,"error":"not_found"}', { status: 404, headers: NOT_FOUND });
    const bytesRead = countReads(request);
    const response = (await handler(request)) as Response;
    response.headers.set(BYTES_READ_HEADER, String(bytesRead()));
    return response;
  };
}

/** The request listener a node:http server serves, answering through `nodeHandler()`. */
export function createNodeApp(): RequestListener {
  const handlers = new Map(Object.keys(ROUTES).map((path) => [path, receiverOf(path)!.nodeHandler()] as const));
  return (req, res) => {
    const handler = handlers.get(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (handler === undefined) {
      res.writeHead(404, NOT_FOUND);
      res.end('{"ok":false,"error":"not_found"}');
      return;
    }
    let read = 0;
    let answered = false;
    // Counted beside the handler's own 'data' listener, attached when the handler attaches it (so
    // the stream flows exactly when the handler makes it flow); what arrives after the answer (the
    // handler's bounded drain) is not counted.
    const on = req.on;
    req.on = function (this: typeof req, event: string | symbol, listener: (...args: any[]) => void) {
      on.call(this, event, listener);
      if (event === 'data') {
        Reflect.deleteProperty(req, 'on'); // the stream's own method again
        on.call(this, 'data', (chunk: Uint8Array) => {
          if (!answered) read += chunk.byteLength;
        });
      }
      return this;
    } as typeof req.on;
    const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => ServerResponse;
    res.writeHead = ((status: number, headers?: Record<string, string>) => {
      answered = true;
      res.setHeader(BYTES_READ_HEADER, String(read));
      return writeHead(status, headers);
    }) as ServerResponse['writeHead'];
    void handler(req, res);
  };
}
