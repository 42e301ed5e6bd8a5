/**
 * `chatspark-webhooks send`: contract-tests a receiver by posting the reference's examples and
 * generated payloads (valid, varied, reproducible from a seed) and checking each answer.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { WebhookEventType } from '../../generated/types.js';
import { WEBHOOK_EVENT_TYPES } from '../../generated/validators.js';
import { signWebhook } from '../signature.js';
import { isWebhookEventType } from '../type-guards.js';
import { validateWebhookEvent } from '../validate.js';
import { integerOption, parse, secretsOption, UsageError, type Command, type CommandIO } from './args.js';
import { loadExamples, loadVectors } from './assets.js';
import { parseSet, parseUnset, type Edit } from './body-edit.js';
import { didYouMean, formatOption, Painter, Progress, type Format } from './format.js';
import { createPayloadGenerator } from './payloads.js';
import { customDeliveries, readInput } from './send-custom.js';
import { sendReport, type SendResult } from './send-output.js';
import { planReplay } from './replay.js';

const HELP = `Usage: chatspark-webhooks send <url> [options]

Posts ChatSpark webhook events to a receiver under test: first the reference's examples, then
--count generated payloads per event that are valid under the contract but vary every field it
lets vary. By default they also carry unknown properties and omit optional ones, which a receiver
must tolerate; --strict sends neither. Each answer's status and latency is printed, then a summary.
Redirects are not followed: a 3xx answer fails, printed with its Location (the receiver must take
the event at the URL it was given).

Options:
  --event <name|all>    which event to send (default all)
  --count <n>           generated payloads per event (default 10)
  --seed <s>            seed for the generated payloads (default random; printed)
  --concurrency <c>     requests in flight (default 4)
  --strict              only properties the contract defines, every optional one present
  --invalid             send the invalid test vectors instead, expecting 4xx answers (2xx for a
                        well-formed unknown event, which a default receiver acknowledges;
                        4xx for it with --strict)
  --edge-cases          also send date-times JavaScript's Date cannot parse (leap seconds)
  --from <file|->       replay the lines of a file: report records of \`listen --record-bodies\`
                        (their bodies byte for byte, with their recorded headers but the
                        redacted ones) or plain events (each line as it is), in order
                        (concurrency 1 unless --concurrency); each answer is judged by its
                        body's own verdict (valid: 2xx, invalid: 4xx); a record without a body
                        counts as failed
  --data <file|->       post exactly this body, once
  --set <path=value>    edit the example of one --event (and --count generated payloads, 0 by
                        default then) by dotted path: data.email=x@example.com, data.phone=null,
                        data.items.0=x; the value is JSON, or else text (repeatable)
  --unset <path>        remove a path from them (repeatable)
  --allow-unknown       allow --set/--unset paths the event's schema does not define (without
                        it such a path exits 2, naming the nearest defined paths)
  --allow-invalid       send a --data or edited body that is invalid under the contract,
                        expecting 4xx (without it, such a body exits 2 before anything is sent)
  --header <k: v>       add a request header (repeatable)
  --secret <whsec_…>    sign every delivery per Standard Webhooks v1 (an opt-in profile, not part
                        of ChatSpark's reference); repeat it to send one signature per secret, as
                        a sender rotating its secret does; with --from, each replay is signed
                        anew with a fresh timestamp and keeps its recorded webhook-id, as a real
                        retry does
  --new-ids             with --from and --secret: give each replay a fresh webhook-id instead
  --attack              with --secret, then send what a verifying receiver must reject, expecting
                        4xx: stale and future timestamps, a tampered body, a wrong secret, missing
                        headers; and a replayed delivery id, expecting 2xx (acknowledged; the
                        receiver must not process it twice)
  --timeout <ms>        per-request timeout (default 10000)
  --format <f>          text (default); json: one summary document with every delivery;
                        junit: one test case per delivery
  --quiet               print only failures and the summary
  -h, --help            show this help

Exit status: 0 every valid event answered 2xx (with --invalid: every invalid one as its vector
says), 1 otherwise
(also when nothing was sent), 2 usage error (141 when standard output is closed early, as by
\`| head\`: sending stops).

Examples:
  chatspark-webhooks send http://127.0.0.1:3000/webhooks --count 100 --seed 7
  chatspark-webhooks send http://127.0.0.1:3000/webhooks --from report.ndjson
  chatspark-webhooks send http://127.0.0.1:3000/webhooks --event lead.captured --set data.phone=null`;

export interface Delivery {
  label: string;
  event: string | null;
  body: string | Uint8Array;
  /** The answer the receiver owes: 2xx for a valid payload, 4xx for an invalid one, unless a vector says otherwise. */
  expect: '2xx' | '4xx';
  /** Headers of its own (a replayed record's), under those of --header. */
  headers?: Record<string, string>;
  /** Why it cannot be sent (a replayed record without a body): it counts as failed. */
  missing?: string;
  /** With --attack: how its signature is spoiled (or, for a replay, the id it repeats). */
  attack?: Attack;
  /** The webhook-id to sign with (a replay repeats one); fresh when absent. */
  id?: string;
  /** The body the signature was made for, when another one is sent (a tampered body). */
  signedBody?: string;
}

type Attack = 'stale' | 'future' | 'tampered' | 'wrong-secret' | 'missing-headers' | 'replay';

export interface Answer {
  status: number | null;
  ms: number;
  /** Why it failed, beyond its status: a connection error, or a redirect and where to. */
  error?: string;
  ok: boolean;
  /** Never sent: a replayed line without a body. */
  unsent?: true;
}

/** What to send, where and how, from the command line. */
interface SendPlan {
  url: URL;
  events: WebhookEventType[];
  count: number;
  seed: number;
  concurrency: number;
  timeout: number;
  headers: Record<string, string>;
  strict: boolean;
  quiet: boolean;
  invalid: boolean;
  edgeCases: boolean;
  /** Headers given with --header alone (they win over a replayed record's). */
  userHeaders: Record<string, string>;
  from: string | undefined;
  data: string | undefined;
  edits: Edit[];
  allowUnknown: boolean;
  allowInvalid: boolean;
  format: Format;
  /** --secret: sign with each (none: unsigned). */
  secrets: string[];
  /** --new-ids: re-signed replays get fresh webhook-ids instead of their recorded ones. */
  newIds: boolean;
  attack: boolean;
}

export const sendCommand: Command = {
  name: 'send',
  summary: 'post example and generated events to a receiver under test',
  help: HELP,
  async run(argv, io) {
    const plan = planOf(argv);
    if (plan === 'help') {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { deliveries, skipped, source } = await deliveriesOf(plan, io);
    const mode = plan.strict ? 'strict' : 'default';
    if (plan.format === 'text')
      io.stdout.write(
        `Sending to ${plan.url.href} (${source ?? `seed ${plan.seed}, ${mode} payloads`}, concurrency ${plan.concurrency})\n`,
      );
    const results = await new Sender(plan, io).send(deliveries);
    // One at a time, after the rest: a replay must arrive after the delivery it repeats.
    if (plan.attack) {
      const attacks = await new Sender({ ...plan, concurrency: 1 }, io).send(attackDeliveries(plan.events));
      results.push(...attacks.map((result) => ({ ...result, index: result.index + results.length })));
    }
    const answers = results.map((r) => r.answer);
    // Only generated payloads depend on the seed.
    const generated = plan.from === undefined && plan.data === undefined && !plan.invalid;
    const { text, passed } = summaryOf(answers, generated ? plan.seed : undefined);
    if (plan.format !== 'text') {
      io.stdout.write(sendReport(plan.format, results, { url: plan.url.href, seed: plan.seed, mode, skipped, passed }));
      return passed ? 0 : 1;
    }
    const note =
      skipped > 0
        ? `${skipped} record${skipped === 1 ? '' : 's'} skipped: not deliveries (GET, HEAD, unreadable requests).\n`
        : '';
    const painter = new Painter(io.stdout);
    io.stdout.write(
      text.replace(/(PASS|FAIL)\n$/, (word) => `${note}${painter.paint(passed ? 'green' : 'red', word.trim())}\n`),
    );
    return passed ? 0 : 1;
  },
};

/** What this run sends: replayed lines, one custom body, edited examples, vectors, or generated payloads. */
async function deliveriesOf(
  plan: SendPlan,
  io: CommandIO,
): Promise<{ deliveries: Iterator<Delivery>; skipped: number; source?: string }> {
  if (plan.from !== undefined) {
    const replay = planReplay(await readInput(plan.from, io), plan.strict);
    const source = `replaying ${replay.items.length} deliver${replay.items.length === 1 ? 'y' : 'ies'} from ${plan.from}`;
    return { deliveries: replay.items[Symbol.iterator](), skipped: replay.skipped, source };
  }
  if (plan.data !== undefined || plan.edits.length > 0) {
    const list = await customDeliveries(plan, io);
    return {
      deliveries: list[Symbol.iterator](),
      skipped: 0,
      source: `${list.length} custom bod${list.length === 1 ? 'y' : 'ies'}`,
    };
  }
  const deliveries = plan.invalid
    ? invalidDeliveries(plan.events, plan.strict)
    : validDeliveries(plan.events, plan.count, plan);
  return { deliveries, skipped: 0 };
}

function planOf(argv: string[]): SendPlan | 'help' {
  const { values, positionals } = parse(argv, {
    event: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    strict: { type: 'boolean' },
    invalid: { type: 'boolean' },
    'edge-cases': { type: 'boolean' },
    header: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    quiet: { type: 'boolean' },
    from: { type: 'string' },
    data: { type: 'string' },
    set: { type: 'string', multiple: true },
    unset: { type: 'string', multiple: true },
    'allow-unknown': { type: 'boolean' },
    'allow-invalid': { type: 'boolean' },
    format: { type: 'string' },
    secret: { type: 'string', multiple: true },
    'new-ids': { type: 'boolean' },
    attack: { type: 'boolean' },
  });
  if (values.help) return 'help';
  const edits = [...(values.set ?? []).map(parseSet), ...(values.unset ?? []).map(parseUnset)];
  const sources = [values.from, values.data, edits.length > 0 ? 'edits' : undefined, values.invalid ? 'i' : undefined];
  if (sources.filter((x) => x !== undefined).length > 1)
    throw new UsageError('--from, --data, --set/--unset and --invalid each choose what to send: use one of them.');
  const events = eventsOf(values.event);
  if (edits.length > 0 && (values.event === undefined || events.length !== 1))
    throw new UsageError('--set and --unset edit the example of one event: name it with --event <name>.');
  const headers = headersOf(values.header ?? []);
  const secrets = values.secret ?? [];
  if (values.attack === true && secrets.length === 0)
    throw new UsageError('--attack needs --secret: it attacks signatures.');
  if (values['new-ids'] === true && (values.from === undefined || secrets.length === 0))
    throw new UsageError('--new-ids goes with --from and --secret: it gives re-signed replays fresh ids.');
  return {
    url: urlOf(positionals),
    events,
    // Custom bodies are sent once each; generated payloads only when asked for.
    count: integerOption('count', values.count, edits.length > 0 ? 0 : 10, 0, 10_000_000),
    seed: integerOption('seed', values.seed, randomInt(0, 2 ** 31), 0, 2 ** 32 - 1),
    // A replay keeps the recorded order unless told otherwise.
    concurrency: integerOption('concurrency', values.concurrency, values.from !== undefined ? 1 : 4, 1, 1024),
    timeout: integerOption('timeout', values.timeout, 10_000, 1),
    headers,
    userHeaders: userHeadersOf(values.header ?? []),
    strict: values.strict === true,
    quiet: values.quiet === true,
    invalid: values.invalid === true,
    edgeCases: values['edge-cases'] === true,
    from: values.from,
    data: values.data,
    edits,
    allowUnknown: values['allow-unknown'] === true,
    allowInvalid: values['allow-invalid'] === true,
    format: formatOption(values.format),
    secrets: secretsOption(secrets),
    newIds: values['new-ids'] === true,
    attack: values.attack === true,
  };
}

export type { SendPlan };

function urlOf(positionals: string[]): URL {
  if (positionals.length !== 1)
    throw new UsageError('Name one URL to send to, such as http://127.0.0.1:3000/webhooks.');
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new UsageError(`Not a URL: "${positionals[0]}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`The URL must be http or https, got "${url.protocol}".`);
  }
  return url;
}

function eventsOf(option: string | undefined): WebhookEventType[] {
  const name = option ?? 'all';
  if (name === 'all') return [...WEBHOOK_EVENT_TYPES];
  if (!isWebhookEventType(name)) {
    throw new UsageError(
      `--event: unknown event "${name}".${didYouMean(name, WEBHOOK_EVENT_TYPES)} Expected "all" or one of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
    );
  }
  return [name];
}

function headersOf(options: string[]): Record<string, string> {
  return { 'content-type': 'application/json', 'user-agent': 'chatspark-webhooks-send', ...userHeadersOf(options) };
}

function userHeadersOf(options: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of options) {
    const colon = header.indexOf(':');
    if (colon < 1) throw new UsageError(`--header must look like "Name: value", got "${header}".`);
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return headers;
}

/** Posts deliveries with `concurrency` workers, printing each answer as it comes. */
/** The headers of a signature (both profiles' names, as recorded: lower-cased). */
const SIGNATURE_HEADERS: ReadonlySet<string> = new Set(
  ['id', 'timestamp', 'signature'].flatMap((part) => [`webhook-${part}`, `svix-${part}`]),
);

class Sender {
  readonly #plan: SendPlan;
  readonly #io: CommandIO;
  readonly #results: SendResult[] = [];
  readonly #progress: Progress;
  readonly #painter: Painter;
  #next = 0;

  constructor(plan: SendPlan, io: CommandIO) {
    this.#plan = plan;
    this.#io = io;
    this.#progress = new Progress(io.stderr, 'sent');
    this.#painter = new Painter(io.stdout);
  }

  async send(deliveries: Iterator<Delivery>): Promise<SendResult[]> {
    const worker = () => this.#work(deliveries);
    await Promise.all(Array.from({ length: this.#plan.concurrency }, worker));
    this.#progress.done();
    return this.#results.sort((a, b) => a.index - b.index);
  }

  /**
   * A replayed delivery to sign anew (--from with --secret): its recorded signature headers are
   * dropped, and it keeps its recorded id (a real retry does) unless --new-ids.
   */
  #resigned(delivery: Delivery): Delivery {
    if (this.#plan.secrets.length === 0 || delivery.headers === undefined) return delivery;
    const recorded = delivery.headers;
    const headers = Object.fromEntries(Object.entries(recorded).filter(([name]) => !SIGNATURE_HEADERS.has(name)));
    const id = this.#plan.newIds ? undefined : (recorded['webhook-id'] ?? recorded['svix-id']);
    return { ...delivery, headers, ...(id !== undefined ? { id } : {}) };
  }

  async #work(deliveries: Iterator<Delivery>): Promise<void> {
    for (;;) {
      const item = deliveries.next();
      if (item.done) return;
      const index = this.#next++;
      const { url, headers, userHeaders, timeout, secrets } = this.#plan;
      const delivery = this.#resigned(item.value);
      // A replayed record's headers go out again, under those given with --header.
      const base = delivery.headers ? { ...headers, ...delivery.headers, ...userHeaders } : headers;
      const answer =
        delivery.missing !== undefined
          ? { status: null, ms: 0, ok: false, error: delivery.missing, unsent: true as const }
          : await post(url, delivery, await signedHeaders(base, delivery, secrets), timeout);
      this.#results.push({ index, delivery, answer });
      this.#progress.tick(this.#results.length);
      if (this.#plan.format === 'text' && (!this.#plan.quiet || !answer.ok))
        this.#io.stdout.write(lineOf(answer, delivery, index, this.#painter));
    }
  }
}

function lineOf(answer: Answer, delivery: Delivery, index: number, painter: Painter): string {
  const status = answer.status === null ? 'ERR' : String(answer.status);
  const expectation = `expected ${delivery.expect}`;
  const why = answer.ok ? '' : `  (${expectation}${answer.error ? `: ${answer.error}` : ''})`;
  const ms = answer.ms.toFixed(1).padStart(7);
  return `${painter.mark(answer.ok)} ${status.padEnd(3)} ${ms} ms  #${index + 1} ${delivery.label}${why}\n`;
}

function summaryOf(answers: Answer[], seed: number | undefined): { text: string; passed: boolean } {
  const failed = answers.filter((a) => !a.ok).length;
  const connectionErrors = answers.filter((a) => a.status === null && a.unsent !== true).length;
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const quantile = (q: number) =>
    latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const statuses = new Map<string, number>();
  for (const { status } of answers) {
    const key = status === null ? 'error' : String(status);
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  }
  const listed =
    [...statuses]
      .sort()
      .map(([s, n]) => `${s} ×${n}`)
      .join(', ') || 'none';
  const passed = failed === 0 && answers.length > 0;
  const errors = connectionErrors > 0 ? ` (${connectionErrors} connection errors)` : '';
  const text =
    `\nSent ${answers.length} event${answers.length === 1 ? '' : 's'}: ${answers.length - failed} answered as expected, ${failed} not${errors}.\n` +
    `Statuses: ${listed}\n` +
    `Latency: p50 ${quantile(0.5).toFixed(1)} ms, p95 ${quantile(0.95).toFixed(1)} ms, max ${quantile(1).toFixed(1)} ms\n` +
    `${seed === undefined ? '' : `Replay with --seed ${seed}\n`}${passed ? 'PASS' : 'FAIL'}\n`;
  return { text, passed };
}

/** The examples of the chosen events, then `count` generated payloads per event, interleaved. */
function* validDeliveries(
  events: WebhookEventType[],
  count: number,
  options: { seed: number; strict: boolean; edgeCases: boolean },
): Generator<Delivery> {
  for (const { name, payload } of loadExamples()) {
    if (events.includes(payload.event))
      yield {
        label: `${payload.event} example (${name})`,
        event: payload.event,
        body: JSON.stringify(payload),
        expect: '2xx',
      };
  }
  const generator = createPayloadGenerator(options);
  for (let i = 0; i < count; i++) {
    for (const event of events) {
      const payload = generator.next(event);
      // The generator must only make valid payloads; say so loudly if it ever does not.
      const check = validateWebhookEvent(payload, { strict: options.strict });
      if (!check.valid && !options.edgeCases)
        throw new Error(`Generated an invalid ${event} payload: ${JSON.stringify(check.errors)}`);
      yield { label: `${event} generated #${i + 1}`, event, body: JSON.stringify(payload), expect: '2xx' };
    }
  }
}

/** The invalid test vectors that hold in the chosen mode, for the chosen events. */
function* invalidDeliveries(events: WebhookEventType[], strict: boolean): Generator<Delivery> {
  const mode = strict ? 'strict' : 'default';
  for (const vector of loadVectors()) {
    if (vector.valid || (vector.mode !== 'both' && vector.mode !== mode)) continue;
    const event =
      typeof (vector.payload as { event?: unknown })?.event === 'string'
        ? (vector.payload as { event: string }).event
        : null;
    if (isWebhookEventType(event) && !events.includes(event)) continue;
    yield {
      label: `invalid: ${vector.file} ${vector.description}`,
      event,
      body: JSON.stringify(vector.payload),
      // An unknown event is acknowledged by a default receiver (2xx) and rejected by a strict one.
      expect: vector.answers?.[mode] ?? '4xx',
    };
  }
}

/**
 * The headers of one delivery: with --secret, the Standard Webhooks headers, one signature per
 * secret (as a sender rotating its secret sends them), spoiled as its attack says.
 */
async function signedHeaders(
  base: Record<string, string>,
  delivery: Delivery,
  secrets: string[],
): Promise<Record<string, string>> {
  if (secrets.length === 0 || delivery.attack === 'missing-headers') return base;
  const now = Math.floor(Date.now() / 1000);
  const timestamp = delivery.attack === 'stale' ? now - 3600 : delivery.attack === 'future' ? now + 3600 : now;
  const keys = delivery.attack === 'wrong-secret' ? [`whsec_${randomBytes(32).toString('base64')}`] : secrets;
  const id = delivery.id ?? `msg_${randomBytes(16).toString('hex')}`;
  const signed = await Promise.all(
    keys.map((secret) => signWebhook(delivery.signedBody ?? delivery.body, { secret, id, timestamp })),
  );
  const signature = signed.map((headers) => headers['webhook-signature']).join(' ');
  return { ...base, ...signed[0]!, 'webhook-signature': signature };
}

/** What a verifying receiver must reject (4xx), then a delivery and its replay (2xx both; processed once). */
function* attackDeliveries(events: WebhookEventType[]): Generator<Delivery> {
  const example = loadExamples().find(({ payload }) => events.includes(payload.event))!.payload;
  const body = JSON.stringify(example);
  const base = { event: example.event, body };
  yield { ...base, label: 'attack: a timestamp an hour old', expect: '4xx', attack: 'stale' };
  yield { ...base, label: 'attack: a timestamp an hour ahead', expect: '4xx', attack: 'future' };
  const tampered = JSON.stringify({ ...example, timestamp: '2020-01-01T00:00:00.000Z' });
  yield {
    ...base,
    body: tampered,
    signedBody: body,
    label: 'attack: a tampered body',
    expect: '4xx',
    attack: 'tampered',
  };
  yield { ...base, label: 'attack: signed with a wrong secret', expect: '4xx', attack: 'wrong-secret' };
  yield { ...base, label: 'attack: no signature headers', expect: '4xx', attack: 'missing-headers' };
  const id = `msg_replay_${randomBytes(8).toString('hex')}`;
  yield { ...base, id, label: `attack: a delivery (${id})`, expect: '2xx' };
  yield { ...base, id, label: `attack: the same id replayed (${id})`, expect: '2xx', attack: 'replay' };
}

async function post(url: URL, delivery: Delivery, headers: Record<string, string>, timeout: number): Promise<Answer> {
  const start = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: delivery.body as string | Uint8Array<ArrayBuffer>,
      // A redirect is an answer to judge, not to follow: following turns the POST into a GET
      // of another page, whose 200 would pass a receiver that never took the event.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout),
    });
    await response.arrayBuffer(); // read the answer so the connection can be reused
    const ms = performance.now() - start;
    const { status } = response;
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      const error = location === null ? 'redirect without a Location header' : `redirect to ${location}, not followed`;
      return { status, ms, ok: false, error };
    }
    const ok = delivery.expect === '2xx' ? status >= 200 && status < 300 : status >= 400 && status < 500;
    return { status, ms, ok };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.code ?? cause?.message ?? (error as Error).message;
    return { status: null, ms: performance.now() - start, ok: false, error: message };
  }
}
