// The receiver's opt-in `verify` and `dedupe` options: a forged, stale, tampered or unsigned
// delivery is answered 401 with its reason and reaches no handler; a delivery signed by either of
// two rotating secrets (here, by the official libraries too) is handled; a retried or concurrent
// duplicate runs the handlers once; a failed delivery frees its key; a delivery in progress in
// another instance sharing the store is answered 409 with Retry-After.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebhookReceiver, signWebhook, type WebhookReceiverOptions } from '../src/index.js';
import { MemoryDedupeStore, type DedupeStore } from '../src/dedupe.js';
import { readJson } from './helpers.js';

const lead = readJson<any>('examples/lead.captured.json');
const BODY = JSON.stringify(lead);
const A = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const B = `whsec_${Buffer.from('chatspark-rotation-test-secret-b').toString('base64')}`;
const WRONG = `whsec_${Buffer.from('not-the-secret-the-sender-used!!').toString('base64')}`;

afterEach(() => {
  vi.useRealTimers();
});

/** A receiver with one lead.captured handler that counts its runs. */
function counted(options: WebhookReceiverOptions, handler: () => unknown = () => undefined) {
  const runs = { count: 0 };
  const receiver = createWebhookReceiver(options).on('lead.captured', async () => {
    runs.count++;
    await handler();
  });
  return { receiver, runs };
}

describe('verify: the Standard Webhooks profile', () => {
  it('handles a signed delivery and answers 401 with the reason for each forgery, running no handler', async () => {
    const { receiver, runs } = counted({ verify: { secret: A } });
    const good = await signWebhook(BODY, { secret: A });
    expect(await receiver.receive(BODY, good)).toMatchObject({ kind: 'handled', status: 200 });
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, Record<string, string>][] = [
      ['no-matching-signature', BODY, await signWebhook(BODY, { secret: WRONG })],
      ['no-matching-signature', BODY.replace('Jane', 'Jake'), good],
      ['too-old', BODY, await signWebhook(BODY, { secret: A, timestamp: now - 600 })],
      ['too-new', BODY, await signWebhook(BODY, { secret: A, timestamp: now + 600 })],
      ['missing-header', BODY, {}],
      ['bad-timestamp', BODY, { ...good, 'webhook-timestamp': 'soon' }],
    ];
    for (const [reason, body, headers] of cases) {
      const outcome = await receiver.receive(body, headers);
      expect(outcome, reason).toMatchObject({
        kind: 'unauthorized',
        status: 401,
        reason,
        body: { ok: false, error: 'unauthorized', reason },
      });
      expect(typeof (outcome.body as { message?: unknown }).message).toBe('string');
    }
    expect(runs.count).toBe(1);
  });

  it('accepts either of two rotating secrets, and deliveries signed by standardwebhooks and svix', async () => {
    const { receiver, runs } = counted({ verify: { secret: [A, B] } });
    for (const secret of [A, B])
      expect((await receiver.receive(BODY, await signWebhook(BODY, { secret }))).status).toBe(200);
    const now = new Date();
    const seconds = String(Math.floor(now.getTime() / 1000));
    const official = {
      'webhook-id': 'msg_o',
      'webhook-timestamp': seconds,
      'webhook-signature': new StandardWebhook(B).sign('msg_o', now, BODY),
    };
    expect((await receiver.receive(BODY, official)).status).toBe(200);
    const svix = {
      'svix-id': 'msg_s',
      'svix-timestamp': seconds,
      'svix-signature': new SvixWebhook(A).sign('msg_s', now, BODY),
    };
    expect((await receiver.receive(Buffer.from(BODY), new Headers(svix))).status).toBe(200);
    expect(runs.count).toBe(4);
  });

  it('checks the signature before the body is parsed: unsigned junk is 401, signed junk is 400', async () => {
    const { receiver } = counted({ verify: { secret: A } });
    expect((await receiver.receive('{not json', {})).status).toBe(401);
    expect((await receiver.receive('{not json', await signWebhook('{not json', { secret: A }))).status).toBe(400);
    const invalid = JSON.stringify({ ...lead, data: { ...lead.data, email: 'nope' } });
    expect((await receiver.receive(invalid, {})).status).toBe(401);
    expect((await receiver.receive(invalid, await signWebhook(invalid, { secret: A }))).status).toBe(400);
  });

  it('a bad secret in the options throws at once (a loud misconfiguration)', () => {
    expect(() => createWebhookReceiver({ verify: { secret: 'hunter2!' } })).toThrow(/whsec_/);
    expect(() => createWebhookReceiver({ verify: { secret: [] } })).toThrow(TypeError);
  });

  it('a parsed body with verify configured is answered 500 raw_body_required, and onError is told', async () => {
    const errors: unknown[] = [];
    const { receiver, runs } = counted({
      verify: { secret: A },
      onError: (error, event) => errors.push([error, event]),
    });
    const outcome = await receiver.receiveParsed(lead, await signWebhook(BODY, { secret: A }));
    expect(outcome).toMatchObject({ kind: 'receiver-error', status: 500, body: { error: 'raw_body_required' } });
    expect(errors).toHaveLength(1);
    expect((errors[0] as [Error, unknown])[0].message).toMatch(/raw/);
    expect((errors[0] as [Error, unknown])[1]).toBeUndefined();
    expect(runs.count).toBe(0);
  });
});

describe('verify: a function for any other scheme', () => {
  it('true handles, false is 401 "rejected", a throw is 500 verification_failed with onError told', async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const { receiver, runs } = counted({
      verify: (raw, headers) => {
        seen.push(typeof raw === 'string' ? raw : Buffer.from(raw as Uint8Array).toString());
        const token = headers.get('X-Token');
        if (token === 'boom') throw new Error('key server down');
        return token === 'let-me-in';
      },
      onError: (error) => errors.push(error),
    });
    expect((await receiver.receive(BODY, { 'x-token': 'let-me-in' })).status).toBe(200);
    expect(await receiver.receive(BODY, { 'x-token': 'nope' })).toMatchObject({ status: 401, reason: 'rejected' });
    expect(await receiver.receive(BODY, { 'x-token': 'boom' })).toMatchObject({
      status: 500,
      body: { error: 'verification_failed' },
    });
    expect(errors).toHaveLength(1);
    expect(seen).toEqual([BODY, BODY, BODY]);
    expect(runs.count).toBe(1);
  });
});

describe('dedupe', () => {
  it('a retried delivery (same webhook-id) runs its handlers once and is answered 200 with duplicate: true', async () => {
    const { receiver, runs } = counted({ dedupe: true });
    const headers = { 'webhook-id': 'msg_retry' };
    expect(await receiver.receive(BODY, headers)).toMatchObject({ kind: 'handled', status: 200 });
    const again = await receiver.receive(BODY, headers);
    expect(again).toMatchObject({
      kind: 'duplicate',
      status: 200,
      body: { ok: true, event: 'lead.captured', duplicate: true },
    });
    expect((await receiver.receive(BODY, { 'webhook-id': 'msg_other' })).kind).toBe('handled');
    expect(runs.count).toBe(2);
  });

  it('a long webhook-id is kept in the store as its hash, and still tells deliveries apart', async () => {
    const keys: string[] = [];
    const store = new MemoryDedupeStore();
    const spy: DedupeStore = {
      add: (k, v, t) => (keys.push(k), store.add(k, v, t)),
      get: (k) => store.get(k),
      set: (k, v, t) => store.set(k, v, t),
      delete: (k) => store.delete(k),
    };
    const { receiver, runs } = counted({ dedupe: { store: spy } });
    const long = 'x'.repeat(10_000);
    expect((await receiver.receive(BODY, { 'webhook-id': long })).kind).toBe('handled');
    expect((await receiver.receive(BODY, { 'webhook-id': long })).kind).toBe('duplicate');
    expect((await receiver.receive(BODY, { 'webhook-id': `${long}y` })).kind).toBe('handled');
    expect((await receiver.receive(BODY, { 'webhook-id': 'msg_short' })).kind).toBe('handled');
    expect(runs.count).toBe(3);
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThan(100);
    expect(keys).toContain('webhook-id:msg_short');
  });

  it('without an id, the same body is a duplicate and another body is not', async () => {
    const { receiver, runs } = counted({ dedupe: {} });
    await receiver.receive(BODY);
    expect((await receiver.receive(Buffer.from(BODY))).kind).toBe('duplicate');
    expect((await receiver.receive(`${BODY} `)).kind).toBe('handled');
    expect(runs.count).toBe(2);
  });

  it('a failed delivery frees its key: the retry runs, then further retries are duplicates', async () => {
    let fail = true;
    const { receiver, runs } = counted({ dedupe: true, onError: () => undefined }, () => {
      if (fail) throw new Error('database down');
    });
    const headers = { 'webhook-id': 'msg_fail' };
    expect((await receiver.receive(BODY, headers)).status).toBe(500);
    fail = false;
    expect((await receiver.receive(BODY, headers)).kind).toBe('handled');
    expect((await receiver.receive(BODY, headers)).kind).toBe('duplicate');
    expect(runs.count).toBe(2);
  });

  it('concurrent duplicates in one process run the handlers once; they wait and share the answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { receiver, runs } = counted({ dedupe: true }, () => gate);
    const headers = { 'webhook-id': 'msg_burst' };
    const all = Array.from({ length: 8 }, () => receiver.receive(BODY, headers));
    await new Promise((r) => setTimeout(r, 20));
    release();
    const kinds = (await Promise.all(all)).map((o) => o.kind).sort();
    expect(kinds).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'handled',
    ]);
    expect(runs.count).toBe(1);
  });

  it('concurrent duplicates of a delivery that fails are none of them acknowledged', async () => {
    const { receiver, runs } = counted({ dedupe: true, onError: () => undefined }, async () => {
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('database down');
    });
    const headers = { 'webhook-id': 'msg_burst_fail' };
    const statuses = (await Promise.all(Array.from({ length: 4 }, () => receiver.receive(BODY, headers)))).map(
      (o) => o.status,
    );
    expect(statuses).toEqual([500, 500, 500, 500]);
    expect(runs.count).toBe(1);
  });

  it('in progress in another instance sharing the store: 409 with Retry-After, never 2xx', async () => {
    const store = new MemoryDedupeStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const one = counted({ dedupe: { store } }, () => gate);
    const two = counted({ dedupe: { store, retryAfterSeconds: 3 } });
    const headers = { 'webhook-id': 'msg_shared' };
    const first = one.receiver.receive(BODY, headers);
    await new Promise((r) => setTimeout(r, 10));
    const busy = await two.receiver.receive(BODY, headers);
    expect(busy).toMatchObject({
      kind: 'in-progress',
      status: 409,
      retryAfter: 3,
      body: { error: 'in_progress', retryAfter: 3 },
    });
    release();
    expect((await first).kind).toBe('handled');
    expect((await two.receiver.receive(BODY, headers)).kind).toBe('duplicate');
    expect(one.runs.count + two.runs.count).toBe(1);
  });

  it('a reservation expires (a crashed instance does not block the key), a done key after its TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = new MemoryDedupeStore();
    store.add('webhook-id:msg_crashed', 'pending', 60); // an instance died holding it
    const { receiver, runs } = counted({ dedupe: { store, ttlSeconds: 3600 } });
    expect((await receiver.receive(BODY, { 'webhook-id': 'msg_crashed' })).status).toBe(409);
    vi.setSystemTime(Date.now() + 61_000);
    expect((await receiver.receive(BODY, { 'webhook-id': 'msg_crashed' })).kind).toBe('handled');
    vi.setSystemTime(Date.now() + 3_599_000);
    expect((await receiver.receive(BODY, { 'webhook-id': 'msg_crashed' })).kind).toBe('duplicate');
    vi.setSystemTime(Date.now() + 2_000);
    expect((await receiver.receive(BODY, { 'webhook-id': 'msg_crashed' })).kind).toBe('handled');
    expect(runs.count).toBe(2);
  });

  it('the in-memory store is bounded: the oldest keys go first', () => {
    const store = new MemoryDedupeStore({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) expect(store.add(key, 'done', 60)).toBe(true);
    expect(store.size).toBe(3);
    expect(store.get('a')).toBeUndefined();
    expect(store.add('d', 'done', 60)).toBe(false);
    const big = new MemoryDedupeStore();
    for (let i = 0; i < 20_000; i++) big.add(`k${i}`, 'done', 60);
    expect(big.size).toBeLessThanOrEqual(10_000); // the default bound
    expect(big.size).toBeGreaterThan(9_000); // a sixteenth is evicted at a time
    expect(big.get('k0')).toBeUndefined();
    for (let i = 20_000 - 9_000; i < 20_000; i++) expect(big.get(`k${i}`)).toBe('done'); // the newest stay
  });

  it('a failing store answers 500 dedupe_failed and runs no handler; a custom key is used', async () => {
    const broken: DedupeStore = {
      add: () => Promise.reject(new Error('redis://secret@host down')),
      set: () => undefined,
      get: () => null,
      delete: () => undefined,
    };
    const errors: unknown[] = [];
    const { receiver, runs } = counted({ dedupe: { store: broken }, onError: (e) => errors.push(e) });
    const outcome = await receiver.receive(BODY, { 'webhook-id': 'x' });
    expect(outcome).toMatchObject({ status: 500, body: { error: 'dedupe_failed' } });
    expect(JSON.stringify(outcome.body)).not.toContain('secret@host');
    expect(errors).toHaveLength(1);
    expect(runs.count).toBe(0);
    const keys: string[] = [];
    const store = new MemoryDedupeStore();
    const spy: DedupeStore = {
      ...store,
      add: (k, v, t) => (keys.push(k), store.add(k, v, t)),
      get: (k) => store.get(k),
      set: (k, v, t) => store.set(k, v, t),
      delete: (k) => store.delete(k),
    };
    const custom = counted({
      dedupe: { store: spy, key: (event, headers) => `${event.event}:${headers.get('X-Delivery')}` },
    });
    await custom.receiver.receive(BODY, { 'x-delivery': '7' });
    expect(keys).toEqual(['lead.captured:7']);
  });

  it('with fetchHandler({ waitUntil }), both copies are acknowledged and the deferred handlers still run once', async () => {
    const { receiver, runs } = counted({ verify: { secret: A }, dedupe: true });
    const handler = receiver.fetchHandler({ waitUntil: true }) as unknown as (
      r: Request,
      ctx: object,
    ) => Promise<Response>;
    const deferred: Promise<unknown>[] = [];
    const ctx = { waitUntil: (promise: Promise<unknown>) => void deferred.push(promise) };
    const headers = { 'content-type': 'application/json', ...(await signWebhook(BODY, { secret: A })) };
    const post = () => handler(new Request('http://x/', { method: 'POST', headers, body: BODY }), ctx);
    expect([(await post()).status, (await post()).status]).toEqual([200, 200]);
    const kinds = (await Promise.all(deferred)).map((o) => (o as { kind: string }).kind).sort();
    expect(kinds).toEqual(['duplicate', 'handled']);
    expect(runs.count).toBe(1);
    const forged = await handler(
      new Request('http://x/', { method: 'POST', headers: { ...headers, 'webhook-signature': 'v1,AAAA' }, body: BODY }),
      ctx,
    );
    expect(forged.status).toBe(401); // verified before anything is acknowledged
    expect(deferred).toHaveLength(2);
  });

  it('verify and dedupe together: a replayed signed delivery runs once; a forged copy of its id is 401', async () => {
    const { receiver, runs } = counted({ verify: { secret: A }, dedupe: true });
    const headers = await signWebhook(BODY, { secret: A, id: 'msg_signed' });
    expect((await receiver.receive(BODY, headers)).kind).toBe('handled');
    expect((await receiver.receive(BODY, headers)).kind).toBe('duplicate');
    expect((await receiver.receive(BODY, await signWebhook(BODY, { secret: WRONG, id: 'msg_signed' }))).status).toBe(
      401,
    );
    expect(runs.count).toBe(1);
  });
});

describe('over HTTP: nodeHandler() gives the headers to verify and dedupe', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('a signed delivery, its retry and a forgery', async () => {
    const { receiver, runs } = counted({ verify: { secret: [A, B] }, dedupe: true });
    server = createServer(receiver.nodeHandler());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const headers = { 'content-type': 'application/json', ...(await signWebhook(BODY, { secret: B })) };
    const post = (h: Record<string, string>) => fetch(url, { method: 'POST', headers: h, body: BODY });
    const first = await post(headers);
    expect(first.status).toBe(200);
    const retry = await post(headers);
    expect([retry.status, await retry.json()]).toEqual([200, { ok: true, event: 'lead.captured', duplicate: true }]);
    const forged = await post({ ...headers, 'webhook-signature': 'v1,AAAA' });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'unauthorized', reason: 'no-matching-signature' });
    expect(runs.count).toBe(1);
  });
});
