// Hardening of `validate` and `send` (the hardening issue, classes 3, 10, 11, 16 and unexpected
// failures): the NDJSON line splitter as a unit, then the built CLI in child processes and real
// shell pipes, against real node:http servers on 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NOT_UTF8_ISSUE } from '../src/body.js';
import { LineSplitter, type Line } from '../src/cli/lines.js';
import { parseWebhookEvent } from '../src/validate.js';
import { readJson } from './helpers.js';
import { BIN, requireBuild, run as runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chatspark-cli-hardening-'));
const lead = readJson<any>('examples/lead.captured.json');
const good = JSON.stringify(lead);
const bad = JSON.stringify({ ...lead, data: { ...lead.data, email: 'jane@' } });

requireBuild();
vi.setConfig({ testTimeout: 60_000 }); // child processes on a busy machine; no test is about time
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input?: string, nodeArgs: string[] = []) => runCli(args, { input, nodeArgs, cwd: dir });

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs a shell pipeline; `status` is the exit status of its first command. */
function shell(script: string): Promise<{ stdout: string; stderr: string; status: number }> {
  const child = spawn('bash', ['-c', `${script}; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', () => {
      const status = Number(/status (\d+)\n$/.exec(stderr)?.[1]);
      resolve({ stdout, stderr: stderr.replace(/status \d+\n$/, ''), status });
    }),
  );
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const STACK_FRAME = /^\s+at /m;

/** Feeds `chunks` to a splitter and lists what came out, bytes as text. */
function split(chunks: (string | Uint8Array)[], maxLineBytes = 1000): (string | { number: number; size: number })[] {
  const splitter = new LineSplitter(maxLineBytes);
  const out: (string | { number: number; size: number })[] = [];
  const take = (line: Line) =>
    out.push(line.bytes === null ? { number: line.number, size: line.size } : `${line.number}:${line.bytes}`);
  for (const chunk of chunks) for (const line of splitter.push(Buffer.from(chunk))) take(line);
  const last = splitter.end();
  if (last) take(last);
  return out;
}

describe('LineSplitter (src/cli/lines.ts)', () => {
  it('splits on \\n only: a \\r\\n ending drops the \\r, a bare CR stays inside its line, blank lines are numbered', () => {
    expect(split(['a\nb\r\nc\rd\n\n\r\ne'])).toEqual(['1:a', '2:b', '3:c\rd', '4:', '5:', '6:e']);
    expect(split(['a\n'])).toEqual(['1:a']);
    expect(split([''])).toEqual([]);
    expect(split(['a\r'])).toEqual(['1:a\r']); // no line end: the CR is data
  });

  it('gives the same lines however the input is cut into chunks', () => {
    const text = 'first\r\nsecond\rstill second\n\nfourth\r\n\r\nlast';
    const whole = split([text]);
    for (let i = 0; i <= text.length; i++)
      for (let j = i; j <= text.length; j++)
        expect(split([text.slice(0, i), text.slice(i, j), text.slice(j)]), `${i},${j}`).toEqual(whole);
    expect(split([...text])).toEqual(whole);
  });

  it('agrees with splitting the whole input at once, for any bytes, chunking and limit (property)', () => {
    // The reference: split the whole input on \n, drop the \r of each \r\n, measure each line.
    const reference = (input: Buffer, max: number) => {
      const out: (string | { number: number; size: number })[] = [];
      const text = input.toString('latin1');
      const pieces = text.split('\n');
      pieces.forEach((piece, i) => {
        const ended = i < pieces.length - 1;
        if (!ended && piece === '') return;
        const line = ended && piece.endsWith('\r') ? piece.slice(0, -1) : piece;
        out.push(line.length > max ? { number: i + 1, size: line.length } : `${i + 1}:${line}`);
      });
      return out;
    };
    const bytes = fc.array(fc.constantFrom(0x0a, 0x0d, 0x61, 0x7b, 0xc3, 0xff), { maxLength: 60 });
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(60)), fc.integer({ min: 1, max: 8 }), (list, cuts, max) => {
        const input = Buffer.from(list);
        const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, input.length]
          .slice(1)
          .map((end, i, ends) => input.subarray(i === 0 ? 0 : ends[i - 1], end));
        const splitter = new LineSplitter(max);
        const out: (string | { number: number; size: number })[] = [];
        const take = (line: Line) =>
          out.push(
            line.bytes === null
              ? { number: line.number, size: line.size }
              : `${line.number}:${line.bytes.toString('latin1')}`,
          );
        for (const chunk of chunks) for (const line of splitter.push(chunk)) take(line);
        const last = splitter.end();
        if (last) take(last);
        expect(out).toEqual(reference(input, max));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps bytes as bytes: a multi-byte character split across chunks is whole, invalid UTF-8 is passed on', () => {
    const bytes = Buffer.from('é€\n', 'utf8');
    const splitter = new LineSplitter(100);
    expect([...splitter.push(bytes.subarray(0, 1)), ...splitter.push(bytes.subarray(1))]).toEqual([
      { number: 1, bytes: Buffer.from('é€') },
    ]);
    const invalid = new LineSplitter(100);
    expect([...invalid.push(Buffer.from([0x22, 0xff, 0x22, 0x0a]))]).toEqual([
      { number: 1, bytes: Buffer.from([0x22, 0xff, 0x22]) },
    ]);
  });

  it('turns a line over the limit into one entry with its size, holds at most the limit, and goes on', () => {
    expect(split(['12345\n123456\n1234567\r\nok'], 6)).toEqual(['1:12345', '2:123456', { number: 3, size: 7 }, '4:ok']);
    expect(split(['123456\r\n'], 6)).toEqual(['1:123456']); // the \r of a line ending is not counted
    expect(split(['1234567'], 6)).toEqual([{ number: 1, size: 7 }]); // also without a final \n

    // Ten megabytes on one line, in 64 KiB chunks: never more than the limit (plus a CR) held.
    const splitter = new LineSplitter(1000);
    const chunk = Buffer.alloc(65536, 0x61);
    let held = 0;
    const lines: Line[] = [];
    for (let i = 0; i < 160; i++) {
      lines.push(...splitter.push(chunk));
      held = Math.max(held, splitter.buffered);
    }
    lines.push(...splitter.push(Buffer.from('\n{}\n')));
    expect(held).toBeLessThanOrEqual(1001);
    expect(lines).toEqual([
      { number: 1, bytes: null, size: 160 * 65536 },
      { number: 2, bytes: Buffer.from('{}') },
    ]);
  });
});

describe('validate --max-line-bytes', () => {
  const padded = (bytes: number) => {
    const line = JSON.stringify({ ...lead, pad: '' });
    return JSON.stringify({ ...lead, pad: 'x'.repeat(bytes - line.length) });
  };

  it('reports a line over the limit as one invalid record with its size and place, and reads on', async () => {
    const path = file('long.ndjson', [good, padded(2001), good, padded(2000)].join('\r\n'));
    const result = await run(['validate', '--max-line-bytes', '2000', path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `✗ ${path}:2\n    (root): Expected a line of at most 2000 bytes (--max-line-bytes), received a line of 2001 bytes at ${path}:2; the line was skipped. [maxLineBytes]`,
    );
    expect(result.stdout).toContain('4 events in 1 input (default mode): 3 valid, 1 invalid');

    const json = JSON.parse((await run(['validate', '--max-line-bytes', '2000', '--format', 'json', path])).stdout);
    expect(json.failures).toEqual([
      {
        location: { file: path, line: 2 },
        event: null,
        issues: [
          expect.objectContaining({
            path: '',
            keyword: 'maxLineBytes',
            expected: 'a line of at most 2000 bytes',
            received: 'a line of 2001 bytes',
          }),
        ],
      },
    ]);
  });

  it('rejects a limit that is not a positive whole number', async () => {
    for (const value of ['0', '-1', '1.5', 'lots']) {
      const result = await run(['validate', `--max-line-bytes=${value}`, '-'], `${good}\n`);
      expect(result.code, value).toBe(2);
      expect(result.stderr, value).toContain('--max-line-bytes must be a whole number');
    }
  });

  it('survives a 600 MB line on a pipe in a 64 MB heap with bounded memory (the default limit is 16 MiB)', async () => {
    // A generator process writes one 600 MiB line, then a valid event, straight into validate's stdin.
    const generator = spawn(
      process.execPath,
      [
        '-e',
        `process.stdout.on('error', () => process.exit(0));
         const chunk = Buffer.alloc(1 << 20, 0x61);
         let left = 600;
         process.stdout.write('{"x":"');
         const go = () => {
           while (left > 0) { left--; if (!process.stdout.write(chunk)) return process.stdout.once('drain', go); }
           process.stdout.write('"}\\n' + ${JSON.stringify(good)} + '\\n');
         };
         go();`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const child = spawn(process.execPath, ['--max-old-space-size=64', BIN, 'validate', '-'], {
      stdio: [generator.stdout, 'pipe', 'pipe'],
      cwd: dir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    // Peak resident memory, read from /proc while the process runs.
    let peakKiB = 0;
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
      } catch {
        // exited between samples
      }
    }, 20);
    const [code] = await once(child, 'close');
    clearInterval(sample);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const size = 6 + 600 * 2 ** 20 + 2;
    expect(stdout).toContain(
      `✗ -:1\n    (root): Expected a line of at most 16777216 bytes (--max-line-bytes), received a line of ${size} bytes at -:1; the line was skipped. [maxLineBytes]`,
    );
    expect(stdout).toContain('2 events in 1 input (default mode): 1 valid, 1 invalid');
    expect(peakKiB).toBeGreaterThan(0);
    expect(peakKiB).toBeLessThan(256 * 1024);
  }, 120_000);
});

describe('output closed early', () => {
  it('validate | head -1 ends quietly without a stack trace (status 141, as for SIGPIPE)', async () => {
    const path = file('many-bad.ndjson', `${bad}\n`.repeat(100_000));
    const result = await shell(`node ${BIN} validate ${path} | head -1`);
    expect(result.stdout).toBe(`✗ ${path}:1 (lead.captured)\n`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(141);
    const json = await shell(`node ${BIN} validate --format json ${path} | head -1`);
    expect(json).toEqual({ stdout: '{\n', stderr: '', status: 141 });
  }, 60_000);

  it('send | head -1 ends quietly without a stack trace and stops sending', async () => {
    let requests = 0;
    const { server, url } = await serve((req, res) => {
      requests++;
      req.resume();
      res.writeHead(204).end();
    });
    try {
      const result = await shell(`node ${BIN} send ${url}/hook --count 2000 --concurrency 1 | head -1`);
      expect(result.stdout).toMatch(/^Sending to http:\/\/127\.0\.0\.1:\d+\/hook /);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(141);
      expect(requests).toBeLessThan(2000);
    } finally {
      server.close();
    }
  }, 60_000);

  it('an output that cannot be written (a full disk) is one line on stderr and exit 2', async () => {
    const path = file('some-bad.ndjson', `${bad}\n`.repeat(1000));
    const result = await shell(`node ${BIN} validate ${path} > /dev/full`);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^chatspark-webhooks validate: cannot write output: .*ENOSPC.*\n$/);
  });
});

describe('unexpected failures', () => {
  it('exit 2 with one line and no stack trace; CHATSPARK_DEBUG=1 adds the stack', async () => {
    // A failure nothing expects: an exception thrown from a timer while validate waits on stdin
    // (once the CLI has loaded and installed its handler).
    const boom = [
      '--import',
      'data:text/javascript,const t = setInterval(() => { if (process.listenerCount("uncaughtException") > 0) { clearInterval(t); throw new Error("boom"); } }, 10)',
    ];
    const runHeld = (env: NodeJS.ProcessEnv) => {
      const child = spawn(process.execPath, [...boom, BIN, 'validate', '-'], { cwd: dir, env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      return new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stderr })),
      );
    };
    const quiet = await runHeld({ ...process.env, CHATSPARK_DEBUG: '' });
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toBe(
      'chatspark-webhooks validate: unexpected error: boom (set CHATSPARK_DEBUG=1 for details)\n',
    );
    const debug = await runHeld({ ...process.env, CHATSPARK_DEBUG: '1' });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^chatspark-webhooks validate: unexpected error: boom\n/);
    expect(debug.stderr).toMatch(STACK_FRAME);
  });

  it('an error thrown inside a command is one line too', async () => {
    const { main } = await import('../src/cli/main.js');
    const { PassThrough } = await import('node:stream');
    let stderr = '';
    const io = {
      // A stream that throws on write, as a broken custom stream might.
      stdout: {
        write: () => {
          throw new Error('the terminal went away');
        },
      } as unknown as NodeJS.WritableStream,
      stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WritableStream,
      stdin: new PassThrough(),
    };
    const previous = process.env.CHATSPARK_DEBUG;
    delete process.env.CHATSPARK_DEBUG;
    try {
      expect(await main(['examples'], io)).toBe(2);
    } finally {
      if (previous !== undefined) process.env.CHATSPARK_DEBUG = previous;
    }
    expect(stderr).toBe(
      'chatspark-webhooks examples: unexpected error: the terminal went away (set CHATSPARK_DEBUG=1 for details)\n',
    );
  });
});

describe('validate reads bytes: one decoder, one verdict', () => {
  const withBadBytes = Buffer.concat([
    Buffer.from(`${good.slice(0, -1)},"note":"`),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}'),
  ]);

  it('a line that is not UTF-8 is invalid, with the issue parseWebhookEvent gives the same bytes', async () => {
    expect(parseWebhookEvent(withBadBytes)).toEqual({ valid: false, errors: [NOT_UTF8_ISSUE] });
    const path = file('not-utf8.ndjson', Buffer.concat([Buffer.from(`${good}\n`), withBadBytes, Buffer.from('\n')]));
    const result = await run(['validate', '--format', 'json', path]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ total: 2, valid: 1, invalid: 1 });
    expect(report.failures).toEqual([{ location: { file: path, line: 2 }, event: null, issues: [NOT_UTF8_ISSUE] }]);
  });

  it('standard input is read the same way', async () => {
    const child = spawn(process.execPath, [BIN, 'validate', '-'], { cwd: dir });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stdin.end(Buffer.concat([withBadBytes, Buffer.from('\n')]));
    const [code] = await once(child, 'close');
    expect(code).toBe(1);
    expect(stdout).toContain(`✗ -:1\n    (root): ${NOT_UTF8_ISSUE.message} [json]`);
  });

  it('a .json file that is not UTF-8 is one invalid record (keyword json); a BOM is still fine', async () => {
    const path = file('not-utf8.json', withBadBytes);
    const result = await run(['validate', '--format', 'json', path]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).failures).toEqual([
      { location: { file: path }, event: null, issues: [NOT_UTF8_ISSUE] },
    ]);
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const withBom = file('bom.json', Buffer.concat([bom, Buffer.from(good)]));
    const ndjsonWithBom = file('bom.ndjson', Buffer.concat([bom, Buffer.from(`${good}\n${good}\n`)]));
    const ok = await run(['validate', withBom, ndjsonWithBom]);
    expect(ok.stdout).toBe('3 events in 2 inputs (default mode): 3 valid, 0 invalid\n');
    expect(ok.code).toBe(0);
  });

  it('a bare CR inside a line does not split it; CRLF endings are line endings', async () => {
    // JSON allows CR as whitespace between tokens: this line is one valid event.
    const withCr = `${good.slice(0, -1)},\r"extra":\r1}`;
    const path = file('cr.ndjson', `${withCr}\r\n${good}\r\n\r\n${bad}\r\n`);
    const result = await run(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `✗ ${path}:4 (lead.captured)\n    /data/email: Expected an email address such as "jane@example.com", received a string of 5 characters. [format]\n` +
        '3 events in 1 input (default mode): 2 valid, 1 invalid\n',
    );
  });
});

describe('zero events', () => {
  it('validate fails with "no events" when the inputs hold none, in every format', async () => {
    const empty = file('empty.ndjson', '');
    const blank = file('blank.ndjson', '\n  \r\n\n');
    const none = file('none.json', '[]');
    for (const inputs of [[empty], [blank], [none], [empty, none]]) {
      const text = await run(['validate', ...inputs]);
      expect(text.code, inputs.join()).toBe(1);
      expect(text.stdout).toContain('no events');
      const json = await run(['validate', '--format', 'json', ...inputs]);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report.summary).toMatchObject({ total: 0, noEvents: true });
      expect(report.message).toContain('no events');
      const junit = await run(['validate', '--format', 'junit', ...inputs]);
      expect(junit.code).toBe(1);
      expect(junit.stdout).toMatch(/<failure message="[^"]*no events[^"]*" type="noEvents"\/>/);
      expect(junit.stdout).toContain('failures="1"');
    }
    const stdin = await run(['validate', '-'], '');
    expect(stdin.code).toBe(1);
    expect(stdin.stdout).toContain('no events');
    expect((await run(['validate', empty, file('one.json', good)])).code).toBe(0);
  }, 60_000);
});

describe('send does not follow redirects', () => {
  it('a 3xx answer fails and names its Location; the redirect target is never asked', async () => {
    const seen: string[] = [];
    const { server, url } = await serve((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      if (req.url === '/moved') res.writeHead(302, { location: '/elsewhere' }).end();
      else if (req.url === '/kept') res.writeHead(307, { location: `${url}/elsewhere` }).end();
      else if (req.url === '/nowhere') res.writeHead(301).end();
      else res.writeHead(200).end();
    });
    try {
      const moved = await run(['send', `${url}/moved`, '--event', 'lead.captured', '--count', '1']);
      expect(moved.code).toBe(1);
      expect(moved.stdout).toMatch(/✗ 302 .*\(expected 2xx: redirect to \/elsewhere, not followed\)/);
      expect(moved.stdout).toContain('FAIL');
      const kept = await run(['send', `${url}/kept`, '--event', 'lead.captured', '--count', '1']);
      expect(kept.code).toBe(1);
      expect(kept.stdout).toContain(`(expected 2xx: redirect to ${url}/elsewhere, not followed)`);
      const nowhere = await run(['send', `${url}/nowhere`, '--event', 'lead.captured', '--count', '0']);
      expect(nowhere.code).toBe(1);
      expect(nowhere.stdout).toContain('(expected 2xx: redirect without a Location header)');
      const invalid = await run(['send', `${url}/moved`, '--invalid', '--event', 'lead.captured']);
      expect(invalid.code).toBe(1);
      expect(invalid.stdout).toContain('(expected 4xx: redirect to /elsewhere, not followed)');
      expect(seen.filter((s) => s.includes('/elsewhere'))).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);
});
