// Hostile clients never crash a server built on `receiver.nodeHandler()`, and it keeps serving:
// a client that goes away mid-body, a chunked body cut short, a socket reset, a client that stalls
// and then gives up. The server runs in a child process (test/support/receiver-server.ts), so a
// crash is the child exiting. And an answer given before the body was read (413) reaches a client
// that uploads its whole body first, with or without Content-Length and with Expect: 100-continue.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readJson } from './helpers.js';
import type { Front } from './support/frameworks.js';
import { head, rawConnect, send, upload } from './support/raw-http.js';
import { startServerChild, type ServerChild } from './support/receiver-child.js';

// Each test starts a child process: generous bounds for a loaded machine (no timing is asserted).
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
const LIMIT = 4096;
const LEAD = JSON.stringify(readJson('examples/lead.captured.json'));
const JSON_TYPE = { 'content-type': 'application/json' };
/** Fronts that hand the request stream itself to the receiver (Fastify reads the body first). */
const STREAMING: readonly Front[] = ['node', 'express4', 'express5'];
const FRONTS: readonly Front[] = [...STREAMING, 'fastify'];

let server: ServerChild | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** After a hostile client: the process is alive, and a valid delivery is answered 200. */
async function expectStillServing(child: ServerChild): Promise<void> {
  // Let a crash (an unhandled rejection right after the delivery settled) happen first.
  await Promise.race([child.exited, sleep(200)]);
  expect(child.alive(), `the ${child.front} server died:\n${child.output()}`).toBe(true);
  const answer = await send(child.url, { headers: JSON_TYPE, body: LEAD });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({ ok: true, event: 'lead.captured' });
  expect(child.alive()).toBe(true);
}

/** The hostile request settles (a logged outcome when the receiver saw it) without a crash. */
async function expectAbortedWithoutCrash(child: ServerChild): Promise<void> {
  if (STREAMING.includes(child.front)) {
    await child.waitForLines(1);
    expect(child.lines[0], child.output()).toMatchObject({ type: 'outcome', kind: 'aborted' });
  }
  await expectStillServing(child);
}

const partialHead = (url: string, headers: Record<string, string>) => head(url, { ...JSON_TYPE, ...headers });

describe.each(FRONTS)('hostile clients behind %s', (front) => {
  it('a client that goes away mid-body (Content-Length 1000, 10 bytes sent, socket destroyed)', async () => {
    server = await startServerChild(front, LIMIT);
    const socket = await rawConnect(
      server.url,
      partialHead(server.url, { 'content-length': '1000' }) + LEAD.slice(0, 10),
    );
    socket.destroy();
    await expectAbortedWithoutCrash(server);
  });

  it('a chunked body cut short', async () => {
    server = await startServerChild(front, LIMIT);
    const first = LEAD.slice(0, 20);
    const socket = await rawConnect(
      server.url,
      `${partialHead(server.url, { 'transfer-encoding': 'chunked' })}${first.length.toString(16)}\r\n${first}\r\n`,
    );
    socket.destroy();
    await expectAbortedWithoutCrash(server);
  });

  it('a socket reset mid-body (resetAndDestroy: TCP RST)', async () => {
    server = await startServerChild(front, LIMIT);
    const socket = await rawConnect(
      server.url,
      partialHead(server.url, { 'content-length': '1000' }) + LEAD.slice(0, 10),
    );
    socket.resetAndDestroy();
    await expectAbortedWithoutCrash(server);
  });

  it('a client that stalls mid-body and then times out', async () => {
    server = await startServerChild(front, LIMIT);
    const socket = await rawConnect(
      server.url,
      partialHead(server.url, { 'content-length': '1000' }) + LEAD.slice(0, 10),
    );
    socket.setTimeout(300);
    await new Promise<void>((resolve) =>
      socket.once('timeout', () => {
        socket.destroy();
        resolve();
      }),
    );
    await expectAbortedWithoutCrash(server);
  });
});

describe.each(FRONTS)('a 413 reaches a client that uploads its whole body first, behind %s', (front) => {
  // Far above the limit, yet a plausible upload (a server may cut a client off past a drain budget
  // of a few MiB) and below Fastify's own 1 MiB bodyLimit (over it Fastify answers 413 itself).
  // Sent in 64 KiB pieces a little apart, as over a slow uplink: the answer comes while the client
  // is still writing, and a server that closes then makes the next write fail (EPIPE/ECONNRESET).
  const big = Buffer.from(JSON.stringify({ padding: 'x'.repeat(1000 * 1000 - 20) }));
  const slowly = { pieceBytes: 64 * 1024, pauseMs: 20 };

  function expect413(result: Awaited<ReturnType<typeof upload>>): void {
    expect(result, JSON.stringify({ ...result, body: result.body.slice(0, 200) })).toMatchObject({ status: 413 });
    expect(JSON.parse(result.body)).toMatchObject({ ok: false, error: 'payload_too_large', limit: LIMIT });
  }

  it('with Content-Length', async () => {
    server = await startServerChild(front, LIMIT);
    expect413(
      await upload(server.url, partialHead(server.url, { 'content-length': String(big.byteLength) }), big, slowly),
    );
    await expectStillServing(server);
  });

  it('chunked, without Content-Length', async () => {
    server = await startServerChild(front, LIMIT);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < big.byteLength; offset += 16 * 1024) {
      const piece = big.subarray(offset, offset + 16 * 1024);
      chunks.push(Buffer.from(`${piece.byteLength.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from('0\r\n\r\n'));
    expect413(
      await upload(
        server.url,
        partialHead(server.url, { 'transfer-encoding': 'chunked' }),
        Buffer.concat(chunks),
        slowly,
      ),
    );
    await expectStillServing(server);
  });

  it('with Expect: 100-continue', async () => {
    server = await startServerChild(front, LIMIT);
    const result = await upload(
      server.url,
      partialHead(server.url, { 'content-length': String(big.byteLength), expect: '100-continue' }),
      big,
      { ...slowly, expectContinue: true },
    );
    expect413(result);
    await expectStillServing(server);
  });
});
