/**
 * `chatspark-webhooks listen`: an HTTP receiver for contract-testing a sender. Every request is
 * validated, answered, and written to the report before the answer leaves, so nothing that was
 * acknowledged can be lost.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WEBHOOK_EVENT_TYPES } from '../../generated/validators.js';
import { eventNameOf, parsedBody } from '../body.js';
import { DEFAULT_MAX_BODY_BYTES, discardBody, readBody, writeAnswer } from '../http.js';
import { answerOf, type Answer, type ReceiveOutcome } from '../outcome.js';
import { WebhookReceiver, fromNodeRequest, type WebhookRequest } from '../receiver.js';
import { withoutPersonalText } from '../redact.js';
import { formatIssue } from '../errors.js';
import { issue, type ValidationIssue } from '../issues.js';
import { isWebhookEventType } from '../type-guards.js';
import { ReportWriter } from './report.js';
import {
  integerOption,
  parse,
  secondsOption,
  secretsOption,
  UsageError,
  type Command,
  type CommandIO,
} from './args.js';
import { DEFAULT_FORWARD_TIMEOUT_MS, Forwarder, type Forwarded } from './forward.js';
import { didYouMean, formatOption, type Format } from './format.js';
import { ListenOutput, type ListenEvent } from './listen-output.js';
import { RECORD_VERSION, wholeRecording, type DeliveryRecord } from './record.js';

export type { DeliveryRecord } from './record.js';

const HELP = `Usage: chatspark-webhooks listen [options]

Receives webhooks from a sender under test, validates each one, and reports.

A delivery is a POST (on any path) whose headers were read, whatever it is answered: 200 valid;
400 invalid, with the issues as JSON; 413 larger than --max-body (refused on its Content-Length
before any byte is read, or with Expect: 100-continue before it is sent); 415 a Content-Type that
is not JSON, or a Content-Encoding (bodies are never decompressed); 408 a body that stalled; 500 a
delivery whose record could not be written to the report (it is never acknowledged). Unknown event
names are rejected. GET and HEAD answer 200 with a status document, other methods 405: they are
recorded but are not deliveries. --count counts deliveries only.
The first line printed is the URL listened on; then one line per request; then a summary.

Options:
  --port <n>          port (default 3000; 0 picks a free one)
  --host <h>          address to bind (default 127.0.0.1)
  --strict            reject properties the contract does not define
  --secret <whsec_…>  verify Standard Webhooks v1 signatures (an opt-in profile, not part of
                      ChatSpark's reference); repeat it to accept several secrets (rotation).
                      A delivery that fails is answered 401 and its reason recorded
  --report <file>     append one NDJSON record per request, written whole before the answer
                      (a file, a pipe or a device such as /dev/stdout)
  --expect <events>   comma-separated event names, or "all": fail if one never arrives
  --max-body <bytes>  largest body accepted (default ${DEFAULT_MAX_BODY_BYTES})
  --count <n>         stop after n deliveries
  --timeout <s>       stop after s seconds
  --headers-timeout <ms>  cut off a client that has not sent its headers by then (default ${10_000})
  --body-timeout <ms>     cut off a client that has not sent its whole request by then (default ${30_000})
  --grace <ms>        on stop, time given to deliveries in flight (default ${5_000})
  --fsync             fsync the report before answering (survives power loss, slower)
  --record-bodies     record each request whole: headers (authorization, cookie and
                      proxy-authorization redacted) and the body (UTF-8, or base64 when it is
                      not UTF-8), so \`send --from\` can replay it. Bodies carry personal data:
                      such records say \`personalData: true\`
  --forward-to <url>  relay each delivery whose body was read to the receiver under test (its
                      method, body bytes and end-to-end headers) and answer the sender with the
                      target's answer; an unreachable target is answered 502, a slow one 504
  --forward-timeout <s>  time the target has to answer (default ${DEFAULT_FORWARD_TIMEOUT_MS / 1000})
  --no-forward-invalid   do not forward deliveries the contract rejects (answered 400)
  --format <f>        text (default); json: NDJSON records (ready, delivery, summary); junit:
                      one test case per delivery, printed at the end (the URL goes to stderr)
  --quiet             print only the URL and the summary
  -h, --help          show this help

Stops on SIGINT or SIGTERM (a second signal stops at once), or after --count / --timeout: no new
connection is accepted, deliveries in flight get --grace to finish and be recorded, and those still
unfinished are recorded as cut off (503).
Exit status: 0 every delivery valid, recorded and finished, and every expected event received;
1 otherwise (an invalid delivery, a record lost to a write error, a delivery cut off, a malformed
request, a missing event); 2 usage error or a report that cannot be opened.
With --forward-to the target's answers count too: a 5xx, no answer (502/504) or a non-2xx to a
valid delivery fails the run; a 2xx to an invalid delivery is a finding about the receiver,
listed in the summary, and fails the run only with --strict.

Examples:
  chatspark-webhooks listen --port 3000 --expect all --report r.ndjson
  chatspark-webhooks listen --forward-to http://127.0.0.1:8080/webhooks --record-bodies --report r.ndjson`;

/** Default timeouts after which a stalled client is cut off, so it cannot hold a connection. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** Time deliveries in flight get to finish when the listener stops. */
export const SHUTDOWN_GRACE_MS = 5_000;

function parseExpect(value: string | undefined): string[] {
  if (value === undefined) return [];
  if (value.trim() === 'all') return [...WEBHOOK_EVENT_TYPES];
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!isWebhookEventType(name)) {
      throw new UsageError(
        `--expect: unknown event "${name}".${didYouMean(name, WEBHOOK_EVENT_TYPES)} Expected "all" or names from: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
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
      grace: { type: 'string' },
      'record-bodies': { type: 'boolean' },
      'forward-to': { type: 'string' },
      'forward-timeout': { type: 'string' },
      'no-forward-invalid': { type: 'boolean' },
      format: { type: 'string' },
      secret: { type: 'string', multiple: true },
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
    const graceMs = integerOption('grace', values.grace, SHUTDOWN_GRACE_MS, 0, 600_000);
    const format = formatOption(values.format);
    const forwarder = forwarderOf(values['forward-to'], values['forward-timeout'], values['no-forward-invalid']);
    const secrets = secretsOption(values.secret);
    let report: ReportWriter | undefined;
    if (values.report !== undefined) {
      try {
        report = ReportWriter.open(values.report, {
          fsync: values.fsync === true,
          onError: (message) => io.stderr.write(`chatspark-webhooks listen: ${message}\n`),
        });
      } catch (error) {
        io.stderr.write(`chatspark-webhooks listen: ${(error as Error).message}\n`);
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
      report,
      quiet: values.quiet === true,
      headersTimeout,
      requestTimeout,
      graceMs,
      recordBodies: values['record-bodies'] === true,
      forwarder,
      forwardInvalid: values['no-forward-invalid'] !== true,
      format,
      secrets,
    });
  },
};

/** The relay of --forward-to, or none; its options are checked even before the server starts. */
function forwarderOf(
  target: string | undefined,
  timeout: string | undefined,
  noForwardInvalid: boolean | undefined,
): Forwarder | undefined {
  if (target === undefined) {
    if (timeout !== undefined || noForwardInvalid === true)
      throw new UsageError('--forward-timeout and --no-forward-invalid go with --forward-to <url>.');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`--forward-to: not a URL: "${target}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--forward-to: the URL must be http or https, got "${url.protocol}".`);
  const seconds = secondsOption('forward-timeout', timeout) ?? DEFAULT_FORWARD_TIMEOUT_MS / 1000;
  return new Forwarder(url, Math.round(seconds * 1000));
}

interface ServeOptions {
  io: CommandIO;
  port: number;
  host: string;
  strict: boolean;
  maxBody: number;
  count: number | undefined;
  timeout: number | undefined;
  expected: string[];
  report: ReportWriter | undefined;
  quiet: boolean;
  headersTimeout: number;
  requestTimeout: number;
  graceMs: number;
  /** Record headers and bodies (personal data: opt-in). */
  recordBodies: boolean;
  forwarder: Forwarder | undefined;
  /** Forward deliveries the contract rejects too (the default). */
  forwardInvalid: boolean;
  format: Format;
  /** Stop on SIGINT/SIGTERM (the CLI); a program embedding the listener stops it itself. */
  signals?: boolean;
  /** Told the URL once listening (the programmatic listener). */
  onReady?: (url: string) => void;
  /** With format json: given each record instead of standard output (the programmatic listener). */
  sink?: (event: ListenEvent) => void;
  /** --secret: verify signatures with these (none: no verification). */
  secrets: string[];
}

/** What one request came to: its record, and the answer it gets once the record is written. */
interface Conclusion {
  record: DeliveryRecord;
  /** A POST whose headers were parsed: what `--count` counts and the verdict judges. */
  delivery: boolean;
  /** The answer to send once the record is written; none for a client that went away. */
  answer: Answer | null;
  /** Runs after the answer left (or was given up), e.g. to cut the connection. */
  then?: () => void;
}

/** A POST being received: settled exactly once, by its own end or by shutdown. */
interface InFlight {
  base: Pick<DeliveryRecord, 'v' | 'receivedAt' | 'method' | 'path'>;
  res: ServerResponse;
  req: IncomingMessage;
  settled: boolean;
  /** Bytes that arrived on the wire. */
  bytes: number;
  /** Bytes seen so far, counted as they come: what a body that never ended (408, cut off) had sent. */
  arrived?: number;
  /** The body, once read whole. */
  body?: Uint8Array;
  /** Expect: 100-continue refused: close the connection after the answer. */
  close?: boolean;
}

/** The counts behind the summary and the exit status. */
class Tally {
  deliveries = 0;
  valid = 0;
  invalid = 0;
  /** Deliveries answered 500 because their record could not be written. */
  unrecorded = 0;
  /** Deliveries still in flight when the grace period of a shutdown ran out. */
  cutOff = 0;
  /** Requests the HTTP parser could not read (not deliveries, but a sender fault). */
  malformed = 0;
  /** --forward-to: target answers that fail the run (5xx, none, or a non-2xx to a valid delivery). */
  forwardFailed = 0;
  /** --forward-to: invalid deliveries the target acknowledged (2xx): a finding about the receiver. */
  acceptedInvalid = 0;
  readonly byEvent = new Map<string, { valid: number; invalid: number }>();

  count(conclusion: Conclusion, recorded: boolean): void {
    const { record, delivery } = conclusion;
    if (record.method === null) this.malformed++;
    if (!delivery) return;
    this.deliveries++;
    if (record.forward?.verdict === 'failed') this.forwardFailed++;
    if (record.forward?.verdict === 'accepted-invalid') this.acceptedInvalid++;
    if (!recorded) this.unrecorded++;
    else if (record.status === 503 && record.issues[0]?.keyword === 'shutdown') this.cutOff++;
    else if (record.valid) this.valid++;
    else this.invalid++;
    if (recorded && isWebhookEventType(record.event)) {
      const counts = this.byEvent.get(record.event) ?? { valid: 0, invalid: 0 };
      counts[record.valid ? 'valid' : 'invalid']++;
      this.byEvent.set(record.event, counts);
    }
  }
}

/** An issue about the request as a whole (path `""`), worded as every issue is. */
function rejection(keyword: string, expected: string, received: string, message?: string): ValidationIssue {
  return issue('', keyword, expected, received, message);
}

/** The signature's verdict for the report: failed (with its reason), passed, or never checked (refused before). */
function signatureOf(outcome: ReceiveOutcome): DeliveryRecord['signature'] {
  if (outcome.kind === 'unauthorized') return { valid: false, reason: outcome.reason };
  const checked = ['handled', 'unhandled', 'invalid', 'unknown-event', 'duplicate', 'handler-error'];
  return checked.includes(outcome.kind) ? { valid: true } : undefined;
}

/** "a POST request", "an OPTIONS request". */
function requestNamed(method: string): string {
  return `${/^[AEIOU]/.test(method) ? 'an' : 'a'} ${method} request`;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The report's issues for an outcome: the validation issues, or one naming why the request was refused. */
function issuesOf(outcome: ReceiveOutcome, method: string, maxBody: number): ValidationIssue[] {
  switch (outcome.kind) {
    case 'handled':
    case 'unhandled':
      return [];
    case 'invalid':
      return outcome.errors;
    case 'method-not-allowed':
      return [rejection('method', 'a POST request', requestNamed(method))];
    case 'unsupported-media-type': {
      const { contentEncoding, contentType } = outcome.body;
      return contentEncoding !== undefined
        ? [
            rejection(
              'contentEncoding',
              'an uncompressed body',
              `Content-Encoding ${JSON.stringify(contentEncoding)} (bodies are not decompressed)`,
            ),
          ]
        : [
            rejection(
              'contentType',
              'a JSON body (Content-Type: application/json)',
              `Content-Type ${JSON.stringify(contentType)}`,
            ),
          ];
    }
    case 'payload-too-large':
      return [rejection('maxBody', `a body of at most ${maxBody} bytes`, 'a larger body')];
    case 'unauthorized':
      return [rejection('signature', 'a valid Standard Webhooks signature', outcome.reason, outcome.body.message)];
    case 'aborted':
      return [rejection('body', 'a complete request body', `a body cut short (${(outcome.error as Error)?.message})`)];
    default:
      return [rejection('internal', 'an answer from the pipeline', `a ${outcome.kind} outcome`)];
  }
}

/** The listener: receives, records, answers, prints and counts; stops on a signal, --count or --timeout. */
class Listener {
  readonly #options: ServeOptions;
  readonly #io: CommandIO;
  readonly #tally = new Tally();
  readonly #inFlight = new Set<InFlight>();
  readonly #server: Server;
  /** The receiver's pipeline, strict about event names: listen rejects unknown events. */
  readonly #receiver: WebhookReceiver;
  /** Conclusions whose record is being written: shutdown waits for them. */
  #concluding = 0;
  #stopping = false;
  #finish: (code: number) => void = () => undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #output: ListenOutput;

  constructor(options: ServeOptions) {
    this.#options = options;
    this.#io = options.io;
    this.#output = new ListenOutput(options.io, options.format, options.sink);
    this.#receiver = new WebhookReceiver({
      strict: options.strict,
      unknownEvents: 'reject',
      maxBodyBytes: options.maxBody,
      ...(options.secrets.length > 0 ? { verify: { secret: options.secrets } } : {}),
    });
    this.#server = createServer(
      {
        headersTimeout: options.headersTimeout,
        // Node checks both timeouts on this interval (30 s by default), which would let them run late.
        requestTimeout: Math.max(options.requestTimeout, options.headersTimeout) + 1000,
        connectionsCheckingInterval: Math.max(50, Math.min(options.headersTimeout, options.requestTimeout) / 4),
      },
      (req, res) => this.#onRequest(req, res),
    );
    this.#server.on('checkContinue', (req, res) => this.#onCheckContinue(req, res));
    this.#server.on('clientError', (error, socket) => this.#onClientError(error, socket));
  }

  /** Listens, prints the URL, and resolves to the exit status once stopped. */
  run(): Promise<number> {
    const done = new Promise<number>((resolve) => {
      this.#finish = resolve;
    });
    this.#server.on('error', (error) => {
      this.#io.stderr.write(`chatspark-webhooks listen: ${error.message}\n`);
      void this.#options.report?.close().finally(() => this.#finish(2));
    });
    this.#server.listen(this.#options.port, this.#options.host, () => {
      const { address, port } = this.#server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      const url = `http://${host}:${port}/`;
      this.#output.ready(url);
      this.#options.onReady?.(url);
      if (this.#options.signals !== false) {
        process.on('SIGINT', this.#onSignal);
        process.on('SIGTERM', this.#onSignal);
      }
      if (this.#options.timeout !== undefined)
        this.#timer = setTimeout(() => this.#stop(), this.#options.timeout * 1000);
    });
    return done;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse, close = false): void {
    const flight: InFlight = { base: this.#baseOf(req), req, res, settled: false, bytes: 0, close };
    const method = (req.method ?? '').toUpperCase();
    if (method === 'GET' || method === 'HEAD') {
      this.#status(flight);
      return;
    }
    this.#inFlight.add(flight);
    this.#deliver(flight).catch((error: unknown) => {
      // Nothing in #deliver should throw; if it does, the delivery fails loudly and the server goes on.
      this.#io.stderr.write(`chatspark-webhooks listen: ${(error as Error)?.stack ?? String(error)}\n`);
      const issue = rejection('internal', 'a request the listener could handle', 'an internal error');
      this.#settle(flight, 500, 'internal_error', issue);
    });
  }

  /** GET and HEAD: listen's own status document, recorded but not a delivery. */
  #status(flight: InFlight): void {
    const { deliveries, valid, invalid } = this.#tally;
    const document = { status: 'listening', strict: this.#options.strict, deliveries, valid, invalid };
    const record: DeliveryRecord = { ...flight.base, status: 200, event: null, valid: true, issues: [], bytes: 0 };
    if (this.#options.recordBodies) Object.assign(record, wholeRecording(flight.req.headers, undefined));
    const answer = { status: 200, headers: { 'content-type': JSON_TYPE }, text: JSON.stringify(document) };
    void this.#conclude({ record, delivery: false, answer }, flight.res);
  }

  /**
   * Expect: 100-continue. The pipeline refuses an announced oversized body on its headers, so the
   * client never sends it; the connection is then closed, since the body will not follow.
   */
  #onCheckContinue(req: IncomingMessage, res: ServerResponse): void {
    const declared = Number(req.headers['content-length']);
    const refused = Number.isFinite(declared) && declared > this.#options.maxBody;
    if (!refused) res.writeContinue();
    this.#onRequest(req, res, refused);
  }

  #baseOf(req: IncomingMessage): InFlight['base'] {
    return {
      v: RECORD_VERSION,
      receivedAt: new Date().toISOString(),
      method: req.method ?? null,
      path: req.url ?? null,
    };
  }

  /** Any request but GET/HEAD goes through the receiver's pipeline; only the 408 is listen's own. */
  async #deliver(flight: InFlight): Promise<void> {
    const timer = setTimeout(() => this.#timedOut(flight), this.#options.requestTimeout);
    let outcome: ReceiveOutcome;
    try {
      outcome = await this.#receiver.handle(this.#requestOf(flight));
    } finally {
      clearTimeout(timer);
    }
    // Still in flight while the target answers: a shutdown waits for it (or cuts it off).
    const forwarded = flight.settled ? undefined : await this.#forward(flight, outcome);
    if (flight.settled) return; // answered 408, or cut off at shutdown, meanwhile
    flight.settled = true;
    this.#inFlight.delete(flight);
    const valid = outcome.kind === 'handled' || outcome.kind === 'unhandled';
    const method = (flight.req.method ?? '').toUpperCase();
    const record: DeliveryRecord = {
      ...flight.base,
      status: forwarded?.answer.status ?? outcome.status,
      event:
        'event' in outcome
          ? outcome.event.event
          : flight.body
            ? (eventNameOf(parsedBody(flight.body))?.slice(0, 200) ?? null)
            : null,
      valid,
      issues: issuesOf(outcome, method, this.#options.maxBody),
      bytes: flight.bytes,
      ...(this.#options.recordBodies ? wholeRecording(flight.req.headers, flight.body) : {}),
      ...(forwarded ? { forward: forwarded.result } : {}),
    };
    const signature = this.#options.secrets.length > 0 ? signatureOf(outcome) : undefined;
    if (signature !== undefined) record.signature = signature;
    const answer = outcome.kind === 'aborted' ? null : (forwarded?.answer ?? answerOf(outcome));
    if (answer && flight.close) answer.headers.connection = 'close';
    // After an early answer, read and drop what the client still sends (bounded) so it reads the answer.
    const then = valid || flight.close ? undefined : () => discardBody(flight.req, this.#options.maxBody);
    void this.#conclude({ record, delivery: method === 'POST', answer, ...(then ? { then } : {}) }, flight.res);
  }

  /**
   * --forward-to: a delivery whose body was read whole goes on to the target, an invalid one too
   * unless --no-forward-invalid (it then keeps the pipeline's 400). Refused requests (405, 415,
   * 413) and bodies cut short are listen's to answer: the target never sees them.
   */
  async #forward(flight: InFlight, outcome: ReceiveOutcome): Promise<Forwarded | undefined> {
    const { forwarder, forwardInvalid } = this.#options;
    const valid = outcome.kind === 'handled' || outcome.kind === 'unhandled';
    if (forwarder === undefined || flight.body === undefined || (!valid && outcome.kind !== 'invalid'))
      return undefined;
    if (!valid && !forwardInvalid) return undefined;
    const { body } = flight;
    // The target's answer may quote the delivery: its personal values stay out of the excerpt
    // (printed and recorded) unless bodies are recorded anyway (--record-bodies).
    const scrub = this.#options.recordBodies
      ? (text: string) => text
      : (text: string) => withoutPersonalText(text, parsedBody(body));
    return forwarder.forward(flight.req.method ?? 'POST', flight.req.headers, body, { valid, scrub });
  }

  /** The request as the pipeline sees it, reading the body through a meter of the bytes on the wire. */
  #requestOf(flight: InFlight): WebhookRequest {
    const { req } = flight;
    flight.arrived = 0;
    req.on('data', (chunk: Uint8Array) => {
      flight.arrived! += chunk.byteLength;
    });
    const read = async (limit: number): Promise<Uint8Array> => {
      try {
        flight.body = await readBody(req, limit, req.headers['content-length']);
        flight.bytes = flight.body.byteLength;
        return flight.body;
      } catch (error) {
        flight.bytes = (error as { received?: number }).received ?? 0;
        throw error;
      }
    };
    return { ...fromNodeRequest(req), body: { read } };
  }

  /** A body that does not arrive in time: 408 and recorded; Node's own request timeout stays behind it. */
  #timedOut(flight: InFlight): void {
    const issue = rejection(
      'timeout',
      `a complete body within ${this.#options.requestTimeout} ms`,
      'a body that stalled',
    );
    this.#settle(flight, 408, 'request_timeout', issue, () => destroyAfterAnswer(flight));
  }

  /** Ends a delivery with one of listen's own answers: timed out, cut off at shutdown, internal error. */
  #settle(flight: InFlight, status: number, error: string, issue: ValidationIssue, then?: () => void): void {
    if (flight.settled) return;
    flight.settled = true;
    this.#inFlight.delete(flight);
    const record: DeliveryRecord = {
      ...flight.base,
      status,
      event: null,
      valid: false,
      issues: [issue],
      bytes: Math.max(flight.bytes, flight.arrived ?? 0),
      // Cut off or timed out: the body never arrived whole, so none is recorded.
      ...(this.#options.recordBodies ? wholeRecording(flight.req.headers, undefined) : {}),
    };
    const text = JSON.stringify({ ok: false, error, message: issue.message });
    const answer = { status, headers: { 'content-type': JSON_TYPE, connection: 'close' }, text };
    void this.#conclude({ record, delivery: true, answer, ...(then ? { then } : {}) }, flight.res);
  }

  /**
   * Writes the record, then answers (a 500 when the record could not be written: never acknowledge
   * what was not recorded), then prints and counts what really happened.
   */
  async #conclude(conclusion: Conclusion, res?: ServerResponse): Promise<void> {
    this.#concluding++;
    const recorded = this.#options.report === undefined ? true : await this.#options.report.write(conclusion.record);
    this.#concluding--;
    if (!recorded) {
      conclusion.record = { ...conclusion.record, status: 500 };
      const text = JSON.stringify({ ok: false, error: 'report_write_failed' });
      conclusion.answer = { status: 500, headers: { 'content-type': JSON_TYPE, connection: 'close' }, text };
    }
    if (res !== undefined && conclusion.answer !== null) {
      try {
        writeAnswer(res, conclusion.answer);
      } catch {
        // The client went away: there is no one to answer.
      }
    }
    conclusion.then?.();
    this.#tally.count(conclusion, recorded);
    this.#print(conclusion.record, recorded);
    if (this.#options.count !== undefined && this.#tally.deliveries >= this.#options.count) this.#stop();
  }

  #print(record: DeliveryRecord, recorded: boolean): void {
    if (this.#options.format !== 'text') return this.#output.delivery(record, recorded);
    if (this.#options.quiet) return;
    const mark = this.#output.painter.mark(record.valid && recorded);
    const where = record.method ? `${record.method} ${record.path}` : '(bad request)';
    let line = `${mark} ${record.status} ${where}${record.event ? ` ${record.event}` : ''}`;
    if (record.forward) line += this.#output.forwardNote(record.forward);
    if (!recorded) line += ` (not recorded: ${this.#options.report?.firstError ?? 'report write failed'})`;
    line += '\n';
    for (const found of record.issues) line += `    ${formatIssue(found)}\n`;
    this.#io.stdout.write(line);
  }

  #onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason =
      status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    const issue = rejection(
      'http',
      'a well-formed HTTP/1.1 request',
      `a request the HTTP parser rejected (${error.code ?? error.message})`,
    );
    const record = { ...this.#baseOfNothing(), status, event: null, valid: false, issues: [issue], bytes: 0 };
    void this.#conclude({
      record,
      delivery: false,
      answer: null,
      then: () => socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`),
    });
  }

  #baseOfNothing(): InFlight['base'] {
    return { v: RECORD_VERSION, receivedAt: new Date().toISOString(), method: null, path: null };
  }

  /** Stops as --count or --timeout would (a graceful stop); `run()` then resolves. */
  stop(): void {
    this.#stop();
  }

  /** First signal: a graceful stop; a second one: stop at once. */
  readonly #onSignal = (): void => {
    if (this.#stopping) this.#cutOff();
    else this.#stop();
  };

  /**
   * Stops accepting connections, lets requests in flight finish and be recorded for a grace
   * period, cuts off and counts what is still in flight after it, then closes the report.
   */
  #stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#server.close();
    this.#server.closeIdleConnections();
    const grace = setTimeout(() => this.#cutOff(), this.#options.graceMs);
    void this.#drained().then(async () => {
      clearTimeout(grace);
      process.off('SIGINT', this.#onSignal);
      process.off('SIGTERM', this.#onSignal);
      this.#server.closeAllConnections();
      this.#options.forwarder?.close();
      await this.#options.report?.close();
      this.#finish(this.#summarize());
    });
  }

  /** Resolves once no request is in flight and every record in progress has been written. */
  async #drained(): Promise<void> {
    while (this.#inFlight.size > 0 || this.#concluding > 0) await new Promise((r) => setTimeout(r, 20));
  }

  /** Grace over (or a second signal): every delivery still in flight is recorded as cut off. */
  #cutOff(): void {
    for (const flight of [...this.#inFlight]) {
      const issue = rejection('shutdown', 'a delivery completed before shutdown', 'a delivery cut off at shutdown');
      this.#settle(flight, 503, 'shutting_down', issue, () => destroyAfterAnswer(flight));
    }
  }

  #summarize(): number {
    const tally = this.#tally;
    const missing = this.#options.expected.filter((name) => !tally.byEvent.has(name));
    const plural = tally.deliveries === 1 ? 'y' : 'ies';
    let out = `\nReceived ${tally.deliveries} deliver${plural}: ${tally.valid} valid, ${tally.invalid} invalid.\n`;
    for (const name of WEBHOOK_EVENT_TYPES) {
      const counts = tally.byEvent.get(name);
      if (counts) out += `  ${name}: ${counts.valid} valid, ${counts.invalid} invalid\n`;
    }
    if (tally.unrecorded > 0) {
      const cause = this.#options.report?.firstError ?? 'write failed';
      out += `${tally.unrecorded} deliver${tally.unrecorded === 1 ? 'y' : 'ies'} lost to report write errors (${cause}); answered 500.\n`;
    }
    if (tally.cutOff > 0)
      out += `${tally.cutOff} deliver${tally.cutOff === 1 ? 'y was' : 'ies were'} cut off at shutdown.\n`;
    if (tally.malformed > 0)
      out += `${tally.malformed} malformed request${tally.malformed === 1 ? '' : 's'} (not readable HTTP).\n`;
    if (this.#options.expected.length > 0) {
      out +=
        missing.length === 0
          ? `Every expected event arrived (${this.#options.expected.length}).\n`
          : `Expected but never received: ${missing.join(', ')}\n`;
    }
    out += this.#output.forwardSummary(tally, this.#options.forwarder?.target, this.#options.strict);
    const failed =
      tally.invalid > 0 ||
      tally.unrecorded > 0 ||
      tally.cutOff > 0 ||
      tally.malformed > 0 ||
      missing.length > 0 ||
      tally.forwardFailed > 0 ||
      (this.#options.strict && tally.acceptedInvalid > 0);
    if (this.#options.format !== 'text') this.#output.summary(tally, missing, !failed);
    else
      this.#io.stdout.write(
        `${out}${this.#output.painter.paint(failed ? 'red' : 'green', failed ? 'FAIL' : 'PASS')}\n`,
      );
    return failed ? 1 : 0;
  }
}

function serve(options: ServeOptions): Promise<number> {
  return new Listener(options).run();
}

export { Listener, type ServeOptions, type Tally };

/** Cuts a connection once its answer has been flushed (cutting it earlier would lose the answer). */
function destroyAfterAnswer({ req, res }: InFlight): void {
  if (res.writableFinished || !res.headersSent) req.destroy();
  else res.once('finish', () => req.destroy());
}
