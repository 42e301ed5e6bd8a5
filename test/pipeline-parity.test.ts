// One pipeline, three adapters: the same request gets byte-identical answers (status,
// content-type, allow and body) from nodeHandler() behind node:http, fetchHandler() given a Web
// Request, and `listen`, configured alike (unknown events rejected, a 4096-byte limit).
// connection, content-length and date are not compared: runtimes set them.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookReceiver, signWebhook } from '../src/index.js';
import { readJson } from './helpers.js';
import { listen, requireBuild, type Listener } from './support/cli.js';

requireBuild();
const LIMIT = 4096;
const lead = readJson<any>('examples/lead.captured.json');
const LEAD = JSON.stringify(lead);
const JSON_TYPE = { 'content-type': 'application/json' };

interface Case {
  name: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Send the body in pieces without a Content-Length (chunked). */
  chunked?: boolean;
  status: number;
}

const utf8 = (text: string) => Buffer.from(text);
const CASES: Case[] = [
  { name: 'a valid event', headers: JSON_TYPE, body: utf8(LEAD), status: 200 },
  { name: 'a valid event without Content-Type', body: utf8(LEAD), status: 200 },
  {
    name: 'a +json media type',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: utf8(LEAD),
    status: 200,
  },
  { name: 'a byte-order mark before a valid event', headers: JSON_TYPE, body: utf8(`\uFEFF${LEAD}`), status: 200 },
  {
    name: 'an unknown property (default mode)',
    headers: JSON_TYPE,
    body: utf8(JSON.stringify({ ...lead, x: 1 })),
    status: 200,
  },
  {
    name: 'an invalid email',
    headers: JSON_TYPE,
    body: utf8(JSON.stringify({ ...lead, data: { ...lead.data, email: 'nope' } })),
    status: 400,
  },
  {
    name: 'an unknown event (rejected, as listen does)',
    headers: JSON_TYPE,
    body: utf8(JSON.stringify({ ...lead, event: 'lead.deleted' })),
    status: 400,
  },
  { name: 'an empty body', headers: JSON_TYPE, body: Buffer.alloc(0), status: 400 },
  { name: 'malformed JSON', headers: JSON_TYPE, body: utf8('{"event":'), status: 400 },
  {
    name: 'bytes that are not UTF-8',
    headers: JSON_TYPE,
    body: Buffer.concat([utf8(LEAD.slice(0, 40)), Buffer.from([0xff, 0xfe]), utf8(LEAD.slice(40))]),
    status: 400,
  },
  { name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: utf8(LEAD), status: 415 },
  {
    name: 'a gzip body',
    headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    body: gzipSync(LEAD),
    status: 415,
  },
  { name: 'an announced oversized body', headers: JSON_TYPE, body: Buffer.alloc(LIMIT * 2, 0x20), status: 413 },
  {
    name: 'a streamed oversized body',
    headers: JSON_TYPE,
    body: Buffer.alloc(LIMIT * 4, 0x20),
    chunked: true,
    status: 413,
  },
  { name: 'PUT', method: 'PUT', headers: JSON_TYPE, body: utf8(LEAD), status: 405 },
  { name: 'DELETE', method: 'DELETE', status: 405 },
  { name: 'OPTIONS', method: 'OPTIONS', status: 405 },
];

interface Answer {
  status: number;
  contentType: string | null;
  allow: string | null;
  body: string;
}

/** Sends a case over a real socket with node:http, exactly as described (no header added but Host). */
function overHttp(url: string, c: Case): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...c.headers };
    if (c.body !== undefined && !c.chunked) headers['content-length'] = c.body.byteLength;
    const req = httpRequest(`${url}hooks`, { method: c.method ?? 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          contentType: res.headers['content-type'] ?? null,
          allow: (res.headers.allow as string | undefined) ?? null,
          body,
        }),
      );
    });
    req.on('error', reject);
    if (c.chunked && c.body) {
      for (let i = 0; i < c.body.byteLength; i += 1024) req.write(c.body.subarray(i, i + 1024));
      req.end();
    } else req.end(c.body);
  });
}

/** Hands a case to fetchHandler() as a Web Request, the body as a stream when chunked. */
async function overFetch(handler: (r: Request) => Promise<unknown>, c: Case): Promise<Answer> {
  const headers = new Headers(c.headers);
  if (c.body !== undefined && !c.chunked) headers.set('content-length', String(c.body.byteLength));
  let body: BodyInit | undefined;
  if (c.body !== undefined && c.chunked) {
    const bytes = c.body;
    body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.byteLength; i += 1024)
          controller.enqueue(new Uint8Array(bytes.subarray(i, i + 1024)));
        controller.close();
      },
    });
  } else if (c.body !== undefined) body = new Uint8Array(c.body);
  const init: RequestInit & { duplex?: 'half' } = { method: c.method ?? 'POST', headers, duplex: 'half' };
  if (body !== undefined) init.body = body;
  const response = (await handler(new Request('http://127.0.0.1/hooks', init))) as Response;
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    allow: response.headers.get('allow'),
    body: await response.text(),
  };
}

const options = { unknownEvents: 'reject', maxBodyBytes: LIMIT } as const;
let server: Server;
let nodeUrl: string;
let listener: Listener;
const fetchHandler = createWebhookReceiver(options).fetchHandler() as unknown as (r: Request) => Promise<unknown>;

beforeAll(async () => {
  server = createServer(createWebhookReceiver(options).nodeHandler());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  nodeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  listener = await listen(['--max-body', String(LIMIT), '--quiet']);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  listener.child.kill('SIGKILL');
});

describe('nodeHandler(), fetchHandler() and listen answer alike', () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.status}`, async () => {
      const viaNode = await overHttp(nodeUrl, c);
      const viaFetch = await overFetch(fetchHandler, c);
      const viaListen = await overHttp(listener.url, c);
      expect(viaNode.status).toBe(c.status);
      expect(viaNode.contentType).toBe('application/json; charset=utf-8');
      expect(viaNode.allow).toBe(c.status === 405 ? 'POST' : null);
      expect(JSON.parse(viaNode.body).ok).toBe(c.status < 300);
      expect(viaFetch).toEqual(viaNode);
      expect(viaListen).toEqual(viaNode);
    });
  }
});

// The opt-in profile through the same three adapters: signature (401, with its reason) after the
// refusals on headers (405, 415, 413) and before the body is read as JSON (400); dedupe (200 with
// `duplicate: true` on a retry) through nodeHandler() and fetchHandler(), which listen does not do.
describe('with verify (and dedupe), nodeHandler(), fetchHandler() and listen --secret answer alike', () => {
  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const OTHER = `whsec_${Buffer.from('not-the-secret-the-sender-used!!').toString('base64')}`;
  const signedOptions = { ...options, verify: { secret: SECRET }, dedupe: true } as const;
  let signedServer: Server;
  let signedNodeUrl: string;
  let signedListener: Listener;
  const signedFetch = createWebhookReceiver(signedOptions).fetchHandler() as unknown as (
    r: Request,
  ) => Promise<unknown>;

  beforeAll(async () => {
    signedServer = createServer(createWebhookReceiver(signedOptions).nodeHandler());
    await new Promise<void>((resolve) => signedServer.listen(0, '127.0.0.1', resolve));
    signedNodeUrl = `http://127.0.0.1:${(signedServer.address() as AddressInfo).port}/`;
    signedListener = await listen(['--max-body', String(LIMIT), '--quiet', '--secret', SECRET]);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => signedServer.close(() => resolve()));
    signedListener.child.kill('SIGKILL');
  });

  const signed = async (body: string, extra: Record<string, string | number> = {}) => ({
    ...JSON_TYPE,
    ...(await signWebhook(body, { secret: SECRET, ...extra })),
  });
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<Case>][] = [
    ['a signed event', async () => ({ name: '', headers: await signed(LEAD), body: utf8(LEAD), status: 200 })],
    ['an unsigned event', async () => ({ name: '', headers: JSON_TYPE, body: utf8(LEAD), status: 401 })],
    ['a tampered body', async () => ({ name: '', headers: await signed(LEAD), body: utf8(`${LEAD} `), status: 401 })],
    [
      'a stale timestamp',
      async () => ({
        name: '',
        headers: await signed(LEAD, { timestamp: now() - 3600 }),
        body: utf8(LEAD),
        status: 401,
      }),
    ],
    [
      'a future timestamp',
      async () => ({
        name: '',
        headers: await signed(LEAD, { timestamp: now() + 3600 }),
        body: utf8(LEAD),
        status: 401,
      }),
    ],
    [
      'a wrong secret',
      async () => ({
        name: '',
        headers: { ...JSON_TYPE, ...(await signWebhook(LEAD, { secret: OTHER })) },
        body: utf8(LEAD),
        status: 401,
      }),
    ],
    [
      'unsigned malformed JSON (401 before 400)',
      async () => ({ name: '', headers: JSON_TYPE, body: utf8('{"event":'), status: 401 }),
    ],
    [
      'signed malformed JSON',
      async () => ({ name: '', headers: await signed('{"event":'), body: utf8('{"event":'), status: 400 }),
    ],
    [
      'signed bytes that are not UTF-8',
      async () => {
        const body = Buffer.concat([utf8(LEAD.slice(0, 40)), Buffer.from([0xff]), utf8(LEAD.slice(40))]);
        return {
          name: '',
          headers: { ...JSON_TYPE, ...(await signWebhook(body, { secret: SECRET })) },
          body,
          status: 400,
        };
      },
    ],
    [
      'unsigned text/plain (415 before 401)',
      async () => ({ name: '', headers: { 'content-type': 'text/plain' }, body: utf8(LEAD), status: 415 }),
    ],
    [
      'unsigned oversized (413 before 401)',
      async () => ({ name: '', headers: JSON_TYPE, body: Buffer.alloc(LIMIT * 2, 0x20), status: 413 }),
    ],
    [
      'unsigned PUT (405 before 401)',
      async () => ({ name: '', method: 'PUT', headers: JSON_TYPE, body: utf8(LEAD), status: 405 }),
    ],
  ];
  for (const [name, make] of cases) {
    it(`${name}`, async () => {
      const c = await make();
      const viaNode = await overHttp(signedNodeUrl, c);
      const viaFetch = await overFetch(signedFetch, c);
      const viaListen = await overHttp(signedListener.url, c);
      expect(viaNode.status, viaNode.body).toBe(c.status);
      if (c.status === 401)
        expect(JSON.parse(viaNode.body)).toMatchObject({ error: 'unauthorized', reason: expect.any(String) });
      expect(viaFetch).toEqual(viaNode);
      expect(viaListen).toEqual(viaNode);
    });
  }

  it('a retried delivery: 200 with duplicate: true from nodeHandler() and fetchHandler() alike', async () => {
    const c: Case = {
      name: '',
      headers: await signed(LEAD, { id: 'msg_parity_retry' }),
      body: utf8(LEAD),
      status: 200,
    };
    const first = [await overHttp(signedNodeUrl, c), await overFetch(signedFetch, c)];
    const again = [await overHttp(signedNodeUrl, c), await overFetch(signedFetch, c)];
    expect(first[1]).toEqual(first[0]);
    expect(again[1]).toEqual(again[0]);
    expect(JSON.parse(first[0]!.body)).toEqual({ ok: true, event: 'lead.captured' });
    expect(JSON.parse(again[0]!.body)).toEqual({ ok: true, event: 'lead.captured', duplicate: true });
  });
});
