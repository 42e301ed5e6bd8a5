// App factories for the receiver tests: the same `receiver.nodeHandler()` behind raw node:http,
// Express 4 and 5 (bare, behind an app-wide express.json(), with express.raw or express.text on the
// route) and Fastify 5 (a buffer content-type parser scoped to the webhook route's plugin).
//
// Decision: the webhook route is mounted for every method (`app.all`, Fastify `all`) so that the
// receiver itself answers a GET with 405 and `Allow: POST`; with `app.post` a GET never reaches it.
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceiveOutcome, WebhookReceiver } from '../../src/index.js';

export const FRONTS = [
  'node',
  'express4',
  'express5',
  'express4-json',
  'express5-json',
  'express4-raw',
  'express5-raw',
  'express4-text',
  'express5-text',
  'fastify',
] as const;
export type Front = (typeof FRONTS)[number];

/** Where a front puts the hook, and how to stop it. */
export interface Started {
  url: string;
  close: () => Promise<void>;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<ReceiveOutcome>;

/**
 * The receiver's handler, reporting each settled delivery to `log`. A rejection is reported and
 * passed on unchanged (still unhandled under node:http and Express 4, as without the wrapper).
 */
function logged(receiver: WebhookReceiver, log: (line: object) => void): NodeHandler {
  const handler = receiver.nodeHandler() as unknown as NodeHandler;
  return (req, res) =>
    handler(req, res).then(
      (outcome) => {
        log({ type: 'outcome', kind: outcome.kind, status: outcome.status });
        return outcome;
      },
      (error: unknown) => {
        log({ type: 'rejected', message: error instanceof Error ? error.message : String(error) });
        throw error;
      },
    );
}

async function listening(server: import('node:http').Server): Promise<Started> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts one front on a free port of 127.0.0.1 with the receiver at `/hook`. */
export async function startFront(
  front: Front,
  receiver: WebhookReceiver,
  log: (line: object) => void = () => undefined,
): Promise<Started> {
  const handler = logged(receiver, log);
  if (front === 'node') return listening(createServer(handler));
  if (front === 'fastify') return startFastify(handler);
  const [flavour, parser] = front.split('-') as ['express4' | 'express5', 'json' | 'raw' | 'text' | undefined];
  const express = (flavour === 'express4' ? express4 : express5) as typeof express5;
  const app = express();
  if (parser === 'json') app.use(express.json());
  const route: any[] = [];
  if (parser === 'raw') route.push(express.raw({ type: '*/*' }));
  if (parser === 'text') route.push(express.text({ type: '*/*' }));
  app.all('/hook', ...route, handler);
  // Another route of the same app, to show what the app-wide parser gives other routes.
  app.post('/other', (req, res) => {
    res.json({ isBuffer: Buffer.isBuffer(req.body), type: typeof req.body });
  });
  return listening(createServer(app));
}

async function startFastify(handler: NodeHandler): Promise<Started> {
  const fastify = Fastify();
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.all('/hook', async (request, reply) => {
      reply.hijack();
      await handler(Object.assign(request.raw, { body: request.body }), reply.raw);
    });
  });
  // Outside the plugin Fastify's default JSON parser still applies.
  fastify.post('/other', async (request) => ({
    isBuffer: Buffer.isBuffer(request.body),
    type: typeof request.body,
    event: (request.body as { event?: unknown } | undefined)?.event ?? null,
  }));
  const address = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${address}/hook`, close: () => fastify.close() };
}
