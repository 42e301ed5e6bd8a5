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
import { integerOption, parse, UsageError, type Command, type CommandIO } from './args.js';
import { loadExamples, loadVectors } from './assets.js';
import { createPayloadGenerator } from './payloads.js';

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
  --header <k: v>       add a request header (repeatable)
  --secret <whsec_…>    sign every delivery per Standard Webhooks v1 (an opt-in profile, not part
                        of ChatSpark's reference); repeat it to send one signature per secret, as
                        a sender rotating its secret does
  --attack              with --secret, then send what a verifying receiver must reject, expecting
                        4xx: stale and future timestamps, a tampered body, a wrong secret, missing
                        headers; and a replayed delivery id, expecting 2xx (acknowledged; the
                        receiver must not process it twice)
  --timeout <ms>        per-request timeout (default 10000)
  --quiet               print only failures and the summary
  -h, --help            show this help

Exit status: 0 every valid event answered 2xx (with --invalid: every invalid one as its vector
says), 1 otherwise
(also when nothing was sent), 2 usage error (141 when standard output is closed early, as by
\`| head\`: sending stops).

Example:
  chatspark-webhooks send http://127.0.0.1:3000/webhooks --count 100 --seed 7`;

interface Delivery {
  label: string;
  event: string | null;
  body: string;
  /** The answer the receiver owes: 2xx for a valid payload, 4xx for an invalid one, unless a vector says otherwise. */
  expect: '2xx' | '4xx';
  /** With --attack: how its signature is spoiled (or, for a replay, the id it repeats). */
  attack?: Attack;
  /** The webhook-id to sign with (a replay repeats one); fresh when absent. */
  id?: string;
  /** The body the signature was made for, when another one is sent (a tampered body). */
  signedBody?: string;
}

type Attack = 'stale' | 'future' | 'tampered' | 'wrong-secret' | 'missing-headers' | 'replay';

interface Answer {
  status: number | null;
  ms: number;
  /** Why it failed, beyond its status: a connection error, or a redirect and where to. */
  error?: string;
  ok: boolean;
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
  /** --secret: sign with each (none: unsigned). */
  secrets: string[];
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
    const deliveries = plan.invalid
      ? invalidDeliveries(plan.events, plan.strict)
      : validDeliveries(plan.events, plan.count, plan);
    const mode = plan.strict ? 'strict' : 'default';
    io.stdout.write(
      `Sending to ${plan.url.href} (seed ${plan.seed}, ${mode} payloads, concurrency ${plan.concurrency})\n`,
    );
    const answers = await new Sender(plan, io).send(deliveries);
    // One at a time, after the rest: a replay must arrive after the delivery it repeats.
    if (plan.attack)
      answers.push(...(await new Sender({ ...plan, concurrency: 1 }, io).send(attackDeliveries(plan.events))));
    const { text, passed } = summaryOf(answers, plan.seed);
    io.stdout.write(text);
    return passed ? 0 : 1;
  },
};

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
    secret: { type: 'string', multiple: true },
    attack: { type: 'boolean' },
  });
  if (values.help) return 'help';
  const secrets = values.secret ?? [];
  if (values.attack === true && secrets.length === 0)
    throw new UsageError('--attack needs --secret: it attacks signatures.');
  return {
    url: urlOf(positionals),
    events: eventsOf(values.event),
    count: integerOption('count', values.count, 10, 0, 10_000_000),
    seed: integerOption('seed', values.seed, randomInt(0, 2 ** 31), 0, 2 ** 32 - 1),
    concurrency: integerOption('concurrency', values.concurrency, 4, 1, 1024),
    timeout: integerOption('timeout', values.timeout, 10_000, 1),
    headers: headersOf(values.header ?? []),
    strict: values.strict === true,
    quiet: values.quiet === true,
    invalid: values.invalid === true,
    edgeCases: values['edge-cases'] === true,
    secrets: secretsOf(secrets),
    attack: values.attack === true,
  };
}

/** Each --secret checked before anything is sent. */
function secretsOf(secrets: string[]): string[] {
  for (const secret of secrets) {
    const decoded = secret.replace(/^whsec_/, '');
    if (!/^[A-Za-z0-9+/]{4,}={0,2}$/.test(decoded)) {
      throw new UsageError('--secret must be "whsec_" followed by base64 (or bare base64).');
    }
  }
  return secrets;
}

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
      `--event: unknown event "${name}"; expected "all" or one of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
    );
  }
  return [name];
}

function headersOf(options: string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'chatspark-webhooks-send',
  };
  for (const header of options) {
    const colon = header.indexOf(':');
    if (colon < 1) throw new UsageError(`--header must look like "Name: value", got "${header}".`);
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return headers;
}

/** Posts deliveries with `concurrency` workers, printing each answer as it comes. */
class Sender {
  readonly #plan: SendPlan;
  readonly #io: CommandIO;
  readonly #answers: Answer[] = [];
  #next = 0;

  constructor(plan: SendPlan, io: CommandIO) {
    this.#plan = plan;
    this.#io = io;
  }

  async send(deliveries: Iterator<Delivery>): Promise<Answer[]> {
    const worker = () => this.#work(deliveries);
    await Promise.all(Array.from({ length: this.#plan.concurrency }, worker));
    return this.#answers;
  }

  async #work(deliveries: Iterator<Delivery>): Promise<void> {
    for (;;) {
      const item = deliveries.next();
      if (item.done) return;
      const index = this.#next++;
      const { url, headers, timeout } = this.#plan;
      const answer = await post(url, item.value, await signedHeaders(headers, item.value, this.#plan.secrets), timeout);
      this.#answers.push(answer);
      if (!this.#plan.quiet || !answer.ok) this.#io.stdout.write(lineOf(answer, item.value, index));
    }
  }
}

function lineOf(answer: Answer, delivery: Delivery, index: number): string {
  const status = answer.status === null ? 'ERR' : String(answer.status);
  const expectation = `expected ${delivery.expect}`;
  const why = answer.ok ? '' : `  (${expectation}${answer.error ? `: ${answer.error}` : ''})`;
  const ms = answer.ms.toFixed(1).padStart(7);
  return `${answer.ok ? '✓' : '✗'} ${status.padEnd(3)} ${ms} ms  #${index + 1} ${delivery.label}${why}\n`;
}

function summaryOf(answers: Answer[], seed: number): { text: string; passed: boolean } {
  const failed = answers.filter((a) => !a.ok).length;
  const connectionErrors = answers.filter((a) => a.status === null).length;
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
    `Replay with --seed ${seed}\n${passed ? 'PASS' : 'FAIL'}\n`;
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
      body: delivery.body,
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
