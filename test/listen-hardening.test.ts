// `listen` where deployments break it: disks that fail (ENOSPC, a file-size limit), signals with
// deliveries in flight, what --count counts, oversized and compressed bodies. Each case failed
// before its fix: a torn report with a PASS, a dropped delivery with a PASS, 405s counted as
// deliveries, an HTTP/1.0 request counted twice, 413 seen as a connection reset.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, listen, records, requireBuild, watchListener, type Listener } from './support/cli.js';
import { readJson } from './helpers.js';

requireBuild();
const dir = mkdtempSync(join(tmpdir(), 'chatspark-listen-hard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lead = readJson<any>('examples/lead.captured.json');
const LEAD = JSON.stringify(lead);

function post(url: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    body: body as BodyInit,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Starts `listen` inside `bash -c` so a limit (ulimit) can apply to it alone. */
function listenUnder(shellPrefix: string, args: string[]): Promise<Listener> {
  const quoted = [process.execPath, BIN, 'listen', '--port', '0', ...args].map((a) => `'${a}'`).join(' ');
  return watchListener(spawn('bash', ['-c', `${shellPrefix}; exec ${quoted}`], { cwd: dir }));
}

/** Opens a raw connection and writes `head`; the caller writes the rest (or not). */
async function rawSocket(url: string, head: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.on('error', () => undefined);
  socket.write(head);
  const closed = once(socket, 'close').then(() => answer);
  return { socket, answer: () => answer, closed };
}

/** Posts a body with node:http, reading the answer even while still uploading. */
function upload(
  url: string,
  body: Buffer,
  headers: Record<string, string | number>,
): Promise<{ status?: number; error?: string; text: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
      res.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message, text }));
    });
    req.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message, text: '' }));
    if (headers.expect === '100-continue') req.on('continue', () => req.end(body));
    else req.end(body);
  });
}

describe('listen: a report that cannot be written never yields a PASS', () => {
  it('ENOSPC (/dev/full): every delivery answered 500, printed as not recorded, counted, exit 1', async () => {
    const server = await listen(['--report', '/dev/full'], dir);
    for (let i = 0; i < 3; i++) {
      const answer = await post(`${server.url}hooks`, LEAD);
      expect(answer.status).toBe(500);
      expect(await answer.json()).toEqual({ ok: false, error: 'report_write_failed' });
    }
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    const output = server.output();
    expect(output).toContain('✗ 500 POST /hooks lead.captured (not recorded: ');
    expect(output).toContain('ENOSPC');
    expect(output).not.toContain('✓ 200');
    expect(output).toContain('Received 3 deliveries: 0 valid, 0 invalid.');
    expect(output).toMatch(/3 deliveries lost to report write errors \(.*ENOSPC.*\); answered 500\./);
    // The verdict ends stdout; a write error goes to stderr, a pipe of its own that the test may read later.
    expect(server.stdout()).toMatch(/FAIL\n$/);
  }, 30_000);

  it('a file-size limit (ulimit -f): the report stays whole records, each lost one is a 500, exit 1', async () => {
    const report = join(dir, 'limited.ndjson');
    // 2 blocks of 1024 bytes: a few records fit, then a write is cut short, then EFBIG.
    const server = await listenUnder('ulimit -f 2', ['--report', report]);
    const statuses: number[] = [];
    // Records are about 150 bytes: 30 of them overflow 2 KiB.
    for (let i = 0; i < 30; i++) statuses.push((await post(`${server.url}hooks`, LEAD)).status);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    const acknowledged = statuses.filter((s) => s === 200).length;
    const lost = statuses.filter((s) => s === 500).length;
    expect(acknowledged).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    expect(acknowledged + lost).toBe(30);
    // Every line a whole record; exactly the acknowledged deliveries are in it.
    const lines = records(report);
    expect(lines).toHaveLength(acknowledged);
    expect(lines.every((r) => r.status === 200 && r.valid === true)).toBe(true);
    expect(server.output()).toContain(`${lost} deliveries lost to report write errors`);
    expect(server.stdout()).toMatch(/FAIL\n$/);
  }, 30_000);

  it('a report on /dev/null is written and closed without a crash (fsync is for regular files only)', async () => {
    const server = await listen(['--report', '/dev/null', '--count', '1', '--quiet'], dir);
    expect((await post(server.url, LEAD)).status).toBe(200);
    expect(await server.exit).toBe(0);
    expect(server.output()).not.toMatch(/Error|EINVAL|at .*\.js/);
    expect(server.output()).toContain('PASS');
  }, 30_000);

  it('a report on /dev/stdout piped to another program holds the records, and the run passes', async () => {
    const command = `set -o pipefail; '${process.execPath}' '${BIN}' listen --port 0 --report /dev/stdout --count 1 --quiet --fsync | cat`;
    const child = spawn('bash', ['-c', command], { cwd: dir });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!output.includes('\n')) await once(child.stdout, 'data');
    expect((await post(output.split('\n')[0]!, LEAD)).status).toBe(200);
    expect(await exit).toBe(0);
    expect(output).toContain('"status":200,"event":"lead.captured"');
    expect(output).not.toMatch(/EINVAL|at .*\.js/);
    expect(output).toMatch(/PASS\n$/);
  }, 30_000);
});

describe('listen: shutdown with deliveries in flight', () => {
  const head = (length: number) =>
    `POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('a delivery that finishes within the grace period is recorded and answered; the run passes', async () => {
    const report = join(dir, 'grace-ok.ndjson');
    const server = await listen(['--report', report, '--grace', '3000'], dir);
    const client = await rawSocket(server.url, head(Buffer.byteLength(LEAD)) + LEAD.slice(0, 20));
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    client.socket.end(LEAD.slice(20));
    expect(await client.closed).toMatch(/^HTTP\/1\.1 200 /);
    expect(await server.exit).toBe(0);
    expect(records(report).map((r) => r.status)).toEqual([200]);
  }, 30_000);

  it('a delivery still arriving when the grace period ends is recorded as cut off and fails the run', async () => {
    const report = join(dir, 'grace-cut.ndjson');
    const server = await listen(['--report', report, '--grace', '300'], dir);
    const client = await rawSocket(server.url, head(1000) + '{"event":');
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    await client.closed;
    expect(client.answer()).toMatch(/^HTTP\/1\.1 503 /);
    const [record] = records(report);
    expect(record).toMatchObject({ status: 503, valid: false, issues: [{ keyword: 'shutdown' }] });
    // `bytes` is what arrived on the wire (clarifications-2), even of a body that never ended.
    expect(record.bytes).toBe(Buffer.byteLength('{"event":'));
    expect(server.output()).toContain('1 delivery was cut off at shutdown.');
    expect(server.stdout()).toMatch(/FAIL\n$/);
  }, 30_000);

  it('a second signal stops at once, cutting off what is in flight', async () => {
    const server = await listen(['--grace', '60000'], dir);
    const client = await rawSocket(server.url, head(1000) + '{');
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(1);
    await client.closed;
    expect(server.output()).toContain('cut off at shutdown');
  }, 30_000);
});

describe('listen: what counts as a delivery', () => {
  it('--count counts POSTs only: GET, HEAD, OPTIONS and PUT are recorded but are not deliveries', async () => {
    const report = join(dir, 'count.ndjson');
    const server = await listen(['--report', report, '--count', '2', '--quiet'], dir);
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT']) await fetch(server.url, { method });
    expect((await post(server.url, LEAD)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect((await post(server.url, LEAD)).status).toBe(200);
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('Received 2 deliveries: 2 valid, 0 invalid.');
    expect(records(report).map((r) => r.method)).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'POST']);
  }, 30_000);

  it('an HTTP/1.0 POST without Content-Length is one delivery, not two', async () => {
    const report = join(dir, 'http10.ndjson');
    const server = await listen(['--report', report, '--quiet'], dir);
    const client = await rawSocket(server.url, `POST /hooks HTTP/1.0\r\nContent-Type: application/json\r\n\r\n${LEAD}`);
    client.socket.end();
    await client.closed;
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    const deliveries = records(report).filter((r) => r.method === 'POST');
    expect(deliveries).toHaveLength(1);
    expect(server.output()).toContain('Received 1 delivery:');
  }, 30_000);
});

describe('listen: early answers the client can read', () => {
  it('413 on an announced oversized body reaches the client while it uploads (no reset), and is recorded', async () => {
    const report = join(dir, 'big.ndjson');
    const server = await listen(['--report', report, '--max-body', '4096', '--quiet'], dir);
    const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const announced = await upload(server.url, big, { 'content-length': big.byteLength });
    expect(announced).toMatchObject({ status: 413 });
    expect(JSON.parse(announced.text)).toMatchObject({ ok: false, error: 'payload_too_large', limit: 4096 });
    const chunked = await upload(server.url, big, { 'transfer-encoding': 'chunked' });
    expect(chunked).toMatchObject({ status: 413 });
    const expecting = await upload(server.url, big, { 'content-length': big.byteLength, expect: '100-continue' });
    expect(expecting).toMatchObject({ status: 413 });
    // Still serving.
    expect((await post(server.url, LEAD)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    const lines = records(report);
    expect(lines.map((r) => r.status)).toEqual([413, 413, 413, 200]);
    // What arrived on the wire: nothing for the announced ones, more than the limit for the chunked one.
    expect(lines[0].bytes).toBe(0);
    expect(lines[1].bytes).toBeGreaterThan(4096);
    expect(lines[2].bytes).toBe(0);
  }, 30_000);

  it('a compressed body is answered 415 naming its encoding, never decompressed', async () => {
    const report = join(dir, 'gzip.ndjson');
    const server = await listen(['--report', report, '--quiet'], dir);
    const answer = await post(server.url, gzipSync(LEAD), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(415);
    const body = (await answer.json()) as any;
    // The receiver's own answer: listen is an adapter over the same pipeline.
    expect(body).toMatchObject({ ok: false, error: 'unsupported_media_type', contentEncoding: 'gzip' });
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    expect(records(report)[0]).toMatchObject({ status: 415, issues: [{ keyword: 'contentEncoding' }] });
  }, 30_000);

  it('invalid UTF-8 is one invalid delivery, with the same verdict as parseWebhookEvent', async () => {
    const server = await listen(['--quiet', '--count', '1'], dir);
    const bytes = Buffer.concat([Buffer.from(LEAD.slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const answer = await post(server.url, bytes);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as any).errors[0]).toMatchObject({ keyword: 'json' });
    expect(await server.exit).toBe(1);
  }, 30_000);
});

// Keep the helper honest: the report parser itself rejects a torn last line.
it('records() rejects a report that ends with a torn record', () => {
  const path = join(dir, 'torn.ndjson');
  writeFileSync(path, '{"a":1}\n{"b":');
  expect(() => records(path)).toThrow(/partial line/);
  expect(readFileSync(path, 'utf8')).toContain('{"b":');
});
