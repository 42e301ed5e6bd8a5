// The chatspark-webhooks CLI as users run it: the built bin in a child process, files written by
// the test, and real sockets on 127.0.0.1 (`send` against `listen`).
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../src/index.js';
import { loadExamples, readJson } from './helpers.js';
import { listen as startListener, records, requireBuild, run as runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chatspark-cli-'));
const lead = readJson<any>('examples/lead.captured.json');
const training = readJson<any>('examples/training.completed.json');

requireBuild();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input?: string, nodeArgs: string[] = []) => runCli(args, { input, nodeArgs, cwd: dir });
const listen = (args: string[]) => startListener(args, dir);

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('chatspark-webhooks', () => {
  it('prints help for the tool and for every command, and exits 2 on an unknown command', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['validate', 'listen', 'send', 'examples']) {
      expect(top.stdout).toContain(command);
      const help = await run([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`^Usage: chatspark-webhooks ${command}`));
    }
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect((await run(['--version'])).stdout.trim()).toBe(readJson<any>('package.json').version);
  });

  it('exits 2 with a hint on a usage error', async () => {
    const result = await run(['validate', '--frobnicate', 'x.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--frobnicate'[\s\S]*validate --help/);
    expect((await run(['send', 'not a url'])).code).toBe(2);
    expect((await run(['listen', '--port', '70000'])).code).toBe(2);
    expect((await run(['listen', '--expect', 'lead.deleted'])).stderr).toContain('unknown event "lead.deleted"');
  });
});

describe('examples', () => {
  it("prints the reference's examples, all or one event's", async () => {
    const all = await run(['examples']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toHaveLength(loadExamples().length);
    expect(JSON.parse((await run(['examples', 'lead.captured'])).stdout)).toEqual(lead);
    expect(JSON.parse((await run(['examples', 'message.sent'])).stdout).map((e: any) => e.data.role)).toEqual([
      'assistant',
      'user',
    ]);
    const ndjson = (await run(['examples', '--ndjson'])).stdout.trimEnd().split('\n');
    expect(ndjson.map((l) => JSON.parse(l).event)).toEqual(
      WEBHOOK_EVENT_TYPES.flatMap((e) => (e === 'message.sent' ? [e, e] : [e])),
    );
    expect((await run(['examples', 'lead.deleted'])).code).toBe(2);
  });
});

describe('validate', () => {
  const good = JSON.stringify(lead);
  const badEmail = JSON.stringify({ ...lead, data: { ...lead.data, email: 'jane@' } });
  const badTraining = JSON.stringify({ ...training, data: { ...training.data, trainingId: '1' } });

  it('passes valid JSON files, single events and arrays, with exit 0', async () => {
    const one = file('one.json', JSON.stringify(lead, null, 2));
    const many = file('many.json', JSON.stringify(loadExamples().map((e) => e.payload)));
    const result = await run(['validate', one, many]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe(
      `${1 + loadExamples().length} events in 2 inputs (default mode): ${1 + loadExamples().length} valid, 0 invalid`,
    );
  });

  it('reports each failure of an NDJSON file with its line, pointer and message, and exits 1', async () => {
    const path = file('mixed.ndjson', [good, badEmail, '', 'not json', badTraining, good].join('\n'));
    const result = await run(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `✗ ${path}:2 (lead.captured)\n    /data/email: Expected an email address such as "jane@example.com", received a string of 5 characters. [format]`,
    );
    expect(result.stdout).toContain(`✗ ${path}:4\n    (root): Expected a JSON document, received malformed JSON`);
    expect(result.stdout).toContain(
      `✗ ${path}:5 (training.completed)\n    /data/trainingId: Expected an integer, received string "1". [type]`,
    );
    expect(result.stdout).toContain('5 events in 1 input (default mode): 2 valid, 3 invalid');
  });

  it('reads NDJSON from standard input, and applies --strict', async () => {
    const extra = JSON.stringify({ ...lead, extra: true });
    expect((await run(['validate', '-'], `${good}\n${extra}\n`)).code).toBe(0);
    const strict = await run(['validate', '--strict', '-'], `${good}\n${extra}\n`);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('-:2 (lead.captured)\n    /extra: Unexpected property "extra"');
  });

  it('--format json prints one document with the summary and each failure', async () => {
    const path = file('report.ndjson', [good, badEmail, badTraining].join('\n'));
    const result = await run(['validate', '--format', 'json', path]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ total: 3, valid: 1, invalid: 2 });
    expect(report.failures).toEqual([
      {
        location: { file: path, line: 2 },
        event: 'lead.captured',
        issues: [expect.objectContaining({ path: '/data/email', keyword: 'format' })],
      },
      {
        location: { file: path, line: 3 },
        event: 'training.completed',
        issues: [expect.objectContaining({ path: '/data/trainingId', keyword: 'type' })],
      },
    ]);
    const array = file('array.json', JSON.stringify([lead, JSON.parse(badEmail)]));
    expect(JSON.parse((await run(['validate', '--format', 'json', array])).stdout).failures[0].location).toEqual({
      file: array,
      index: 1,
    });
  });

  it('--format junit prints JUnit XML a CI server can read', async () => {
    const path = file('junit.ndjson', [good, badEmail].join('\n'));
    const result = await run(['validate', '--format', 'junit', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites tests="2" failures="1" errors="0">/,
    );
    expect(result.stdout).toContain(
      `<testcase classname="chatspark-webhooks.validate" name="${path}:2 lead.captured">`,
    );
    expect(result.stdout).toContain(
      '<failure message="Expected an email address such as &#34;jane@example.com&#34;, received a string of 5 characters."',
    );
  });

  it('exits 2 when an input cannot be read, and says which', async () => {
    const result = await run(['validate', join(dir, 'missing.ndjson'), file('ok.json', good)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read');
    expect(result.stderr).toContain('missing.ndjson');
  });

  it('streams a million-event NDJSON file in constant memory (48 MB heap for a ~200 MB file)', async () => {
    const path = join(dir, 'million.ndjson');
    const out = createWriteStream(path);
    const line = `${JSON.stringify(training)}\n`;
    const bad = `${badTraining}\n`;
    for (let i = 0; i < 1_000_000; i++) {
      if (!out.write(i % 100_000 === 99_999 ? bad : line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    const result = await run(['validate', path], undefined, ['--max-old-space-size=48']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1000000 events in 1 input (default mode): 999990 valid, 10 invalid');
    expect(result.stdout).toContain(`${path}:1000000 (training.completed)`);
  }, 120_000);
});

describe('listen', () => {
  it('answers and records every request, then summarizes and exits 1 on SIGINT when any was invalid', async () => {
    const report = join(dir, 'listen-report.ndjson');
    const server = await listen(['--report', report, '--max-body', '4096']);
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(`${server.url}hooks`, { method: 'POST', body, headers });

    const valid = await post(JSON.stringify(lead));
    expect(valid.status).toBe(200);
    const invalid = await post(JSON.stringify({ ...lead, data: { ...lead.data, email: 'x' } }));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as any).errors[0]).toMatchObject({ path: '/data/email', keyword: 'format' });
    expect((await post(JSON.stringify({ ...lead, padding: 'x'.repeat(10_000) }))).status).toBe(413);
    expect((await post(JSON.stringify(lead), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('{"event":', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post(JSON.stringify({ ...lead, event: 'lead.deleted' }))).status).toBe(400);
    const status = await fetch(server.url);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ status: 'listening', deliveries: 6 });
    const put = await fetch(server.url, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');

    server.child.kill('SIGINT');
    expect(await server.exit).toBe(1);
    // The PUT is recorded and answered, but only POSTs are deliveries.
    expect(server.output()).toContain('Received 6 deliveries: 1 valid, 5 invalid.');
    expect(server.output()).toContain('✓ 200 POST /hooks lead.captured');
    expect(server.output()).toContain('✗ 400 POST /hooks lead.captured\n    /data/email:');

    const lines = records(report);
    expect(lines.map((r) => [r.method, r.status, r.valid, r.event])).toEqual([
      ['POST', 200, true, 'lead.captured'],
      ['POST', 400, false, 'lead.captured'],
      ['POST', 413, false, null],
      ['POST', 415, false, null],
      ['POST', 400, false, null],
      ['POST', 400, false, 'lead.deleted'],
      ['GET', 200, true, null],
      ['PUT', 405, false, null],
    ]);
    for (const record of lines) {
      expect(Number.isNaN(Date.parse(record.receivedAt))).toBe(false);
      expect(typeof record.valid).toBe('boolean');
      expect(Array.isArray(record.issues)).toBe(true);
      if (!record.valid) expect(record.issues.length).toBeGreaterThan(0);
    }
    expect(lines[1].issues[0]).toMatchObject({ path: '/data/email', keyword: 'format' });
    expect(lines[4].issues[0]).toMatchObject({ keyword: 'json' });
    expect(lines[5].issues[0]).toMatchObject({ path: '/event', keyword: 'enum' });
  }, 30_000);

  it('answers a malformed request line with 400, records it, and keeps serving', async () => {
    const report = join(dir, 'malformed-report.ndjson');
    const server = await listen(['--report', report, '--quiet']);
    const { port, hostname } = new URL(server.url);
    const { connect } = await import('node:net');
    const socket = connect(Number(port), hostname);
    socket.end('GARBAGE / NOT-HTTP\r\n\r\n');
    let answer = '';
    socket.on('data', (d) => {
      answer += d;
    });
    await once(socket, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(
      (
        await fetch(server.url, {
          method: 'POST',
          body: JSON.stringify(lead),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    expect(records(report).map((r) => [r.status, r.issues[0]?.keyword ?? null])).toEqual([
      [400, 'http'],
      [200, null],
    ]);
  }, 30_000);

  it('fails when an expected event never arrives, and stops by itself after --count', async () => {
    const server = await listen(['--expect', 'lead.captured,training.failed', '--count', '1', '--quiet']);
    await fetch(server.url, {
      method: 'POST',
      body: JSON.stringify(lead),
      headers: { 'content-type': 'application/json' },
    });
    expect(await server.exit).toBe(1);
    expect(server.output()).toContain('Expected but never received: training.failed');
  }, 30_000);

  it('stops after --timeout with exit 0 when every delivery was valid', async () => {
    const server = await listen(['--timeout', '1', '--quiet']);
    await fetch(server.url, {
      method: 'POST',
      body: JSON.stringify(lead),
      headers: { 'content-type': 'application/json' },
    });
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('Received 1 delivery: 1 valid, 0 invalid.\n');
  }, 30_000);
});

describe('send against listen', () => {
  it('contract-tests a receiver: examples plus generated events, every one valid and answered 2xx', async () => {
    const report = join(dir, 'send-report.ndjson');
    const total = loadExamples().length + 5 * WEBHOOK_EVENT_TYPES.length;
    const server = await listen(['--expect', 'all', '--report', report, '--count', String(total), '--quiet']);
    const sent = await run(['send', `${server.url}webhooks`, '--count', '5', '--seed', '42', '--concurrency', '8']);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`Sent ${total} events: ${total} answered as expected, 0 not.`);
    expect(sent.stdout).toMatch(/Latency: p50 [\d.]+ ms, p95 [\d.]+ ms, max [\d.]+ ms/);
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain(`Received ${total} deliveries: ${total} valid, 0 invalid.`);
    expect(server.output()).toContain('Every expected event arrived (9).');
    const lines = records(report);
    expect(lines).toHaveLength(total);
    expect(lines.every((r) => r.valid && r.status === 200)).toBe(true);
  }, 60_000);

  it('is reproducible: the same seed sends the same payloads', async () => {
    const bodies = async () => {
      const report = join(dir, `seed-${Math.random()}.ndjson`);
      const server = await listen(['--report', report, '--count', String(loadExamples().length + 9), '--quiet']);
      await run(['send', server.url, '--count', '1', '--seed', '7', '--concurrency', '1']);
      await server.exit;
      return records(report).map((r) => r.bytes);
    };
    expect(await bodies()).toEqual(await bodies());
  }, 60_000);

  it('--strict payloads pass a strict listener; default payloads carry unknown fields it rejects', async () => {
    const total = loadExamples().length + 3 * WEBHOOK_EVENT_TYPES.length;
    const strictServer = await listen(['--strict', '--count', String(total), '--quiet']);
    expect((await run(['send', strictServer.url, '--strict', '--count', '3', '--seed', '1'])).code).toBe(0);
    expect(await strictServer.exit).toBe(0);
    const server = await listen(['--strict', '--count', String(total), '--quiet']);
    const loose = await run(['send', server.url, '--count', '3', '--seed', '1', '--quiet']);
    expect(loose.code).toBe(1);
    expect(loose.stdout).toMatch(/✗ 400 .*generated/);
    expect(await server.exit).toBe(1);
  }, 60_000);

  it('--invalid --strict: a strict listener answers every invalid vector 4xx, unknown events included', async () => {
    const server = await listen(['--quiet', '--strict', '--timeout', '20']);
    const result = await run(['send', server.url, '--invalid', '--strict']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Sent (\d+) events: \1 answered as expected, 0 not\./);
    expect(result.stdout).not.toMatch(/expected 2xx/);
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(1);
  }, 60_000);

  it("--invalid passes against the package's own default receiver, which acknowledges unknown events", async () => {
    const { createServer } = await import('node:http');
    const { createWebhookReceiver } = await import('../src/index.js');
    const receiver = createServer(createWebhookReceiver().nodeHandler());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as import('node:net').AddressInfo).port}/`;
    const result = await run(['send', url, '--invalid']);
    receiver.close();
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Sent (\d+) events: \1 answered as expected, 0 not\./);
    // The three well-formed unknown events are owed a 2xx by a default receiver.
    expect(result.stdout.match(/^✓ 202 /gm)).toHaveLength(3);
  }, 60_000);

  it('exits 1 when the receiver answers a valid event with an error, or cannot be reached', async () => {
    const { createServer } = await import('node:http');
    const broken = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url === '/flaky' ? 500 : 204).end();
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const port = (broken.address() as { port: number }).port;
    const ok = await run(['send', `http://127.0.0.1:${port}/ok`, '--count', '1', '--event', 'lead.captured']);
    expect(ok.code).toBe(0);
    const flaky = await run(['send', `http://127.0.0.1:${port}/flaky`, '--count', '1', '--event', 'lead.captured']);
    expect(flaky.code).toBe(1);
    expect(flaky.stdout).toContain('✗ 500');
    broken.close();
    const unreachable = await run([
      'send',
      `http://127.0.0.1:${port}/`,
      '--count',
      '0',
      '--event',
      'lead.captured',
      '--timeout',
      '2000',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toMatch(/ERR .*ECONNREFUSED/);
  }, 60_000);
});
