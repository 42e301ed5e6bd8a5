// The typed receiver: dispatch by event name, outcomes, and its Node request handler over real
// sockets on 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookReceiver, type WebhookEvent } from '../src/index.js';
import { readJson } from './helpers.js';

const lead = readJson<any>('examples/lead.captured.json');
const message = readJson<any>('examples/message.sent.user.json');
const unknownEvent = { event: 'lead.deleted', timestamp: '2026-02-24T12:00:00Z', data: { leadId: 'lead_1' } };

describe('WebhookReceiver.receive', () => {
  it('dispatches each event to its handlers, in order, awaiting them', async () => {
    const calls: string[] = [];
    const receiver = createWebhookReceiver()
      .on('lead.captured', async (event) => {
        await new Promise((r) => setTimeout(r, 10));
        calls.push(`first ${event.data.email}`);
      })
      .on('lead.captured', (event) => {
        calls.push(`second ${event.data.leadId}`);
      })
      .on('message.sent', (event) => {
        calls.push(`message ${event.data.role}`);
      });
    const outcome = await receiver.receive(JSON.stringify(lead));
    expect(outcome).toMatchObject({ kind: 'handled', status: 200, body: { ok: true, event: 'lead.captured' } });
    expect(calls).toEqual(['first jane@example.com', 'second lead_123']);
    await receiver.receive(Buffer.from(JSON.stringify(message)));
    expect(calls.at(-1)).toBe('message user');
  });

  it('answers 200 for a valid event with no handler', async () => {
    const outcome = await createWebhookReceiver().receive(JSON.stringify(message));
    expect(outcome).toMatchObject({ kind: 'unhandled', status: 200 });
  });

  it('answers 400 with the issues for an invalid event, without calling handlers', async () => {
    let called = false;
    const receiver = createWebhookReceiver().on('lead.captured', () => {
      called = true;
    });
    const outcome = await receiver.receive(JSON.stringify({ ...lead, data: { ...lead.data, email: 'nope' } }));
    expect(outcome.status).toBe(400);
    expect(outcome.body).toMatchObject({
      ok: false,
      error: 'invalid_webhook_event',
      errors: [{ path: '/data/email', keyword: 'format' }],
    });
    expect(called).toBe(false);
    expect((await receiver.receive('{not json')).body).toMatchObject({ errors: [{ keyword: 'json' }] });
  });

  it('answers 500 when a handler throws, and reports it to onError', async () => {
    const seen: unknown[] = [];
    const receiver = createWebhookReceiver({
      onError: (error, event) => seen.push([(error as Error).message, event?.event]),
    }).on('lead.captured', () => {
      throw new Error('database down');
    });
    const outcome = await receiver.receive(JSON.stringify(lead));
    expect(outcome).toMatchObject({ kind: 'handler-error', status: 500, body: { ok: false, error: 'handler_failed' } });
    expect(seen).toEqual([['database down', 'lead.captured']]);
  });

  it('acknowledges a well-formed unknown event (202) through onUnknownEvent, which may reject it', async () => {
    const seen: string[] = [];
    const accepting = createWebhookReceiver({
      onUnknownEvent: (event) => {
        seen.push(event.event);
      },
    });
    expect(await accepting.receive(JSON.stringify(unknownEvent))).toMatchObject({ kind: 'unknown-event', status: 202 });
    expect(seen).toEqual(['lead.deleted']);
    expect((await createWebhookReceiver().receive(JSON.stringify(unknownEvent))).status).toBe(202);
    const rejecting = createWebhookReceiver({ onUnknownEvent: () => false });
    expect((await rejecting.receive(JSON.stringify(unknownEvent))).status).toBe(400);
    // Strict mode rejects it, and so does an envelope that is not well formed.
    expect((await createWebhookReceiver({ strict: true }).receive(JSON.stringify(unknownEvent))).status).toBe(400);
    expect((await accepting.receive(JSON.stringify({ ...unknownEvent, timestamp: 'yesterday' }))).status).toBe(400);
    expect((await accepting.receive(JSON.stringify({ ...unknownEvent, data: [] }))).status).toBe(400);
  });

  it('applies strict mode to the events it receives', async () => {
    const receiver = createWebhookReceiver({ strict: true });
    const outcome = await receiver.receive(JSON.stringify({ ...lead, extra: 1 }));
    expect(outcome.body).toMatchObject({ errors: [{ path: '/extra', keyword: 'additionalProperties' }] });
  });

  it('refuses a handler for an event that does not exist', () => {
    expect(() => createWebhookReceiver().on('lead.deleted' as never, () => undefined)).toThrow(
      /Unknown event "lead.deleted"/,
    );
  });
});

describe('WebhookReceiver.nodeHandler over HTTP', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  async function start(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  }

  it('answers valid, invalid, wrong method, wrong media type and oversized requests', async () => {
    const received: WebhookEvent[] = [];
    const receiver = createWebhookReceiver({ maxBodyBytes: 2048 }).on('lead.captured', (event) => {
      received.push(event);
    });
    const url = await start(receiver.nodeHandler());
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(url, { method: 'POST', body, headers });

    const ok = await post(JSON.stringify(lead));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, event: 'lead.captured' });
    expect(received).toEqual([lead]);

    const bad = await post(JSON.stringify({ ...lead, timestamp: '2026-02-30T12:00:00Z' }));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ path: '/timestamp', keyword: 'format' }),
    ]);

    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');

    expect((await post(JSON.stringify(lead), { 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (await post(JSON.stringify(lead), { 'content-type': 'application/cloudevents+json; charset=utf-8' })).status,
    ).toBe(200);
    expect((await post(JSON.stringify({ ...lead, padding: 'x'.repeat(4000) }))).status).toBe(413);
    expect(received).toHaveLength(2);
  });

  it('uses a body a framework already read (express.raw: a Buffer; express.json: an object)', async () => {
    const events: string[] = [];
    const handler = createWebhookReceiver()
      .on('message.sent', (event) => {
        events.push(event.data.content);
      })
      .nodeHandler();
    const url = await start(async (req: IncomingMessage & { body?: unknown }, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      req.body = req.headers['x-parsed'] ? JSON.parse(raw.toString()) : raw; // what the middleware leaves
      await handler(req, res);
    });
    const json = { 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', body: JSON.stringify(message), headers: json })).status).toBe(200);
    expect(
      (await fetch(url, { method: 'POST', body: JSON.stringify(message), headers: { ...json, 'x-parsed': '1' } }))
        .status,
    ).toBe(200);
    expect(events).toEqual(['Message text', 'Message text']);
  });

  it('answers 500 and keeps serving when a handler fails', async () => {
    let fail = true;
    const url = await start(
      createWebhookReceiver()
        .on('lead.captured', () => {
          if (fail) throw new Error('boom');
        })
        .nodeHandler(),
    );
    const init = { method: 'POST', body: JSON.stringify(lead), headers: { 'content-type': 'application/json' } };
    expect((await fetch(url, init)).status).toBe(500);
    fail = false;
    expect((await fetch(url, init)).status).toBe(200);
  });
});
