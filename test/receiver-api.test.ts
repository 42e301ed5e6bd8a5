// The receiver's API beyond one handler per event: fetchHandler(), several names per handler,
// onAny, failing handlers that are never silent, waitUntil, and receive() refusing non-bodies.
import { describe, expect, it } from 'vitest';
import { WebhookHandlerError, createWebhookReceiver, type WebhookEvent } from '../src/index.js';
import { readJson } from './helpers.js';

const lead = readJson<any>('examples/lead.captured.json');
const message = readJson<any>('examples/message.sent.user.json');
const LEAD = JSON.stringify(lead);

const post = (body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://127.0.0.1/webhooks', { method: 'POST', body, headers });

/** A logger that keeps what it was told. */
function recordingLogger() {
  const lines: unknown[][] = [];
  return { lines, logger: { error: (...data: unknown[]) => void lines.push(data) } };
}

describe('fetchHandler()', () => {
  it('answers a Request with a Response: 200, 400, 405 with Allow, 415', async () => {
    const seen: string[] = [];
    const handler = createWebhookReceiver()
      .on('lead.captured', (event) => void seen.push(event.data.leadId))
      .fetchHandler();
    const ok = (await handler(post(LEAD))) as Response;
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, event: 'lead.captured' });
    expect(seen).toEqual([lead.data.leadId]);
    const bad = (await handler(post(JSON.stringify({ ...lead, timestamp: 'yesterday' })))) as Response;
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0]).toMatchObject({ path: '/timestamp', keyword: 'format' });
    const get = (await handler(new Request('http://127.0.0.1/webhooks'))) as Response;
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(((await handler(post(LEAD, { 'content-type': 'text/plain' }))) as Response).status).toBe(415);
  });

  it('cancels a streamed body as soon as it passes the limit, without reading the rest', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(0x20));
        if (pulled >= 10_000) controller.close();
      },
    });
    const handler = createWebhookReceiver({ maxBodyBytes: 4096 }).fetchHandler();
    const init = { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' };
    const answer = (await handler(new Request('http://127.0.0.1/', init as RequestInit))) as Response;
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ error: 'payload_too_large', limit: 4096 });
    expect(pulled).toBeLessThan(20); // not 10,000: reading stopped at the limit
  });

  it('with waitUntil, acknowledges a valid delivery before its handlers finish, and hands them over', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const done: string[] = [];
    const errors: unknown[] = [];
    const handler = createWebhookReceiver({ onError: (error) => void errors.push(error) })
      .on('lead.captured', async (event) => {
        await gate;
        done.push(event.event);
      })
      .on('message.sent', () => {
        throw new Error('queue down');
      })
      .fetchHandler({ waitUntil: true });
    const waited: Promise<unknown>[] = [];
    const context = { waitUntil: (p: Promise<unknown>) => void waited.push(p) };
    const answer = (await handler(post(LEAD), context)) as Response;
    expect(answer.status).toBe(200);
    expect(done).toEqual([]);
    expect(waited).toHaveLength(1);
    release();
    await Promise.all(waited);
    expect(done).toEqual(['lead.captured']);
    // A failing deferred handler is reported, never an unhandled rejection.
    expect(((await handler(post(JSON.stringify(message)), context)) as Response).status).toBe(200);
    await Promise.all(waited);
    expect(errors.map((e) => (e as Error).message)).toEqual(['queue down']);
    // Without a context that has waitUntil, handlers run before the answer as usual.
    const failing = (await handler(post(JSON.stringify(message)))) as Response;
    expect(failing.status).toBe(500);
    // A Worker passes (request, env, ctx): the context is found after the env.
    const before = waited.length;
    expect(((await handler(post(LEAD), { DB: 'binding' }, context)) as Response).status).toBe(200);
    expect(waited.length).toBe(before + 1);
    release();
    await Promise.all(waited);
    // Invalid deliveries are never deferred.
    expect(((await handler(post('{}'), context)) as Response).status).toBe(400);
  });
});

describe('handlers', () => {
  it('on([...names]) registers one handler for several events, onAny sees every known event after them', async () => {
    const calls: string[] = [];
    const receiver = createWebhookReceiver()
      .on(['lead.captured', 'message.sent'], (event) => void calls.push(`some ${event.event}`))
      .onAny((event: WebhookEvent) => void calls.push(`any ${event.event}`));
    await receiver.receive(LEAD);
    await receiver.receive(JSON.stringify(message));
    await receiver.receive(JSON.stringify({ ...lead, event: 'lead.deleted' })); // unknown: not onAny's
    expect(calls).toEqual(['some lead.captured', 'any lead.captured', 'some message.sent', 'any message.sent']);
    expect(() => receiver.on(['lead.captured', 'lead.deleted' as never], () => undefined)).toThrow(/lead\.deleted/);
  });

  it('a failing handler without onError is logged with the event name, message and stack, then answered 500', async () => {
    const { lines, logger } = recordingLogger();
    const receiver = createWebhookReceiver({ logger }).on('lead.captured', () => {
      throw new Error('database down');
    });
    const outcome = await receiver.receive(LEAD);
    expect(outcome).toMatchObject({ kind: 'handler-error', status: 500, body: { ok: false, error: 'handler_failed' } });
    if (outcome.kind !== 'handler-error') return;
    expect(outcome.error).toBeInstanceOf(WebhookHandlerError);
    expect(outcome.error).toMatchObject({ event: 'lead.captured', message: expect.stringContaining('database down') });
    expect((outcome.error as Error).cause).toBeInstanceOf(Error);
    expect(lines).toHaveLength(1);
    expect(String(lines[0]![0])).toContain('"lead.captured"');
    expect((lines[0]![1] as Error).stack).toContain('database down');
  });

  it('with onError, onError gets the original error and nothing is logged', async () => {
    const { lines, logger } = recordingLogger();
    const seen: unknown[] = [];
    const original = new Error('nope');
    const receiver = createWebhookReceiver({
      logger,
      onError: (error, event) => void seen.push([error, event?.event]),
    });
    receiver.on('lead.captured', () => Promise.reject(original));
    expect((await receiver.receive(LEAD)).status).toBe(500);
    expect(seen).toEqual([[original, 'lead.captured']]);
    expect(lines).toEqual([]);
  });
});

describe('receive() takes raw bodies only', () => {
  it('rejects a parsed object or a Request with a TypeError that says what to call instead', async () => {
    const receiver = createWebhookReceiver();
    // @ts-expect-error a parsed value is not a raw body
    await expect(receiver.receive(lead as object)).rejects.toThrow(/got an object.*receiveParsed/s);
    // @ts-expect-error a Request is not a raw body
    await expect(receiver.receive(post(LEAD))).rejects.toThrow(/got a Request.*fetchHandler/s);
    expect((await receiver.receiveParsed(lead)).status).toBe(200);
  });

  it('reads an ArrayBuffer, a DataView and bytes from another realm like a Uint8Array', async () => {
    const receiver = createWebhookReceiver();
    const bytes = new TextEncoder().encode(LEAD);
    expect((await receiver.receive(bytes.buffer.slice(0))).status).toBe(200);
    expect((await receiver.receive(new DataView(bytes.buffer.slice(0)))).status).toBe(200);
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('new Uint8Array(bytes)', { bytes: Array.from(bytes) }) as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect((await receiver.receive(foreign)).status).toBe(200);
  });

  it('counts a string body in UTF-8 bytes against maxBodyBytes', async () => {
    const receiver = createWebhookReceiver({ maxBodyBytes: 1000 });
    const body = JSON.stringify({ ...lead, data: { ...lead.data, name: 'é'.repeat(400) } }); // < 1000 units, > 1000 bytes
    expect(body.length).toBeLessThan(1000);
    expect((await receiver.receive(body)).status).toBe(413);
  });
});
