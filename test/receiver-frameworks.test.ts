// The receiver gives the same request the same answer (status, content-type, allow, JSON body)
// whatever sits in front of `receiver.nodeHandler()`: raw node:http, Express 4 and 5 (bare, behind
// an app-wide express.json(), with express.raw or express.text on the route) and Fastify 5 with a
// buffer parser scoped to the webhook route. Each front runs in a child process (a crash is then a
// failed test, not a dead test run) on 127.0.0.1. Also: receive() takes bytes in any shape.
//
// Decisions encoded here (see ../shared/notes/clarifications-2.md):
// - Express 4's parsers leave `req.body = {}` when they skip a request; that placeholder is not a
//   body: the receiver reads the stream (a request with no Content-Type is valid JSON → 200).
// - Behind express.json() the receiver sees a parsed value: valid, invalid and unknown events get
//   the raw verdicts; Content-Encoding, size (Content-Length) and an empty body (Content-Length: 0)
//   are still judged from the headers. Invalid UTF-8 is not checked behind express.json() or
//   express.text(): those parsers decode lossily before the receiver runs (use express.raw or
//   `req.rawBody` for byte-exact verdicts).
// - The webhook route is mounted for all methods so that a GET reaches the receiver (405).
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWebhookReceiver } from '../src/index.js';
import { readJson } from './helpers.js';
import { FRONTS, type Front } from './support/frameworks.js';
import { send, type Answer } from './support/raw-http.js';
import { startServerChild, type ServerChild } from './support/receiver-child.js';

// Each test starts a child process: generous bounds for a loaded machine (no timing is asserted).
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
const LIMIT = 4096;
const lead = readJson<any>('examples/lead.captured.json');
const LEAD = JSON.stringify(lead);
const JSON_TYPE = { 'content-type': 'application/json' };

interface Case {
  name: string;
  request: Parameters<typeof send>[1];
  /**
   * Fronts whose parser takes the bytes away before the receiver runs, and what they then get
   * instead (the README documents it): compared with that, not with raw node:http.
   */
  otherwise?: { fronts: (front: Front) => boolean; check: (answer: Answer, body: any) => void };
  check: (answer: Answer, body: any) => void;
}

const lossyParser = (front: Front): boolean => front.endsWith('-json') || front.endsWith('-text');
const invalidLead = JSON.stringify({ ...lead, data: { ...lead.data, email: 'nope' } });
const [beforeName, afterName] = JSON.stringify({ ...lead, data: { ...lead.data, name: '@@' } }).split('@@') as [
  string,
  string,
];

const CASES: Case[] = [
  {
    name: 'valid lead.captured → 200',
    request: { headers: JSON_TYPE, body: LEAD },
    check: (a, body) => {
      expect(a.status).toBe(200);
      expect(body).toEqual({ ok: true, event: 'lead.captured' });
    },
  },
  {
    name: 'invalid event → 400 invalid_webhook_event with its errors',
    request: { headers: JSON_TYPE, body: invalidLead },
    check: (a, body) => {
      expect(a.status).toBe(400);
      expect(body).toMatchObject({
        ok: false,
        error: 'invalid_webhook_event',
        errors: [expect.objectContaining({ path: '/data/email', keyword: 'format' })],
      });
    },
  },
  {
    name: 'unknown event (well-formed envelope) → 202',
    request: {
      headers: JSON_TYPE,
      body: JSON.stringify({ event: 'lead.deleted', timestamp: '2026-02-24T12:00:00Z', data: { leadId: 'l_1' } }),
    },
    check: (a, body) => {
      expect(a.status).toBe(202);
      expect(body).toMatchObject({ ok: true, event: 'lead.deleted', unknown: true });
    },
  },
  {
    name: 'text/plain body → 415 unsupported_media_type',
    request: { headers: { 'content-type': 'text/plain' }, body: LEAD },
    check: (a, body) => {
      expect(a.status).toBe(415);
      expect(body).toMatchObject({ ok: false, error: 'unsupported_media_type' });
    },
  },
  {
    name: 'no Content-Type with valid JSON → 200',
    request: { headers: {}, body: LEAD },
    check: (a, body) => {
      expect(a.status).toBe(200);
      expect(body).toEqual({ ok: true, event: 'lead.captured' });
    },
  },
  {
    name: 'empty body with application/json → 400 (empty body, keyword json)',
    request: { headers: JSON_TYPE, body: '' },
    check: (a, body) => {
      expect(a.status).toBe(400);
      expect(body).toMatchObject({ ok: false, error: 'invalid_webhook_event', errors: [{ keyword: 'json' }] });
      expect(JSON.stringify(body.errors)).toMatch(/empty/i);
    },
  },
  {
    name: 'GET → 405 with Allow: POST',
    request: { method: 'GET' },
    check: (a, body) => {
      expect(a.status).toBe(405);
      expect(a.headers.allow).toBe('POST');
      expect(body).toMatchObject({ ok: false, error: 'method_not_allowed' });
    },
  },
  {
    name: 'Content-Encoding: gzip → 415 naming the encoding (never decompressed)',
    request: { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: gzipSync(LEAD) },
    check: (a, body) => {
      expect(a.status).toBe(415);
      expect(body).toMatchObject({ ok: false, error: 'unsupported_media_type' });
      expect(JSON.stringify(body)).toContain('gzip');
    },
  },
  {
    name: 'body over maxBodyBytes → 413 payload_too_large',
    request: { headers: JSON_TYPE, body: JSON.stringify({ ...lead, padding: 'x'.repeat(2 * LIMIT) }) },
    check: (a, body) => {
      expect(a.status).toBe(413);
      expect(body).toMatchObject({ ok: false, error: 'payload_too_large', limit: LIMIT });
    },
  },
  {
    name: 'invalid UTF-8 bytes → 400 keyword json',
    request: {
      headers: JSON_TYPE,
      body: Buffer.concat([Buffer.from(beforeName), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(afterName)]),
    },
    // express.json and express.text decode lossily (U+FFFD) before the receiver runs: the bytes are
    // gone, the name holds U+FFFD, and the event is valid. Documented; mount express.raw instead.
    otherwise: {
      fronts: lossyParser,
      check: (a, body) => {
        expect(a.status).toBe(200);
        expect(body).toEqual({ ok: true, event: 'lead.captured' });
      },
    },
    check: (a, body) => {
      expect(a.status).toBe(400);
      expect(body).toMatchObject({ ok: false, error: 'invalid_webhook_event', errors: [{ keyword: 'json' }] });
    },
  },
];

function bodyOf(answer: Answer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    return { notJson: answer.text.slice(0, 200) };
  }
}

/** What the clarifications compare across adapters: status, content-type, allow and the body bytes. */
const comparable = (a: Answer) => ({
  status: a.status,
  contentType: a.headers['content-type'],
  allow: a.headers.allow,
  body: a.text,
});

// The reference answers: raw node:http in front.
let reference: ServerChild;
const referenceAnswers = new Map<string, Answer>();
beforeAll(async () => {
  reference = await startServerChild('node', LIMIT);
});
afterAll(() => reference?.stop());

async function referenceAnswer(c: Case): Promise<Answer> {
  let answer = referenceAnswers.get(c.name);
  if (!answer) {
    answer = await send(reference.url, c.request);
    referenceAnswers.set(c.name, answer);
  }
  return answer;
}

describe.each(FRONTS)('the same answers behind %s', (front) => {
  let server: ServerChild;
  beforeAll(async () => {
    server = await startServerChild(front, LIMIT);
  });
  afterAll(() => server?.stop());

  for (const c of CASES) {
    const differs = c.otherwise?.fronts(front) === true;
    it(differs ? `${c.name} (but the parser in front decides: documented)` : c.name, async () => {
      const answer = await send(server.url, c.request);
      (differs ? c.otherwise!.check : c.check)(answer, bodyOf(answer));
      if (front !== 'node' && !differs) expect(comparable(answer)).toEqual(comparable(await referenceAnswer(c)));
      expect(server.alive(), server.output()).toBe(true);
    });
  }
});

describe('the parsers around the webhook route', () => {
  it('Fastify: another route still gets a parsed object from the default JSON parser, not a Buffer', async () => {
    const server = await startServerChild('fastify', LIMIT);
    try {
      const answer = await send(server.url.replace(/\/hook$/, '/other'), { headers: JSON_TYPE, body: LEAD });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ isBuffer: false, type: 'object', event: 'lead.captured' });
    } finally {
      await server.stop();
    }
  });

  it.each(['express4-json', 'express5-json'] as const)(
    '%s: an app-wide express.json() still parses other routes while the hook answers',
    async (front) => {
      const server = await startServerChild(front, LIMIT);
      try {
        const other = await send(server.url.replace(/\/hook$/, '/other'), { headers: JSON_TYPE, body: LEAD });
        expect(JSON.parse(other.text)).toEqual({ isBuffer: false, type: 'object' });
        expect((await send(server.url, { headers: JSON_TYPE, body: LEAD })).status).toBe(200);
      } finally {
        await server.stop();
      }
    },
  );

  it.each(['express4-text', 'express5-text'] as const)(
    '%s: a string body under the limit in UTF-16 units but over it in UTF-8 bytes → 413',
    async (front) => {
      const server = await startServerChild(front, LIMIT);
      try {
        // 'é' is one UTF-16 unit and two UTF-8 bytes: about 0.6 × LIMIT units, 1.2 × LIMIT bytes.
        const body = JSON.stringify({ ...lead, data: { ...lead.data, message: 'é'.repeat(Math.floor(LIMIT * 0.6)) } });
        expect(body.length).toBeLessThan(LIMIT);
        expect(Buffer.byteLength(body)).toBeGreaterThan(LIMIT);
        // Sent chunked (no Content-Length), so only the string's size can tell.
        const answer = await send(server.url, { headers: JSON_TYPE, body, chunked: true });
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.text)).toMatchObject({ ok: false, error: 'payload_too_large', limit: LIMIT });
      } finally {
        await server.stop();
      }
    },
  );
});

describe('receive() takes bytes in any shape', () => {
  const receiver = createWebhookReceiver();
  const valid = { status: 200, body: { ok: true, event: 'lead.captured' } };

  it('an ArrayBuffer validates like the same bytes as a Uint8Array', async () => {
    const bytes = await new Response(LEAD).arrayBuffer();
    expect(await receiver.receive(new TextEncoder().encode(LEAD))).toMatchObject(valid);
    expect(await receiver.receive(bytes)).toMatchObject(valid);
  });

  it('a DataView (at an offset into a larger buffer) validates like the same bytes', async () => {
    const encoded = new TextEncoder().encode(`xxxx${LEAD}yyyy`);
    const view = new DataView(encoded.buffer, encoded.byteOffset + 4, encoded.byteLength - 8);
    expect(await receiver.receive(view)).toMatchObject(valid);
  });

  it('a Uint8Array from another realm (vm context) validates like the same bytes', async () => {
    const bytes = [...new TextEncoder().encode(LEAD)];
    const foreign = runInNewContext(`new Uint8Array(${JSON.stringify(bytes)})`) as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(await receiver.receive(foreign)).toMatchObject(valid);
  });

  it('a Buffer view at an offset validates its own bytes only', async () => {
    const pool = Buffer.from(`{"junk":1}${LEAD}`);
    expect(await receiver.receive(pool.subarray(10))).toMatchObject(valid);
  });

  /** What receive() says about a value: its outcome, or the error it threw or rejected with. */
  async function verdict(value: unknown): Promise<string> {
    try {
      return JSON.stringify(await receiver.receive(value as never));
    } catch (error) {
      return String(error);
    }
  }

  it('a number is not a body: the answer names what came', async () => {
    const said = await verdict(42);
    expect(said).toMatch(/number/i);
    expect(said).not.toMatch(/Missing required property/);
  });

  it('a Request is not a body: the answer names what came', async () => {
    const said = await verdict(new Request('http://127.0.0.1/hook', { method: 'POST', body: LEAD }));
    expect(said).toMatch(/Request/);
    expect(said).not.toMatch(/Missing required property/);
  });
});
