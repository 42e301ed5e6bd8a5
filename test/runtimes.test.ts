// The runtime matrix ("Proven on every runtime, in CI"): the same receiver (test/runtimes/receiver.ts)
// served by Node.js node:http with nodeHandler(), by fetchHandler() called in-process with Node's
// global Request, and by fetchHandler() under Bun.serve, Deno.serve and workerd (a Worker bundled
// by esbuild), each driven over real HTTP on 127.0.0.1 by one table of cases; and the validators,
// bundled for the browser, run in headless Chromium under `Content-Security-Policy: script-src
// 'self'`. Every runtime imports the package by its name from a temporary app whose
// node_modules/@chatspark/webhooks links to this repository, so it resolves through `exports`.
// Each runtime prints one line in CI: `runtime <name>: <passed>/<total> cases passed (<version>)`.
// A runtime that cannot run here fails with its error; none is skipped.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookReceiver, signWebhook, validateWebhookEvent } from '@chatspark/webhooks';
import { ROOT, loadExamples } from './helpers.js';
import type { BrowserCase, BrowserResult } from './runtimes/browser.js';
import {
  BYTES_READ_HEADER,
  MAX_BODY_BYTES,
  ROUTES,
  SIGNING_SECRET,
  createFetchApp,
  type Route,
} from './runtimes/receiver.js';

const BIN = (name: string) => join(ROOT, 'node_modules/.bin', name);
const FIXTURES = join(ROOT, 'test/runtimes');
const CHROMIUM = '/usr/bin/chromium';
/** Not later than the workerd binary's own date (`workerd --version`), or it refuses to start. */
const WORKERD_COMPATIBILITY_DATE = '2026-11-01';
/** The streamed oversized body: far more than the limit, and more than the socket buffers hold. */
const STREAM_BYTES = 32 * 1024 * 1024;
const STREAM_CHUNK = 16 * 1024;
/** How long a server may take to print its ready line. */
const READY_TIMEOUT_MS = 20_000;

const work = mkdtempSync(join(tmpdir(), 'chatspark-runtimes-'));
/** The app every runtime runs: the fixtures, and node_modules/@chatspark/webhooks → the repository. */
const app = join(work, 'app');

/** A child's environment: no downloads (a proxy that refuses), caches in the temporary folder. */
function childEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    TMPDIR: work,
    NODE_OPTIONS: '',
    NO_COLOR: '1',
    DO_NOT_TRACK: '1',
    // Anything that tried to download would fail at once instead of succeeding quietly.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    DENO_DIR: join(work, 'deno-dir'),
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PROMPT: '1',
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0',
    BUN_INSTALL_CACHE_DIR: join(work, 'bun-cache'),
  };
}

let prepared: Promise<void> | undefined;

/**
 * Writes the app once, for the first runtime that needs it (inside its own start, so that a
 * failure fails its cases instead of skipping every case of the file).
 */
function prepareApp(): Promise<void> {
  prepared ??= (async () => {
    // The package as built: a missing or stale dist would test something else.
    if (typeof createWebhookReceiver().fetchHandler !== 'function') {
      throw new Error('the built package has no fetchHandler(): run `npm run build` first');
    }
    mkdirSync(join(app, 'node_modules/@chatspark'), { recursive: true });
    mkdirSync(join(work, 'home'));
    symlinkSync(ROOT, join(app, 'node_modules/@chatspark/webhooks'), 'dir');
    const manifest = {
      name: 'runtimes-app',
      private: true,
      type: 'module',
      dependencies: { '@chatspark/webhooks': '*' },
    };
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest));
    for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(app, file));
  })();
  return prepared;
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// The cases, one table for every server runtime.

const example = loadExamples().find(({ file }) => file === 'lead.captured.json')!.payload;
const validJson = JSON.stringify(example);
const unknownEvent = JSON.stringify({
  event: 'lead.archived',
  timestamp: '2026-02-24T12:00:00.000Z',
  data: { leadId: 'lead_123' },
});
const JSON_TYPE = { 'content-type': 'application/json' };
/** Signed once, at load: the /signed route accepts an hour's difference. */
const SIGNED = { ...JSON_TYPE, ...(await signWebhook(validJson, { secret: SIGNING_SECRET })) };

/** An answer as the test compares it: what the clarifications name (status, type, allow, body bytes). */
interface Answer {
  status: number;
  contentType: string | undefined;
  allow: string | undefined;
  text: string;
  /** Body bytes the receiver had read when it answered (`x-body-bytes-read`). */
  bytesRead: number;
  /** Body bytes the client had sent (or the in-process stream had given) when the answer came. */
  bytesSent: number;
}

interface Case {
  name: string;
  route: Route;
  method?: string;
  headers?: Record<string, string>;
  /** Bytes sent with their Content-Length, or a body streamed without one (chunked). */
  body?: string | Uint8Array | { streamed: number };
  check(answer: Answer): void;
}

const bodyOf = (answer: Answer): any => JSON.parse(answer.text);

function expectIssues(answer: Answer, issues: { path: string; keyword: string }[]): void {
  expect(answer.status).toBe(400);
  const body = bodyOf(answer);
  expect(body).toMatchObject({ ok: false, error: 'invalid_webhook_event' });
  expect(body.errors.map(({ path, keyword }: { path: string; keyword: string }) => ({ path, keyword }))).toEqual(
    issues,
  );
  for (const issue of body.errors)
    expect(Object.keys(issue).sort()).toEqual(['expected', 'keyword', 'message', 'path', 'received']);
}

const CASES: Case[] = [
  {
    name: 'a signed event (Standard Webhooks profile): 200',
    route: '/signed',
    headers: SIGNED,
    body: validJson,
    check: (answer) => {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{"ok":true,"event":"lead.captured"}');
    },
  },
  {
    name: 'a signed event with a tampered body: 401 no-matching-signature',
    route: '/signed',
    headers: SIGNED,
    body: validJson.replace('Jane', 'Jake'),
    check: (answer) => {
      expect(answer.status).toBe(401);
      expect(bodyOf(answer)).toMatchObject({ ok: false, error: 'unauthorized', reason: 'no-matching-signature' });
    },
  },
  {
    name: 'an unsigned event where signatures are verified: 401 missing-header',
    route: '/signed',
    headers: JSON_TYPE,
    body: validJson,
    check: (answer) => {
      expect(answer.status).toBe(401);
      expect(bodyOf(answer)).toMatchObject({ ok: false, error: 'unauthorized', reason: 'missing-header' });
    },
  },
  {
    name: 'a valid event: 200',
    route: '/default',
    headers: JSON_TYPE,
    body: validJson,
    check: (answer) => {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{"ok":true,"event":"lead.captured"}');
    },
  },
  {
    name: 'an invalid event (email): 400 with the issues',
    route: '/default',
    headers: JSON_TYPE,
    body: JSON.stringify({ ...example, data: { ...example.data, email: 'not-an-email' } }),
    check: (answer) => expectIssues(answer, [{ path: '/data/email', keyword: 'format' }]),
  },
  {
    name: 'an unknown well-formed event, default rule: 202',
    route: '/default',
    headers: JSON_TYPE,
    body: unknownEvent,
    check: (answer) => {
      expect(answer.status).toBe(202);
      expect(answer.text).toBe('{"ok":true,"event":"lead.archived","unknown":true}');
    },
  },
  {
    name: "an unknown well-formed event, unknownEvents: 'reject': 400",
    route: '/reject',
    headers: JSON_TYPE,
    body: unknownEvent,
    check: (answer) => expectIssues(answer, [{ path: '/event', keyword: 'enum' }]),
  },
  {
    name: 'an unknown well-formed event, strict: true: 400',
    route: '/strict',
    headers: JSON_TYPE,
    body: unknownEvent,
    check: (answer) => expectIssues(answer, [{ path: '/event', keyword: 'enum' }]),
  },
  {
    name: 'GET: 405 with Allow: POST',
    route: '/default',
    method: 'GET',
    check: (answer) => {
      expect(answer.status).toBe(405);
      expect(answer.allow).toBe('POST');
      expect(bodyOf(answer)).toMatchObject({ ok: false, error: 'method_not_allowed' });
    },
  },
  {
    name: 'Content-Type text/plain: 415',
    route: '/default',
    headers: { 'content-type': 'text/plain' },
    body: validJson,
    check: (answer) => {
      expect(answer.status).toBe(415);
      expect(bodyOf(answer)).toMatchObject({ ok: false, error: 'unsupported_media_type', contentType: 'text/plain' });
      expect(answer.bytesRead).toBe(0);
    },
  },
  {
    name: 'Content-Encoding gzip: 415 naming it',
    route: '/default',
    headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    body: new Uint8Array(gzipSync(validJson)),
    check: (answer) => {
      expect(answer.status).toBe(415);
      const body = bodyOf(answer);
      expect(body).toMatchObject({ ok: false, error: 'unsupported_media_type', contentEncoding: 'gzip' });
      expect(body.message).toContain('"gzip"');
      expect(answer.bytesRead).toBe(0);
    },
  },
  {
    name: 'a Content-Length over maxBodyBytes: 413 before any byte is read',
    route: '/default',
    headers: JSON_TYPE,
    body: new Uint8Array(MAX_BODY_BYTES + 1).fill(0x20),
    check: (answer) => {
      expect(answer.status).toBe(413);
      expect(bodyOf(answer)).toMatchObject({ ok: false, error: 'payload_too_large', limit: MAX_BODY_BYTES });
      expect(answer.bytesRead).toBe(0);
    },
  },
  {
    name: 'a streamed body over maxBodyBytes, no Content-Length: 413, not read whole',
    route: '/default',
    headers: JSON_TYPE,
    body: { streamed: STREAM_BYTES },
    check: (answer) => {
      expect(answer.status).toBe(413);
      expect(bodyOf(answer)).toMatchObject({ ok: false, error: 'payload_too_large', limit: MAX_BODY_BYTES });
      // It read past the limit (that is how it knows), then stopped: the answer came before the
      // body's end, and the receiver had read at most a chunk more than the limit.
      expect(answer.bytesRead).toBeGreaterThan(MAX_BODY_BYTES);
      expect(answer.bytesRead).toBeLessThanOrEqual(MAX_BODY_BYTES + 1024 * 1024);
      expect(answer.bytesSent).toBeLessThan(STREAM_BYTES);
    },
  },
];

/** The answer the pipeline itself gives for a case (`receiver.handle()` with the bytes): every adapter must give it. */
async function referenceAnswer(c: Case): Promise<Omit<Answer, 'bytesRead' | 'bytesSent'>> {
  const headers: Record<string, string> = { ...c.headers };
  let raw: string | Uint8Array = '';
  if (typeof c.body === 'string' || c.body instanceof Uint8Array) {
    raw = c.body;
    headers['content-length'] = String(Buffer.byteLength(c.body));
  } else if (c.body !== undefined) raw = new Uint8Array(c.body.streamed);
  const outcome = await createWebhookReceiver(ROUTES[c.route])
    .on('lead.captured', () => undefined)
    .handle({ method: c.method ?? 'POST', header: (name) => headers[name], body: { raw } });
  return {
    status: outcome.status,
    contentType: 'application/json; charset=utf-8',
    allow: outcome.status === 405 ? 'POST' : undefined,
    text: JSON.stringify(outcome.body),
  };
}

// ---------------------------------------------------------------------------------------------
// Clients: real HTTP/1.1 over 127.0.0.1 (raw sockets, exact headers), and Request objects in-process.

function answerFrom(status: number, headers: Record<string, string>, text: string, bytesSent: number): Answer {
  return {
    status,
    contentType: headers['content-type'],
    allow: headers.allow,
    text,
    bytesRead: Number(headers[BYTES_READ_HEADER] ?? NaN),
    bytesSent,
  };
}

/** The final response in `data`, once complete (by Content-Length, chunked, or at `closed`). */
function parseResponse(
  data: Buffer,
  closed: boolean,
): { status: number; headers: Record<string, string>; body: Buffer } | undefined {
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
    rest = rest.subarray(end + 4);
    if (status >= 100 && status < 200) continue; // an interim answer
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      return rest.byteLength >= length ? { status, headers, body: rest.subarray(0, length) } : undefined;
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks: Buffer[] = [];
      for (let at = 0; ;) {
        const lineEnd = rest.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
        if (size === 0) return { status, headers, body: Buffer.concat(chunks) };
        if (rest.byteLength < lineEnd + 2 + size + 2) return undefined;
        chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    return closed ? { status, headers, body: rest } : undefined;
  }
}

/**
 * The process that reads the answer. A server refusing a body it did not read may close the
 * connection while the client still writes (workerd does whenever a body was not read to its end,
 * Bun when the request said `Connection: close`: FIN, then RST); a write then fails (EPIPE) and
 * Node.js destroys the socket with the answer unread, although the kernel holds it (curl fails the
 * same way: "Send failure: Broken pipe"). So this process only writes, and a child holding a
 * duplicate of the socket as its stdin only reads, passing every byte on: a failed write cannot
 * lose the answer.
 */
const READER = `process.stdin.on('data', (chunk) => process.stdout.write(chunk)).on('error', () => undefined);
process.stderr.write('reading\\n');`;

/**
 * One case over HTTP/1.1 on a raw socket: exactly the case's headers (no client defaults). A
 * streamed body goes out in chunks (chunked encoding), one per turn of the event loop, until the
 * first byte of the answer arrives. A write that fails is no failure; no full answer is.
 */
async function sendHttp(base: string, c: Case): Promise<Answer> {
  const url = new URL(c.route, base);
  const method = c.method ?? 'POST';
  const headers: Record<string, string> = { host: url.host, ...c.headers };
  const body = c.body;
  const fixed =
    typeof body === 'string' ? Buffer.from(body) : body instanceof Uint8Array ? Buffer.from(body) : undefined;
  if (fixed !== undefined) headers['content-length'] = String(fixed.byteLength);
  else if (body !== undefined) headers['transfer-encoding'] = 'chunked';
  const head = `${method} ${url.pathname} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;

  const socket = connect(Number(url.port), url.hostname);
  let failure: string | undefined;
  socket.on('error', (error: NodeJS.ErrnoException) => {
    failure ??= `${error.syscall ?? 'socket'} ${error.code ?? error.message}`;
  });
  await Promise.race([
    once(socket, 'connect'),
    once(socket, 'close').then(() => Promise.reject(new Error(`${method} ${url}: could not connect (${failure})`))),
  ]);
  const reader = spawn(process.execPath, ['-e', READER], { stdio: [socket, 'pipe', 'pipe'], env: childEnv() });
  const readerExit = once(reader, 'exit');
  // Nothing is sent before the reader reads (else a server that drains would have it all first).
  await Promise.race([
    once(reader.stderr!, 'data'),
    readerExit.then(() => Promise.reject(new Error(`the reader process exited at once`))),
  ]);

  return new Promise<Answer>((resolve, reject) => {
    let received = Buffer.alloc(0);
    let sent = 0;
    let answeredAt: number | undefined;
    let settled = false;
    const settle = (ended: boolean): void => {
      if (settled) return;
      const response = parseResponse(received, ended);
      if (response === undefined && !ended) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reader.kill();
      void readerExit.then(() => {
        if (response !== undefined) {
          resolve(answerFrom(response.status, response.headers, response.body.toString('utf8'), answeredAt ?? sent));
        } else {
          const seen = JSON.stringify(received.toString('latin1').slice(0, 300));
          reject(new Error(`${method} ${url}: no full answer (${failure ?? 'connection ended'}); received ${seen}`));
        }
      });
    };
    const timer = setTimeout(() => {
      failure = `no full answer within 15 s${failure ? `; ${failure}` : ''}`;
      settle(true);
    }, 15_000);
    reader.stdout!.on('data', (data: Buffer) => {
      answeredAt ??= sent;
      received = Buffer.concat([received, data]);
      settle(false);
    });
    reader.stdout!.on('end', () => settle(true));

    socket.write(head);
    if (fixed !== undefined) {
      socket.write(fixed);
      sent = fixed.byteLength;
    } else if (body !== undefined && typeof body === 'object' && 'streamed' in body) {
      const chunk = Buffer.concat([
        Buffer.from(`${STREAM_CHUNK.toString(16)}\r\n`),
        Buffer.alloc(STREAM_CHUNK, 0x20),
        Buffer.from('\r\n'),
      ]);
      const pump = (): void => {
        if (answeredAt !== undefined || socket.destroyed) return;
        if (sent >= body.streamed) return void socket.write('0\r\n\r\n');
        sent += STREAM_CHUNK;
        socket.write(chunk, (error) => {
          if (!error) setImmediate(pump);
        });
      };
      pump();
    }
  });
}

/** One case in-process: a `Request` (Node's global) handed to the Fetch app; a streamed body is pulled lazily. */
async function sendInProcess(handler: (request: Request) => Promise<Response>, c: Case): Promise<Answer> {
  const headers: Record<string, string> = { ...c.headers };
  let sent = 0;
  let body: BodyInit | undefined;
  if (typeof c.body === 'string' || c.body instanceof Uint8Array) {
    body = typeof c.body === 'string' ? c.body : c.body.slice();
    sent = Buffer.byteLength(c.body);
    headers['content-length'] = String(sent); // what the wire would carry
  } else if (c.body !== undefined) {
    const total = c.body.streamed;
    body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += STREAM_CHUNK;
        controller.enqueue(new Uint8Array(STREAM_CHUNK).fill(0x20));
      },
    });
  }
  const init = { method: c.method ?? 'POST', headers, body, duplex: 'half' } as RequestInit;
  const response = await handler(new Request(new URL(c.route, 'http://in-process.test/'), init));
  const answered = sent;
  const answerHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => (answerHeaders[name] = value));
  return answerFrom(response.status, answerHeaders, await response.text(), answered);
}

// ---------------------------------------------------------------------------------------------
// Server processes: started in a process group, ready when they print it, stopped with the group.

interface Running {
  child: ChildProcess;
  output: () => string;
}

function start(command: string, args: string[], options: { cwd: string; controlFd?: boolean }): Running {
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
  if (options.controlFd) stdio.push('pipe');
  const child = spawn(command, args, { cwd: options.cwd, env: childEnv(), stdio, detached: true });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

/** Resolves with the first JSON line of `stream` that `accept` takes; fails with all output when the process exits first. */
function readyLine<T>(
  running: Running,
  stream: NodeJS.ReadableStream,
  accept: (line: any) => T | undefined,
): Promise<T> {
  const { child } = running;
  return new Promise<T>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => fail(`no ready line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${child.spawnargs.join(' ')}: ${why}\n--- output ---\n${running.output()}`));
    };
    stream.on('data', (data) => {
      buffer += data;
      for (const line of buffer.split('\n').slice(0, -1)) {
        try {
          const value = accept(JSON.parse(line));
          if (value !== undefined) {
            clearTimeout(timer);
            return resolve(value);
          }
        } catch {
          // not JSON: some other output
        }
      }
    });
    child.on('error', (error) => fail(`could not start: ${error.message}`));
    child.on('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
  });
}

/** A summary's note for a runtime that did not start: the first line of its error. */
function notStarted(error: unknown): string {
  return `did not start: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
}

async function stop(running: Running): Promise<void> {
  const { child } = running;
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3_000);
  await exited;
  clearTimeout(timer);
  try {
    process.kill(-child.pid, 0);
    process.kill(-child.pid, 'SIGKILL'); // a straggler of the group
  } catch {
    // the whole group is gone
  }
}

// ---------------------------------------------------------------------------------------------
// The server runtimes.

/** Starts a server process owned by one runtime's `describe` (stopped in its afterAll, even when it never got ready). */
type Launch = (command: string, args: string[], options: { cwd: string; controlFd?: boolean }) => Running;

interface Runtime {
  name: string;
  /** Starts the runtime; resolves with how to send one case and what to call it in the summary. */
  start(launch: Launch): Promise<{ send: (c: Case) => Promise<Answer>; version: string }>;
}

const bundle = (entry: string, outfile: string, options: esbuild.BuildOptions): Promise<esbuild.BuildResult> =>
  esbuild.build({
    entryPoints: [join(app, entry)],
    absWorkingDir: app,
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
    ...options,
  });

const RUNTIMES: Runtime[] = [
  {
    name: 'node-http',
    async start(launch) {
      // Node 20 runs no TypeScript: the server is bundled with the package left to Node's resolution.
      await bundle('node-server.ts', join(app, 'node-server.mjs'), {
        platform: 'node',
        external: ['@chatspark/webhooks'],
      });
      const running = launch(process.execPath, ['node-server.mjs'], { cwd: app });
      const ready = await readyLine(running, running.child.stdout!, (line) =>
        line.type === 'ready' ? line : undefined,
      );
      return { version: `node ${ready.version}`, send: (c) => sendHttp(ready.url, c) };
    },
  },
  {
    name: 'node-fetch',
    async start() {
      const handler = createFetchApp();
      return { version: `node ${process.version}, in-process Request`, send: (c) => sendInProcess(handler, c) };
    },
  },
  {
    name: 'bun',
    async start(launch) {
      const running = launch(BIN('bun'), ['--no-install', 'run', 'bun-server.ts'], { cwd: app });
      const ready = await readyLine(running, running.child.stdout!, (line) =>
        line.type === 'ready' ? line : undefined,
      );
      return { version: `bun ${ready.version}`, send: (c) => sendHttp(ready.url, c) };
    },
  },
  {
    name: 'deno',
    async start(launch) {
      const flags = ['--no-remote', '--cached-only', '--no-lock', '--no-config', '--node-modules-dir=manual'];
      const running = launch(BIN('deno'), ['run', '-A', ...flags, 'deno-server.ts'], { cwd: app });
      const ready = await readyLine(running, running.child.stdout!, (line) =>
        line.type === 'ready' ? line : undefined,
      );
      return { version: `deno ${ready.version}`, send: (c) => sendHttp(ready.url, c) };
    },
  },
  {
    name: 'workerd',
    async start(launch) {
      const out = join(work, 'workerd');
      mkdirSync(out);
      // A Worker is one module: the package goes into the bundle, and no Node.js built-in may.
      const result = await bundle('worker.ts', join(out, 'worker.js'), { platform: 'neutral', metafile: true });
      const { inputs, outputs } = result.metafile!;
      const external = Object.values(outputs).flatMap(({ imports }) => imports.filter((i) => i.external));
      if (external.length > 0) throw new Error(`the Worker imports what it cannot have: ${JSON.stringify(external)}`);
      if (!Object.keys(inputs).some((input) => input.endsWith('dist/index.js'))) {
        throw new Error(`the Worker bundle does not hold the package root: ${Object.keys(inputs).join(', ')}`);
      }
      writeFileSync(
        join(out, 'config.capnp'),
        `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${WORKERD_COMPATIBILITY_DATE}",
);
`,
      );
      const version = execFileSync(BIN('workerd'), ['--version'], { encoding: 'utf8' }).trim();
      // workerd prints no ready line of its own; its control descriptor reports the port it bound.
      const running = launch(BIN('workerd'), ['serve', 'config.capnp', '--control-fd', '3'], {
        cwd: out,
        controlFd: true,
      });
      const port = await readyLine(running, running.child.stdio[3] as NodeJS.ReadableStream, (line) =>
        line.event === 'listen' && line.socket === 'http' ? Number(line.port) : undefined,
      );
      return { version, send: (c) => sendHttp(`http://127.0.0.1:${port}/`, c) };
    },
  },
];

for (const runtime of RUNTIMES) {
  describe(`runtime ${runtime.name}`, () => {
    let send: ((c: Case) => Promise<Answer>) | undefined;
    let version = '';
    const owned: Running[] = [];
    let startError: unknown;
    let passed = 0;
    let streamed = '';

    beforeAll(async () => {
      const startedAt = Date.now();
      try {
        await prepareApp();
        const started = await runtime.start((command, args, options) => {
          const running = start(command, args, options);
          owned.push(running);
          return running;
        });
        send = started.send;
        version = `${started.version}, ready in ${Date.now() - startedAt} ms`;
      } catch (error) {
        // Kept for every case to fail with (a failing hook would report them skipped).
        startError = error;
      }
    }, 30_000);

    afterAll(async () => {
      await Promise.all(owned.map(stop));
      const note = version || notStarted(startError);
      console.info(`runtime ${runtime.name}: ${passed}/${CASES.length} cases passed (${note}${streamed})`);
    });

    for (const c of CASES) {
      it(
        c.name,
        async () => {
          if (startError !== undefined) throw startError;
          const answer = await send!(c);
          c.check(answer);
          // Byte for byte the pipeline's own answer, whichever adapter and runtime sent it.
          const { bytesRead: _read, bytesSent: _sent, ...compared } = answer;
          expect(compared).toEqual(await referenceAnswer(c));
          if (typeof c.body === 'object' && 'streamed' in c.body) {
            streamed = `; streamed: 413 after ${answer.bytesRead} B read, ${answer.bytesSent} of ${c.body.streamed} B sent`;
          }
          passed++;
        },
        20_000,
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Headless Chromium: the validators in a page whose policy forbids eval and inline scripts.

const CSP = "script-src 'self'";
const lead = example;
const BROWSER_CASES: (BrowserCase & { expectIssue?: { path: string; keyword: string } })[] = [
  ...loadExamples().flatMap(({ file, payload }) => [
    { name: `validateWebhookEvent: ${file} is valid`, validator: 'validateWebhookEvent', payload },
    { name: `validators/${payload.event}: ${file} is valid`, validator: payload.event, payload },
    {
      name: `validators/${payload.event}: ${file} is valid in strict mode`,
      validator: payload.event,
      payload,
      strict: true,
    },
  ]),
  ...['validateWebhookEvent', 'lead.captured'].map((validator) => ({
    name: `${validator === 'lead.captured' ? 'validators/lead.captured' : validator}: an invalid email gives the /data/email issue`,
    validator,
    payload: { ...lead, data: { ...lead.data, email: 'not-an-email' } },
    expectIssue: { path: '/data/email', keyword: 'format' },
  })),
  {
    name: 'validators/lead.captured: an unknown property is refused in strict mode',
    validator: 'lead.captured',
    payload: { ...lead, data: { ...lead.data, nickname: 'JD' } },
    strict: true,
    expectIssue: { path: '/data/nickname', keyword: 'additionalProperties' },
  },
];

/** The page of the validators: the cases as a JSON data block (no script runs from it), then the bundle. */
function validatorsPage(cases: BrowserCase[]): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>validators</title><link rel="icon" href="data:,"></head>
<body>
<script type="application/json" id="cases">${JSON.stringify(cases).replace(/</g, '\\u003c')}</script>
<pre id="results"></pre>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
}

/** A page of the control: code from a string and an inline script, both of which the policy must refuse. */
const CONTROL_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>control</title><link rel="icon" href="data:,"></head>
<body><script>document.documentElement.dataset.inline = 'ran';</script><script src="/control.js"></script></body></html>
`;
const CONTROL_JS = `let outcome;
try { outcome = new Function('return "evaluated"')(); } catch (error) { outcome = error.name; }
document.documentElement.dataset.status = outcome;
`;

interface OpenPage {
  page: Page;
  violations: () => Promise<string[]>;
  consoleErrors: string[];
  pageErrors: string[];
}

describe('runtime chromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let base = '';
  let main: OpenPage;
  let results: BrowserResult[] = [];
  let version = '';
  let startError: unknown;
  let passed = 0;

  /** Opens a page of the server, recording policy violations (from before any page script), console errors and page errors. */
  async function open(path: string): Promise<OpenPage> {
    const page = await browser!.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    // Injected by the browser before any page script, whatever the policy.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener('securitypolicyviolation', (event) => {
        seen.push(
          `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}${event.sample ? `: ${event.sample}` : ''}`,
        );
      });
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(new URL(path, base).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-status]', { timeout: 15_000 });
    const violations = () => page.evaluate(() => [...(window as unknown as { __violations: string[] }).__violations]);
    return { page, violations, consoleErrors, pageErrors };
  }

  beforeAll(async () => {
    const startedAt = Date.now();
    try {
      await prepareApp();
      const web = join(work, 'web');
      mkdirSync(web);
      await bundle('browser.ts', join(web, 'app.js'), { platform: 'browser' });
      const html = validatorsPage(BROWSER_CASES.map(({ expectIssue: _, ...c }) => c));
      const js = 'text/javascript; charset=utf-8';
      const files: Record<string, { type: string; body: string | Buffer }> = {
        '/': { type: 'text/html; charset=utf-8', body: html },
        '/app.js': { type: js, body: readFileSync(join(web, 'app.js')) },
        '/control.html': { type: 'text/html; charset=utf-8', body: CONTROL_HTML },
        '/control.js': { type: js, body: CONTROL_JS },
      };
      server = createServer((req, res) => {
        const file = files[new URL(req.url ?? '/', 'http://x').pathname];
        if (file === undefined) return void res.writeHead(404, { 'content-security-policy': CSP }).end();
        res.writeHead(200, { 'content-type': file.type, 'content-security-policy': CSP, 'cache-control': 'no-store' });
        res.end(file.body);
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      main = await open('/');
      const status = await main.page.getAttribute('html', 'data-status');
      const text = (await main.page.textContent('#results')) ?? '';
      if (status !== 'done') throw new Error(`the page script failed: ${text}`);
      results = JSON.parse(text) as BrowserResult[];
      version = `chromium ${browser.version()}, ready in ${Date.now() - startedAt} ms`;
    } catch (error) {
      startError = error; // every case fails with it (a failing hook would report them skipped)
    }
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    console.info(
      `runtime chromium: ${passed}/${BROWSER_CASES.length + 2} cases passed (${version || notStarted(startError)})`,
    );
  });

  for (const c of BROWSER_CASES) {
    it(c.name, () => {
      if (startError !== undefined) throw startError;
      const result = results.find(({ name }) => name === c.name);
      expect(result, 'a verdict reported by the page').toBeDefined();
      // The verdict, issues and messages that validateWebhookEvent gives in Node.
      const node = validateWebhookEvent(c.payload, { strict: c.strict === true });
      expect(result).toEqual({ name: c.name, valid: node.valid, errors: node.valid ? [] : node.errors });
      if (c.expectIssue) {
        expect(result!.valid).toBe(false);
        expect(result!.errors).toContainEqual(expect.objectContaining(c.expectIssue));
      } else expect(result!.valid).toBe(true);
      passed++;
    });
  }

  it("the validators ran with no policy violation, console error or page error under script-src 'self'", async () => {
    if (startError !== undefined) throw startError;
    expect({
      violations: await main.violations(),
      consoleErrors: main.consoleErrors,
      pageErrors: main.pageErrors,
    }).toEqual({
      violations: [],
      consoleErrors: [],
      pageErrors: [],
    });
    passed++;
  });

  it('the control: the same policy refuses eval and inline scripts, and the refusals are seen', async () => {
    if (startError !== undefined) throw startError;
    const control = await open('/control.html');
    expect(await control.page.getAttribute('html', 'data-status')).toBe('EvalError');
    expect(await control.page.getAttribute('html', 'data-inline')).toBeNull();
    await expect
      .poll(control.violations)
      .toEqual([
        expect.stringMatching(/^script-src-elem blocked inline/),
        expect.stringMatching(/^script-src blocked eval/),
      ]);
    expect(control.consoleErrors.length).toBeGreaterThan(0);
    await control.page.close();
    passed++;
  });
});
