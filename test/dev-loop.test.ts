// The dev loop end to end, three real processes on 127.0.0.1: `send` → `listen --forward-to
// --record-bodies` → a receiver built with the package (test/support/package-receiver.mjs). Every
// delivery reaches the receiver byte for byte, both verdicts are recorded, and `send --from` the
// recording reproduces the same deliveries. Then the relay's failure modes, one by one.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordedBody } from '../src/cli/record.js';
import { ROOT, loadExamples } from './helpers.js';
import { listen, records, requireBuild, run } from './support/cli.js';
import { send } from './support/raw-http.js';

const dir = mkdtempSync(join(tmpdir(), 'chatspark-devloop-'));
const children: ChildProcessWithoutNullStreams[] = [];
const servers: Server[] = [];
beforeAll(requireBuild);
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Logged {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** Starts the package-built receiver; its log is one JSON line per request it answered. */
async function packageReceiver(status?: number) {
  const args = [join(ROOT, 'test/support/package-receiver.mjs'), ...(status === undefined ? [] : [String(status)])];
  const child = spawn(process.execPath, args, { cwd: dir });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  while (!out.includes('\n')) await once(child.stdout, 'data');
  const url = out.split('\n')[0]!;
  const log = (): Logged[] =>
    out
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  return { url, log };
}

const bodyOf = (r: { body: string; bodyEncoding: string }) => Buffer.from(decodeRecordedBody(r.body, r.bodyEncoding));
const sorted = (list: Buffer[]) => list.map((b) => b.toString('base64')).sort();

describe('send → listen --forward-to --record-bodies → a receiver built with the package', () => {
  it('every delivery arrives byte-identical, both verdicts are recorded, and send --from reproduces them', async () => {
    const target = await packageReceiver();
    const report = join(dir, 'loop.ndjson');
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, '{"event":"lead.captured","timestamp":"2026-01-01T00:00:00Z","data":{"leadId":"x"}}');
    const examples = loadExamples().length;
    const total = examples + 9 * 2 + 1;
    const relay = await listen([
      '--forward-to',
      target.url,
      '--record-bodies',
      '--report',
      report,
      '--expect',
      'all',
      '--count',
      String(total),
      '--quiet',
    ]);
    const sent = await run([
      'send',
      relay.url,
      '--count',
      '2',
      '--seed',
      '7',
      '--header',
      'X-Trace: loop-1',
      '--quiet',
    ]);
    expect(sent.stdout).toContain('PASS');
    expect(sent.code).toBe(0);
    const invalidRun = await run(['send', relay.url, '--data', invalid, '--allow-invalid']);
    expect(invalidRun.code, invalidRun.stdout + invalidRun.stderr).toBe(0); // answered 4xx, as expected
    expect(await relay.exit).toBe(1); // listen fails the sender's invalid delivery
    expect(relay.output()).toContain('Every expected event arrived (9).');
    expect(relay.output()).toContain('0 failed answers');

    const recorded = records(report);
    expect(recorded).toHaveLength(total);
    const arrived = target.log();
    expect(arrived).toHaveLength(total);
    // Byte-identical: what the receiver got is what listen recorded, delivery for delivery.
    expect(sorted(arrived.map((a) => Buffer.from(a.body, 'base64')))).toEqual(sorted(recorded.map(bodyOf)));
    expect(arrived.some((a) => Buffer.from(a.body, 'base64').equals(readFileSync(invalid)))).toBe(true);
    for (const a of arrived) {
      expect(a.headers['x-trace'] ?? 'sent without it').not.toBe('');
      expect(a.headers.host).toBe(new URL(target.url).host); // Host rewritten
      expect(a.url).toBe('/hooks');
    }
    expect(arrived.filter((a) => a.headers['x-trace'] === 'loop-1')).toHaveLength(total - 1);
    // Both verdicts: the contract's (valid, issues) and the target's (forward).
    const bad = recorded.filter((r) => !r.valid);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ status: 400, forward: { status: 400, verdict: 'ok' } });
    expect(bad[0].issues.length).toBeGreaterThan(0);
    for (const r of recorded.filter((r) => r.valid)) {
      expect(r).toMatchObject({ status: 200, forward: { status: 200, verdict: 'ok' } });
      expect(r.forward.excerpt).toContain('package-receiver');
      expect(r.forward.ms).toBeGreaterThanOrEqual(0);
    }

    // Replay the recording straight at a fresh receiver: same bodies, in recorded order.
    const again = await packageReceiver();
    const replay = await run(['send', again.url, '--from', report]);
    expect(replay.stdout).toContain(`Sent ${total} events: ${total} answered as expected, 0 not.`);
    expect(replay.code).toBe(0);
    const replayed = again.log();
    expect(replayed.map((a) => Buffer.from(a.body, 'base64').toString('base64'))).toEqual(
      recorded.map((r) => bodyOf(r).toString('base64')),
    );
    expect(replayed.filter((a) => a.headers['x-trace'] === 'loop-1')).toHaveLength(total - 1);
    expect(replayed.every((a) => a.headers['content-type'] === 'application/json')).toBe(true);
  }, 60_000);

  it('send --from: a line without a recorded body fails the run and is reported; plain event lines work', async () => {
    const target = await packageReceiver();
    const file = join(dir, 'mixed.ndjson');
    const lead = readFileSync(join(ROOT, 'examples/lead.captured.json'), 'utf8');
    const metaOnly = {
      v: 2,
      receivedAt: '2026-01-01T00:00:00Z',
      method: 'POST',
      path: '/',
      status: 200,
      event: 'lead.captured',
      valid: true,
      issues: [],
      bytes: 3,
    };
    const get = { ...metaOnly, method: 'GET', event: null };
    writeFileSync(
      file,
      `${JSON.stringify(JSON.parse(lead))}\n${JSON.stringify(metaOnly)}\n${JSON.stringify(get)}\n{"event":"nope"}\n`,
    );
    const replay = await run(['send', target.url, '--from', file]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('no recorded body');
    expect(replay.stdout).toContain('1 record skipped: not deliveries');
    expect(replay.stdout).toContain('Sent 3 events: 2 answered as expected, 1 not.');
    expect(replay.stdout).not.toContain('Replay with --seed');
    expect(target.log().map((a) => a.status)).toEqual([200, 400]);
  }, 30_000);
});

describe('listen --forward-to: the target answers, or does not', () => {
  const LEAD = readFileSync(join(ROOT, 'examples/lead.captured.json'));
  const JSON_HEADERS = { 'content-type': 'application/json', connection: 'x-hop', 'x-hop': '1', te: 'trailers' };
  const BAD = '{"event":"lead.captured"}';

  async function server(handler: RequestListener): Promise<string> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(s.address() as { port: number }).port}/`;
  }

  it('drops hop-by-hop headers; the sender gets the target answer; 2xx to an invalid delivery is a finding', async () => {
    const seen: Record<string, unknown>[] = [];
    const target = await server((req, res) => {
      seen.push(req.headers);
      res.writeHead(201, { 'content-type': 'text/plain' }).end('took it');
    });
    const report = join(dir, 'finding.ndjson');
    const relay = await listen(['--forward-to', target, '--report', report, '--count', '2']);
    const ok = await send(relay.url, { headers: JSON_HEADERS, body: LEAD });
    expect(ok).toMatchObject({ status: 201, text: 'took it' });
    expect((await send(relay.url, { headers: JSON_HEADERS, body: BAD })).status).toBe(201);
    expect(await relay.exit).toBe(1); // the invalid delivery fails listen (a sender fault) ...
    expect(relay.output()).toContain('The target acknowledged 1 invalid delivery (2xx); a finding');
    expect(relay.output()).toContain('→ target 201 in');
    for (const headers of seen) {
      expect(headers).not.toHaveProperty('x-hop');
      expect(headers).not.toHaveProperty('te');
      expect(headers.connection).not.toBe('x-hop');
    }
    expect(records(report).map((r) => r.forward.verdict)).toEqual(['ok', 'accepted-invalid']);
  }, 30_000);

  it('a target that quotes the delivery: its personal values stay out of the excerpt unless --record-bodies', async () => {
    const echo = await server((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"got":${Buffer.concat(chunks)}}`),
      );
    });
    const lead = JSON.parse(LEAD.toString('utf8'));
    const personal = [lead.data.email, lead.data.name, lead.data.phone];
    // The invalid one (its leadId is a number) is quoted too: its event still names its fields.
    const invalid = JSON.stringify({ ...lead, data: { ...lead.data, leadId: 7 } });
    const run = async (extra: string[]) => {
      const report = join(dir, `echo-${extra.length}.ndjson`);
      const relay = await listen(['--forward-to', echo, '--report', report, '--count', '2', ...extra]);
      const answer = await send(relay.url, { headers: { 'content-type': 'application/json' }, body: LEAD });
      await send(relay.url, { headers: { 'content-type': 'application/json' }, body: invalid });
      await relay.exit;
      expect(answer.text).toContain(lead.data.email); // the sender gets the target's answer as it is
      return { excerpts: records(report).map((r) => r.forward.excerpt as string), output: relay.output() };
    };
    const plain = await run([]);
    expect(plain.excerpts).toHaveLength(2);
    for (const excerpt of plain.excerpts) {
      expect(excerpt).toContain('[redacted]');
      expect(excerpt).toContain(lead.data.agentId);
      for (const value of personal) expect(excerpt).not.toContain(value);
    }
    for (const value of personal) expect(plain.output).not.toContain(value);
    const whole = await run(['--record-bodies']);
    expect(whole.excerpts[0]).toContain(lead.data.email);
  }, 30_000);

  it('a valid delivery answered 2xx passes the run; one answered non-2xx fails it', async () => {
    const accepting = await server((_req, res) => res.writeHead(200).end());
    const relay = await listen(['--forward-to', accepting, '--count', '1', '--quiet']);
    await send(relay.url, { headers: { 'content-type': 'application/json' }, body: LEAD });
    expect(await relay.exit).toBe(0);
    const refusing = await server((_req, res) => res.writeHead(422).end('{"nope":true}'));
    const failing = await listen(['--forward-to', refusing, '--count', '1', '--quiet']);
    expect((await send(failing.url, { headers: { 'content-type': 'application/json' }, body: LEAD })).status).toBe(422);
    expect(await failing.exit).toBe(1);
    expect(failing.output()).toContain('1 failed answer');
  }, 30_000);

  it('an unreachable target is answered 502, a slow one 504, both recorded; --no-forward-invalid answers 400', async () => {
    const closed = await server(() => undefined);
    servers.pop()!.close(); // nothing listens there any more
    const report = join(dir, 'down.ndjson');
    const down = await listen(['--forward-to', closed, '--report', report, '--count', '1', '--quiet']);
    expect((await send(down.url, { headers: { 'content-type': 'application/json' }, body: LEAD })).status).toBe(502);
    expect(await down.exit).toBe(1);
    expect(records(report)[0]).toMatchObject({ status: 502, valid: true, forward: { status: 502, verdict: 'failed' } });

    const slow = await server(() => undefined); // never answers
    const timed = join(dir, 'slow.ndjson');
    const relay = await listen([
      '--forward-to',
      slow,
      '--forward-timeout',
      '0.3',
      '--report',
      timed,
      '--count',
      '2',
      '--quiet',
      '--no-forward-invalid',
    ]);
    expect((await send(relay.url, { headers: { 'content-type': 'application/json' }, body: LEAD })).status).toBe(504);
    const held = await send(relay.url, { headers: { 'content-type': 'application/json' }, body: BAD });
    expect(held.status).toBe(400);
    expect(await relay.exit).toBe(1);
    const [timedOut, notForwarded] = records(timed);
    expect(timedOut).toMatchObject({ status: 504, forward: { status: 504, verdict: 'failed' } });
    expect(notForwarded).toMatchObject({ status: 400, valid: false });
    expect(notForwarded).not.toHaveProperty('forward');
  }, 30_000);
});
