/**
 * `chatspark-webhooks listen`: an HTTP receiver for contract-testing a sender. Every request is
 * validated, answered, and written to the report before the answer leaves, so nothing that was
 * acknowledged can be lost.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WEBHOOK_EVENT_TYPES } from '../../generated/validators.js';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, isJsonContentType, readBody, sendJson } from '../http.js';
import type { ValidationIssue } from '../issues.js';
import { parseWebhookEvent } from '../validate.js';
import { integerOption, parse, secondsOption, UsageError, type Command, type CommandIO } from './args.js';

/** One line of the NDJSON report: every request, answered or rejected. */
export interface DeliveryRecord {
  receivedAt: string;
  method: string | null;
  path: string | null;
  status: number;
  event: string | null;
  valid: boolean;
  issues: ValidationIssue[];
  bytes: number;
}

const HELP = `Usage: chatspark-webhooks listen [options]

Receives webhooks from a sender under test, validates each one, and reports.

Every POST (on any path) is validated and answered: 200 valid; 400 invalid, with the issues as
JSON; 413 larger than --max-body; 415 a Content-Type that is not JSON. GET and HEAD answer 200 with
a status document; other methods 405. Unknown event names are rejected.
The first line printed is the URL listened on; then one line per request; then a summary.

Options:
  --port <n>          port (default 3000; 0 picks a free one)
  --host <h>          address to bind (default 127.0.0.1)
  --strict            reject properties the contract does not define
  --report <file>     append one NDJSON record per request (flushed before answering)
  --expect <events>   comma-separated event names, or "all": fail if one never arrives
  --max-body <bytes>  largest body accepted (default ${DEFAULT_MAX_BODY_BYTES})
  --count <n>         stop after n deliveries
  --timeout <s>       stop after s seconds
  --headers-timeout <ms>  cut off a client that has not sent its headers by then (default ${10_000})
  --body-timeout <ms>     cut off a client that has not sent its whole request by then (default ${30_000})
  --fsync             fsync the report before answering (survives power loss, slower)
  --quiet             print only the URL and the summary
  -h, --help          show this help

Stops on SIGINT or SIGTERM, or after --count / --timeout.
Exit status: 0 every delivery valid and every expected event received, 1 otherwise, 2 usage error.

Example:
  chatspark-webhooks listen --port 3000 --expect all --report r.ndjson`;

/** Default timeouts after which a stalled client is cut off, so it cannot hold a connection. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

function parseExpect(value: string | undefined): string[] {
  if (value === undefined) return [];
  if (value.trim() === 'all') return [...WEBHOOK_EVENT_TYPES];
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(name)) {
      throw new UsageError(
        `--expect: unknown event "${name}"; expected "all" or names from: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
      );
    }
  }
  return names;
}

export const listenCommand: Command = {
  name: 'listen',
  summary: 'receive webhooks from a sender under test and report on each',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      strict: { type: 'boolean' },
      report: { type: 'string' },
      expect: { type: 'string' },
      'max-body': { type: 'string' },
      count: { type: 'string' },
      timeout: { type: 'string' },
      fsync: { type: 'boolean' },
      quiet: { type: 'boolean' },
      'headers-timeout': { type: 'string' },
      'body-timeout': { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`listen takes no arguments, got "${positionals[0]}".`);
    const port = integerOption('port', values.port, 3000, 0, 65535);
    const maxBody = integerOption('max-body', values['max-body'], DEFAULT_MAX_BODY_BYTES, 1);
    const count = values.count === undefined ? undefined : integerOption('count', values.count, 0, 1);
    const timeout = secondsOption('timeout', values.timeout);
    const expected = parseExpect(values.expect);
    const headersTimeout = integerOption(
      'headers-timeout',
      values['headers-timeout'],
      HEADERS_TIMEOUT_MS,
      100,
      600_000,
    );
    const requestTimeout = integerOption('body-timeout', values['body-timeout'], REQUEST_TIMEOUT_MS, 100, 3_600_000);
    let reportFd: number | undefined;
    if (values.report !== undefined) {
      try {
        reportFd = openSync(values.report, 'a');
      } catch (error) {
        io.stderr.write(
          `chatspark-webhooks listen: cannot open report ${values.report}: ${(error as Error).message}\n`,
        );
        return 2;
      }
    }
    return serve({
      io,
      port,
      host: values.host ?? '127.0.0.1',
      strict: values.strict === true,
      maxBody,
      count,
      timeout,
      expected,
      reportFd,
      fsync: values.fsync === true,
      quiet: values.quiet === true,
      headersTimeout,
      requestTimeout,
    });
  },
};

interface ServeOptions {
  io: CommandIO;
  port: number;
  host: string;
  strict: boolean;
  maxBody: number;
  count: number | undefined;
  timeout: number | undefined;
  expected: string[];
  reportFd: number | undefined;
  fsync: boolean;
  quiet: boolean;
  headersTimeout: number;
  requestTimeout: number;
}

interface Stats {
  deliveries: number;
  valid: number;
  invalid: number;
  requests: number;
  byEvent: Map<string, { valid: number; invalid: number }>;
}

function serve(options: ServeOptions): Promise<number> {
  const { io } = options;
  const stats: Stats = { deliveries: 0, valid: 0, invalid: 0, requests: 0, byEvent: new Map() };
  let stopping = false;

  // Records wait here, with the answers that must not leave before them, until the end of the
  // event loop's turn: then one write (and one fsync) covers every request that turn. Under load
  // that is one system call for many deliveries instead of one each.
  let pendingLines = '';
  let pendingAnswers: ((failed?: boolean) => void)[] = [];
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    if (pendingAnswers.length === 0) return;
    const lines = pendingLines;
    const answers = pendingAnswers;
    pendingLines = '';
    pendingAnswers = [];
    try {
      // Synchronous: the records are in the kernel before any of their answers is written, so a
      // crash right after an acknowledgement cannot lose it.
      writeSync(options.reportFd!, lines);
      if (options.fsync) fsyncSync(options.reportFd!);
    } catch (error) {
      // Not recorded, so not acknowledged: each request is answered 500 and the sender retries.
      io.stderr.write(`chatspark-webhooks listen: cannot write the report: ${(error as Error).message}\n`);
      for (const answer of answers) settle(answer, true);
      return;
    }
    for (const answer of answers) settle(answer, false);
  };
  /** One answer failing (its socket gone) must not keep the others from going out. */
  const settle = (answer: (failed?: boolean) => void, failed: boolean): void => {
    try {
      answer(failed);
    } catch (error) {
      io.stderr.write(`chatspark-webhooks listen: ${(error as Error)?.message ?? String(error)}\n`);
    }
  };

  /** Counts and prints a request, then answers it once its record is written (at once without a report). */
  const record = (entry: DeliveryRecord, isDelivery: boolean, answer: (failed?: boolean) => void): void => {
    stats.requests++;
    if (isDelivery) {
      stats.deliveries++;
      if (entry.valid) stats.valid++;
      else stats.invalid++;
      if (entry.event !== null && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(entry.event)) {
        const counts = stats.byEvent.get(entry.event) ?? { valid: 0, invalid: 0 };
        counts[entry.valid ? 'valid' : 'invalid']++;
        stats.byEvent.set(entry.event, counts);
      }
    }
    if (!options.quiet) {
      const mark = entry.valid ? '✓' : '✗';
      const where = entry.method ? `${entry.method} ${entry.path}` : '(bad request)';
      let line = `${mark} ${entry.status} ${where}${entry.event ? ` ${entry.event}` : ''}\n`;
      for (const issue of entry.issues)
        line += `    ${issue.path === '' ? '(root)' : issue.path}: ${issue.message} [${issue.keyword}]\n`;
      io.stdout.write(line);
    }
    if (options.reportFd === undefined) {
      answer();
      return;
    }
    pendingLines += `${JSON.stringify(entry)}\n`;
    pendingAnswers.push(answer);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const base = { receivedAt: new Date().toISOString(), method: req.method ?? null, path: req.url ?? null };
    const method = (req.method ?? '').toUpperCase();
    /** The answer to send once the record is written; a 500 if it could not be. */
    const answer =
      (status: number, body: unknown, headers: Record<string, string> = {}, then?: () => void) =>
      (failed?: boolean): void => {
        if (failed) sendJson(res, 500, { ok: false, error: 'report_write_failed' }, { connection: 'close' });
        else sendJson(res, status, body, headers);
        then?.();
      };
    if (method === 'GET' || method === 'HEAD') {
      record(
        { ...base, status: 200, event: null, valid: true, issues: [], bytes: 0 },
        false,
        answer(200, {
          status: 'listening',
          strict: options.strict,
          deliveries: stats.deliveries,
          valid: stats.valid,
          invalid: stats.invalid,
        }),
      );
      return;
    }
    const reject = (
      status: number,
      keyword: string,
      expectedText: string,
      received: string,
      bytes: number,
      headers: Record<string, string> = {},
      then?: () => void,
    ) => {
      const issue: ValidationIssue = {
        path: '',
        keyword,
        expected: expectedText,
        received,
        message: `Expected ${expectedText}, received ${received}.`,
      };
      record(
        { ...base, status, event: null, valid: false, issues: [issue], bytes },
        true,
        answer(status, { ok: false, errors: [issue] }, headers, then),
      );
    };
    if (method !== 'POST') {
      req.resume();
      reject(405, 'method', 'a POST request', `a ${method} request`, 0, { allow: 'POST' });
      return;
    }
    const contentType = req.headers['content-type'];
    if (!isJsonContentType(contentType)) {
      req.resume();
      reject(
        415,
        'contentType',
        'a JSON body (Content-Type: application/json)',
        `Content-Type ${JSON.stringify(String(contentType).slice(0, 100))}`,
        0,
      );
      return;
    }
    // A body that does not arrive in time is answered 408 and recorded; Node's own request
    // timeout stays behind it as a backstop.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(408, 'timeout', `a complete body within ${options.requestTimeout} ms`, 'a body that stalled', 0, {
        connection: 'close',
      });
      res.once('finish', () => req.destroy());
    }, options.requestTimeout);
    let body: Uint8Array;
    try {
      body = await readBody(req, options.maxBody, req.headers['content-length']);
    } catch (error) {
      if (timedOut) return;
      if (error instanceof BodyTooLargeError) {
        // Answered, then no more of it is read.
        reject(
          413,
          'maxBody',
          `a body of at most ${options.maxBody} bytes`,
          'a larger body',
          Number(req.headers['content-length']) || 0,
          { connection: 'close' },
          () => req.destroy(),
        );
        return;
      }
      // The client went away mid-body: nobody to answer, but the attempt is recorded.
      const issue: ValidationIssue = {
        path: '',
        keyword: 'body',
        expected: 'a complete request body',
        received: 'a body cut short',
        message: `Expected a complete request body, received a body cut short (${(error as Error).message}).`,
      };
      record({ ...base, status: 499, event: null, valid: false, issues: [issue], bytes: 0 }, true, () => undefined);
      return;
    } finally {
      clearTimeout(timer);
    }
    if (timedOut) return;
    const result = parseWebhookEvent(body, { strict: options.strict });
    const event = result.valid ? result.event.event : eventNameOf(body);
    if (result.valid) {
      record(
        { ...base, status: 200, event, valid: true, issues: [], bytes: body.byteLength },
        true,
        answer(200, { ok: true, event }),
      );
    } else {
      record(
        { ...base, status: 400, event, valid: false, issues: result.errors, bytes: body.byteLength },
        true,
        answer(400, { ok: false, errors: result.errors }),
      );
    }
    if (options.count !== undefined && stats.deliveries >= options.count) stop();
  };

  const server = createServer(
    {
      headersTimeout: options.headersTimeout,
      // Node checks both timeouts on this interval (30 s by default), which would let them run late.
      requestTimeout: Math.max(options.requestTimeout, options.headersTimeout) + 1000,
      connectionsCheckingInterval: Math.max(50, Math.min(options.headersTimeout, options.requestTimeout) / 4),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        // Nothing above should throw; if it does, answer 500 and keep serving.
        io.stderr.write(`chatspark-webhooks listen: ${(error as Error)?.stack ?? String(error)}\n`);
        try {
          sendJson(res, 500, { ok: false, error: 'internal_error' });
        } catch {
          res.destroy();
        }
      });
    },
  );

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason =
      status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    const issue: ValidationIssue = {
      path: '',
      keyword: 'http',
      expected: 'a well-formed HTTP/1.1 request',
      received: `a request the HTTP parser rejected (${error.code ?? error.message})`,
      message: `Expected a well-formed HTTP/1.1 request, received a request the HTTP parser rejected (${error.code ?? error.message}).`,
    };
    record(
      {
        receivedAt: new Date().toISOString(),
        method: null,
        path: null,
        status,
        event: null,
        valid: false,
        issues: [issue],
        bytes: 0,
      },
      true,
      () => {
        socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      },
    );
  });

  let finish: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let timer: NodeJS.Timeout | undefined;

  function stop(): void {
    if (stopping) return;
    stopping = true;
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    server.close(() => {
      flush();
      if (options.reportFd !== undefined) {
        fsyncSync(options.reportFd);
        closeSync(options.reportFd);
      }
      finish(summarize(io, stats, options.expected));
    });
    // Let answers in flight go out, then drop idle keep-alive connections.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  }

  server.on('error', (error) => {
    io.stderr.write(`chatspark-webhooks listen: ${(error as Error).message}\n`);
    finish(2);
  });
  server.listen(options.port, options.host, () => {
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    io.stdout.write(`http://${host}:${port}/\n`);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.timeout !== undefined) timer = setTimeout(stop, options.timeout * 1000);
  });
  return done;
}

const decoder = new TextDecoder();

function eventNameOf(body: Uint8Array): string | null {
  try {
    const value: unknown = JSON.parse(decoder.decode(body));
    return value !== null && typeof value === 'object' && typeof (value as { event?: unknown }).event === 'string'
      ? (value as { event: string }).event.slice(0, 200)
      : null;
  } catch {
    return null;
  }
}

function summarize(io: CommandIO, stats: Stats, expected: string[]): number {
  const missing = expected.filter((name) => !stats.byEvent.has(name));
  let out = `\nReceived ${stats.deliveries} deliver${stats.deliveries === 1 ? 'y' : 'ies'}: ${stats.valid} valid, ${stats.invalid} invalid.\n`;
  for (const name of WEBHOOK_EVENT_TYPES) {
    const counts = stats.byEvent.get(name);
    if (counts) out += `  ${name}: ${counts.valid} valid, ${counts.invalid} invalid\n`;
  }
  if (expected.length > 0) {
    out +=
      missing.length === 0
        ? `Every expected event arrived (${expected.length}).\n`
        : `Expected but never received: ${missing.join(', ')}\n`;
  }
  const code = stats.invalid > 0 || missing.length > 0 ? 1 : 0;
  out += code === 0 ? 'PASS\n' : 'FAIL\n';
  io.stdout.write(out);
  return code;
}
