/**
 * @chatspark/webhooks/testing: the `listen` and `send` of the command line, as functions for a
 * test suite. The same listener (the receiver's pipeline, strict about event names, with
 * forwarding and whole recordings) and the same sender, without a child process. Node.js only.
 */
import { PassThrough, Readable } from 'node:stream';
import { DEFAULT_MAX_BODY_BYTES } from './http.js';
import type { CommandIO } from './cli/args.js';
import { DEFAULT_FORWARD_TIMEOUT_MS, Forwarder } from './cli/forward.js';
import { HEADERS_TIMEOUT_MS, Listener, REQUEST_TIMEOUT_MS, SHUTDOWN_GRACE_MS } from './cli/listen.js';
import type { ListenEvent } from './cli/listen-output.js';
import type { DeliveryRecord } from './cli/record.js';
import { ReportWriter } from './cli/report.js';
import { sendCommand } from './cli/send.js';

export type { DeliveryRecord, ForwardResult } from './cli/record.js';

/** Options of {@link startListener}; each is the `listen` option of the same name. */
export interface ListenerOptions {
  /** Port to listen on; default 0 (a free one). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  strict?: boolean;
  maxBodyBytes?: number;
  /** Append one NDJSON record per request to this file. */
  report?: string;
  /** Keep headers and bodies in the records (personal data: opt-in). */
  recordBodies?: boolean;
  /** Relay each delivery to the receiver under test at this URL. */
  forwardTo?: string;
  forwardTimeoutMs?: number;
  /** Forward deliveries the contract rejects too; default true. */
  forwardInvalid?: boolean;
  /** Verify signatures (the opt-in Standard Webhooks profile) with these secrets; a failure is answered 401. */
  secrets?: string[];
}

/** The counts of a listener's run, as `listen --format json` reports them. */
export type ListenSummary = Extract<ListenEvent, { type: 'summary' }>;

/** A running listener. */
export interface TestListener {
  /** The URL to send to, such as `http://127.0.0.1:39461/`. */
  url: string;
  /** Every request so far, as its report record (with `recorded`: whether the report took it). */
  deliveries: (DeliveryRecord & { recorded: boolean })[];
  /** Stops it (deliveries in flight finish first) and resolves to the summary of the run. */
  close(): Promise<ListenSummary>;
}

const quiet = (): NodeJS.WritableStream => new PassThrough().resume();

/** Starts a listener, as `chatspark-webhooks listen` does; resolves once it listens. */
export async function startListener(options: ListenerOptions = {}): Promise<TestListener> {
  const deliveries: TestListener['deliveries'] = [];
  let summary: ListenSummary | undefined;
  const sink = (event: ListenEvent): void => {
    if (event.type === 'delivery') {
      const { type: _type, ...record } = event;
      deliveries.push(record);
    } else if (event.type === 'summary') summary = event;
  };
  const report = options.report === undefined ? undefined : ReportWriter.open(options.report, { fsync: false });
  const forwarder =
    options.forwardTo === undefined
      ? undefined
      : new Forwarder(new URL(options.forwardTo), options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS);
  let ready: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (ready = resolve));
  const io: CommandIO = { stdout: quiet(), stderr: process.stderr, stdin: Readable.from([]) };
  const listener = new Listener({
    io,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    strict: options.strict === true,
    maxBody: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    count: undefined,
    timeout: undefined,
    expected: [],
    report,
    quiet: true,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    graceMs: SHUTDOWN_GRACE_MS,
    recordBodies: options.recordBodies === true,
    forwarder,
    forwardInvalid: options.forwardInvalid !== false,
    secrets: options.secrets ?? [],
    format: 'json',
    signals: false,
    onReady: ready,
    sink,
  });
  const finished = listener.run();
  const url = await Promise.race([
    listening,
    finished.then(() => Promise.reject(new Error('the listener could not start'))),
  ]);
  return {
    url,
    deliveries,
    async close() {
      listener.stop();
      await finished;
      return summary!;
    },
  };
}

/** Options of {@link sendEvents}; each is the `send` option of the same name. */
export interface SendOptions {
  /** One event name, or `all` (the default). */
  event?: string;
  count?: number;
  seed?: number;
  concurrency?: number;
  strict?: boolean;
  invalid?: boolean;
  /** Replay a report of `listen --record-bodies`, or a file of events, one per line. */
  from?: string;
  /** Post exactly the body of this file. */
  data?: string;
  /** Edits of the example of one `event`, by path: `{ 'data.phone': null }`; `undefined` removes. */
  set?: Record<string, unknown>;
  allowUnknown?: boolean;
  allowInvalid?: boolean;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Sign each delivery with these secrets (the opt-in Standard Webhooks profile). */
  secrets?: string[];
  /** With `secrets`: also send the forgeries and the replay a verifying receiver must handle. */
  attack?: boolean;
  /** With `from` and `secrets`: fresh webhook-ids for the replays instead of the recorded ones. */
  newIds?: boolean;
}

/** What {@link sendEvents} resolves to: the document of `send --format json`, and the exit code. */
export interface SendReport {
  passed: boolean;
  summary: { url: string; seed: number; sent: number; failed: number; skipped: number };
  byEvent: Record<string, { sent: number; failed: number }>;
  deliveries: {
    index: number;
    label: string;
    event: string | null;
    expect: '2xx' | '4xx';
    status: number | null;
    ms: number;
    ok: boolean;
    error?: string;
  }[];
}

/** The command line of `send` for these options. */
function argvOf(url: string, options: SendOptions): string[] {
  const argv = [url, '--format', 'json'];
  const add = (name: string, value: string | number | boolean | undefined) => {
    if (value === undefined || value === false) return;
    argv.push(`--${name}`);
    if (value !== true) argv.push(String(value));
  };
  add('event', options.event);
  add('count', options.count);
  add('seed', options.seed);
  add('concurrency', options.concurrency);
  add('strict', options.strict);
  add('invalid', options.invalid);
  add('from', options.from);
  add('data', options.data);
  add('allow-unknown', options.allowUnknown);
  add('allow-invalid', options.allowInvalid);
  add('timeout', options.timeoutMs);
  add('attack', options.attack);
  add('new-ids', options.newIds);
  for (const secret of options.secrets ?? []) argv.push('--secret', secret);
  for (const [path, value] of Object.entries(options.set ?? {}))
    argv.push(...(value === undefined ? ['--unset', path] : ['--set', `${path}=${JSON.stringify(value)}`]));
  for (const [name, value] of Object.entries(options.headers ?? {})) argv.push('--header', `${name}: ${value}`);
  return argv;
}

/**
 * Sends events to a receiver, as `chatspark-webhooks send` does, and resolves to the report.
 * A usage mistake (an unknown event, an undefined `set` path) rejects with its message.
 */
export async function sendEvents(url: string, options: SendOptions = {}): Promise<SendReport> {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const stderr = new PassThrough().on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  // A usage mistake throws (a UsageError) before anything is sent.
  const code = await sendCommand.run(argvOf(url, options), { stdout, stderr, stdin: Readable.from([]) });
  if (out === '') throw new Error(err.trim() || `send exited ${code}`);
  const document = JSON.parse(out) as Omit<SendReport, 'passed'> & { summary: { passed: boolean } };
  return { passed: document.summary.passed, ...document };
}
