// `listen --record-bodies`: every kind of record listen writes, held to
// vectors/report-record.schema.json (through records(), which checks each one), with headers
// redacted and bodies recorded byte for byte. Real processes, real sockets on 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordedBody } from '../src/cli/record.js';
import { listen, records, recordValidator, requireBuild } from './support/cli.js';
import { send } from './support/raw-http.js';

const dir = mkdtempSync(join(tmpdir(), 'chatspark-record-'));
const LEAD = readFileSync('examples/lead.captured.json');
const JSON_HEADERS = { 'content-type': 'application/json' };

beforeAll(requireBuild);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A request whose body never comes: listen answers 408 after --body-timeout. */
function stall(url: string): Promise<void> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.write(
    `POST /stalled HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ev`,
  );
  socket.resume(); // read the answer, so the close is seen
  return new Promise((resolve) => socket.on('close', () => resolve()).on('error', () => resolve()));
}

/** A request the HTTP parser rejects. */
function garbage(url: string): Promise<void> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.write('NOT HTTP AT ALL\r\n\r\n');
  socket.resume(); // read the answer, so the close is seen
  return new Promise((resolve) => socket.on('close', () => resolve()).on('error', () => resolve()));
}

describe('listen --record-bodies', () => {
  it('writes every kind of record within the schema, v 2, headers redacted, bodies byte for byte', async () => {
    const report = join(dir, 'whole.ndjson');
    const server = await listen([
      '--record-bodies',
      '--report',
      report,
      '--max-body',
      '2048',
      '--body-timeout',
      '300',
      '--quiet',
    ]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), LEAD]);
    const latin1 = Buffer.from('{"event":"caf\xe9"}', 'latin1'); // not UTF-8
    const secret = {
      ...JSON_HEADERS,
      authorization: 'Bearer s3cret',
      cookie: 'a=b',
      'proxy-authorization': 'Basic x',
      'x-trace': 't1',
    };
    expect((await send(server.url, { headers: secret, body: LEAD })).status).toBe(200);
    expect((await send(server.url, { headers: JSON_HEADERS, body: bom })).status).toBe(200);
    expect((await send(server.url, { headers: JSON_HEADERS, body: latin1 })).status).toBe(400);
    expect((await send(server.url, { headers: JSON_HEADERS, body: '{"event":"lead.deleted"}' })).status).toBe(400);
    expect((await send(server.url, { method: 'PUT', headers: JSON_HEADERS, body: LEAD })).status).toBe(405);
    expect((await send(server.url, { headers: { 'content-type': 'text/plain' }, body: 'hi' })).status).toBe(415);
    expect((await send(server.url, { headers: JSON_HEADERS, body: Buffer.alloc(4096, 32) })).status).toBe(413);
    expect((await send(server.url, { method: 'GET' })).status).toBe(200);
    await stall(server.url);
    await garbage(server.url);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);

    const all = records(report); // each one checked against the schema
    expect(all.map((r) => r.status)).toEqual([200, 200, 400, 400, 405, 415, 413, 200, 408, 400]);
    expect(all.every((r) => r.v === 2)).toBe(true);
    const withMethod = all.filter((r) => r.method !== null);
    expect(withMethod.every((r) => r.personalData === true && typeof r.headers === 'object')).toBe(true);
    const [first, withBom, notUtf8, unknown, put, plain, large, get, stalled] = all;
    expect(first.headers).toMatchObject({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'proxy-authorization': '[redacted]',
      'x-trace': 't1',
      'content-type': 'application/json',
    });
    expect(JSON.stringify(all)).not.toContain('s3cret');
    expect(Buffer.from(decodeRecordedBody(first.body, first.bodyEncoding)).equals(LEAD)).toBe(true);
    expect(withBom.bodyEncoding).toBe('utf8');
    expect(Buffer.from(decodeRecordedBody(withBom.body, withBom.bodyEncoding)).equals(bom)).toBe(true);
    expect(notUtf8.bodyEncoding).toBe('base64');
    expect(Buffer.from(decodeRecordedBody(notUtf8.body, notUtf8.bodyEncoding)).equals(latin1)).toBe(true);
    expect(unknown.body).toBe('{"event":"lead.deleted"}');
    // Refused before the body was read, or never arrived whole: no body, and `bytes` is what arrived.
    for (const r of [put, plain, large, get, stalled]) expect(r).not.toHaveProperty('body');
    expect(stalled.bytes).toBe(4);
    expect(all[9]).not.toHaveProperty('headers'); // the parser could not read it: nothing to record
  });

  it('without the flag, records carry v 2 and no headers or body', async () => {
    const report = join(dir, 'meta.ndjson');
    const server = await listen(['--report', report, '--count', '1', '--quiet']);
    await send(server.url, { headers: JSON_HEADERS, body: LEAD });
    expect(await server.exit).toBe(0);
    const [record] = records(report);
    expect(Object.keys(record).sort()).toEqual(
      ['bytes', 'event', 'issues', 'method', 'path', 'receivedAt', 'status', 'v', 'valid'].sort(),
    );
    expect(record.v).toBe(2);
  });

  it('the schema rejects what listen must never write (it can fail)', () => {
    const validate = recordValidator();
    const base = {
      v: 2,
      receivedAt: '2026-01-01T00:00:00Z',
      method: 'POST',
      path: '/',
      status: 200,
      event: null,
      valid: true,
      issues: [],
      bytes: 2,
    };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, v: 1 })).toBe(false);
    const whole = {
      ...base,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      bodyEncoding: 'utf8',
      personalData: true,
    };
    expect(validate(whole)).toBe(true);
    expect(validate({ ...whole, headers: { authorization: 'Bearer x' } })).toBe(false);
    expect(validate({ ...whole, personalData: undefined })).toBe(false);
    expect(validate({ ...whole, bodyEncoding: 'latin1' })).toBe(false);
    expect(validate({ ...base, body: '{}' })).toBe(false);
  });
});
