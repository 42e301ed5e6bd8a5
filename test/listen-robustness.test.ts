// The listener holds up on 127.0.0.1: stalled clients are cut off while others are served, odd
// requests are answered cleanly, a load of 20,000 deliveries at 64 connections is recorded in
// full, and a SIGKILL mid-load loses no acknowledged delivery.
import autocannon from 'autocannon';
import { once } from 'node:events';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPayloadGenerator } from '../src/cli/payloads.js';
import { WEBHOOK_EVENT_TYPES } from '../src/index.js';
import { listen, records, requireBuild } from './support/cli.js';

requireBuild();
const dir = mkdtempSync(join(tmpdir(), 'chatspark-robust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const figures: string[] = [];
afterAll(() => console.info(`listener figures: ${figures.join('; ')}`));

const generator = createPayloadGenerator({ seed: 2026 });
const BODIES = Array.from({ length: 90 }, (_, i) => JSON.stringify(generator.next(WEBHOOK_EVENT_TYPES[i % 9]!)));

/** Opens a raw TCP connection, writes `data`, and resolves with what came back and when it closed. */
async function rawExchange(url: string, data: string): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const start = performance.now();
  let answer = '';
  socket.on('data', (d) => {
    answer += d;
  });
  socket.on('error', () => undefined);
  socket.write(data);
  await once(socket, 'close');
  return { answer, ms: performance.now() - start };
}

function post(url: string, body: string) {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

/** Peak resident memory of a process, from /proc (Linux). */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

describe('listen under hostile clients', () => {
  it('cuts off a client that stalls in its headers or its body, and keeps serving others meanwhile', async () => {
    const report = join(dir, 'stall.ndjson');
    const server = await listen(['--report', report, '--quiet', '--headers-timeout', '500', '--body-timeout', '1000']);
    const headerStall = rawExchange(
      server.url,
      'POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n',
    );
    const bodyStall = rawExchange(
      server.url,
      'POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"event":',
    );
    // While both stall, others are answered at once.
    for (let i = 0; i < 5; i++) expect((await post(server.url, BODIES[i]!)).status).toBe(200);
    const [headers, body] = await Promise.all([headerStall, bodyStall]);
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers.ms).toBeLessThan(3000);
    expect(body.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(body.ms).toBeGreaterThanOrEqual(900);
    expect(body.ms).toBeLessThan(3000);
    expect((await post(server.url, BODIES[5]!)).status).toBe(200);
    server.child.kill('SIGTERM');
    await server.exit;
    const statuses = records(report)
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 408, 408]);
    figures.push(`stalled headers cut after ${headers.ms.toFixed(0)} ms, stalled body after ${body.ms.toFixed(0)} ms`);
  }, 30_000);

  it('answers wrong methods, odd paths, oversized headers and garbage without crashing', async () => {
    const report = join(dir, 'odd.ndjson');
    const server = await listen(['--report', report, '--quiet']);
    for (const method of ['DELETE', 'PATCH', 'OPTIONS']) {
      const response = await fetch(server.url, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
    expect((await post(`${server.url}a/b/../c?x=%00&y=${'z'.repeat(2000)}`, BODIES[0]!)).status).toBe(200);
    const bigHeader = await rawExchange(
      server.url,
      `POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(bigHeader.answer).toMatch(/^HTTP\/1\.1 431 /);
    for (const garbage of [
      '\u0000\u0001\u0002\r\n\r\n',
      'POST / HTTP/9.9\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
    ]) {
      const { answer } = await rawExchange(server.url, garbage);
      expect(answer, JSON.stringify(garbage)).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    expect((await post(server.url, BODIES[1]!)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    const lines = records(report);
    expect(lines.length).toBeGreaterThanOrEqual(11);
    expect(lines.filter((r) => r.status === 200)).toHaveLength(3);
  }, 30_000);
});

describe('listen under load', () => {
  it('records every one of 20,000 deliveries at 64 connections in valid NDJSON, in bounded memory', async () => {
    const report = join(dir, 'load.ndjson');
    const server = await listen(['--report', report, '--quiet']);
    const result = await autocannon({
      url: `${server.url}webhooks`,
      connections: 64,
      amount: 20_000,
      requests: BODIES.map((body) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })),
    });
    const peak = peakRssMb(server.child.pid!);
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(0);
    const lines = records(report);
    expect(result['2xx']).toBe(20_000);
    expect(result.non2xx).toBe(0);
    expect(lines).toHaveLength(20_000);
    expect(lines.every((r) => r.status === 200 && r.valid === true)).toBe(true);
    expect(new Set(lines.map((r) => r.event))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
    expect(peak).toBeLessThan(250);
    figures.push(
      `load: 20000 sent, ${result['2xx']} acknowledged, ${lines.length} recorded, ${result.requests.average.toFixed(0)} req/s, peak RSS ${peak.toFixed(0)} MB`,
    );
  }, 120_000);

  it('loses no acknowledged delivery when killed with SIGKILL mid-load', async () => {
    const report = join(dir, 'kill.ndjson');
    const server = await listen(['--report', report, '--quiet']);
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    let acknowledged = 0;
    let failed = 0;
    let stop = false;
    const client = async (id: number) => {
      for (let i = id; !stop; i += 64) {
        const ok = await new Promise<boolean>((resolve) => {
          const req = request(
            `${server.url}webhooks`,
            { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode === 200));
              res.on('error', () => resolve(false));
            },
          );
          req.on('error', () => resolve(false));
          req.end(BODIES[i % BODIES.length]);
        });
        if (ok) acknowledged++;
        else {
          failed++;
          if (stop || failed > 64) return;
        }
      }
    };
    const clients = Array.from({ length: 64 }, (_, id) => client(id));
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    await server.exit;
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    // A SIGKILL can cut the last write short (Linux lets a fatal signal stop a write between
    // pages): a partial last line belongs to records not yet acknowledged. Every whole line is a
    // valid record, and every acknowledged delivery is among them.
    const text = readFileSync(report, 'utf8');
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    writeFileSync(report, whole);
    const lines = records(report);
    const recorded = lines.filter((r) => r.status === 200).length;
    expect(acknowledged).toBeGreaterThan(100);
    expect(recorded).toBeGreaterThanOrEqual(acknowledged);
    figures.push(
      `SIGKILL: ${acknowledged} acknowledged before the kill, ${recorded} recorded (${recorded - acknowledged} recorded but not yet acknowledged; a partial last line of ${text.length - whole.length} characters)`,
    );
  }, 60_000);
});
