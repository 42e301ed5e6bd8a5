/**
 * What `listen` prints in each `--format`: the URL (text), a `ready` record (json) or the URL on
 * stderr (junit); then each delivery; then the summary.
 */
import { WEBHOOK_EVENT_TYPES } from '../../generated/validators.js';
import { formatIssue } from '../errors.js';
import type { CommandIO } from './args.js';
import { junitDocument, Painter, type Format, type TestCase } from './format.js';
import type { DeliveryRecord, ForwardResult } from './record.js';

/** The counts of a run, as the summary reports them. */
export interface TallyView {
  deliveries: number;
  valid: number;
  invalid: number;
  unrecorded: number;
  cutOff: number;
  malformed: number;
  forwardFailed: number;
  acceptedInvalid: number;
  byEvent: ReadonlyMap<string, { valid: number; invalid: number }>;
}

/** One NDJSON record of `listen --format json`. */
export type ListenEvent =
  | { type: 'ready'; url: string }
  | ({ type: 'delivery'; recorded: boolean } & DeliveryRecord)
  | ({ type: 'summary'; passed: boolean; missing: string[] } & Omit<TallyView, 'byEvent'> & {
        byEvent: Record<string, { valid: number; invalid: number }>;
      });

export class ListenOutput {
  readonly painter: Painter;
  readonly #io: CommandIO;
  readonly #format: Format;
  readonly #cases: TestCase[] = [];
  /** Given each record of the json format instead of standard output (the programmatic listener). */
  readonly #sink: ((event: ListenEvent) => void) | undefined;

  constructor(io: CommandIO, format: Format, sink?: (event: ListenEvent) => void) {
    this.#io = io;
    this.#format = format;
    this.#sink = sink;
    this.painter = new Painter(io.stdout);
  }

  #emit(event: ListenEvent): void {
    if (this.#sink) this.#sink(event);
    else this.#io.stdout.write(`${JSON.stringify(event)}\n`);
  }

  ready(url: string): void {
    if (this.#format === 'json') this.#emit({ type: 'ready', url });
    // JUnit output is one XML document on stdout: the URL goes to stderr.
    else if (this.#format === 'junit') this.#io.stderr.write(`${url}\n`);
    else this.#io.stdout.write(`${url}\n`);
  }

  /** A delivery in json or junit format (text is printed by the listener). */
  delivery(record: DeliveryRecord, recorded: boolean): void {
    if (this.#format === 'json') {
      this.#emit({ type: 'delivery', recorded, ...record });
      return;
    }
    if (record.method === null || record.method.toUpperCase() !== 'POST') return; // not a delivery
    const name = `#${this.#cases.length + 1} ${record.event ?? '(no event)'} ${record.method} ${record.path}`;
    const problems = record.issues.map(formatIssue);
    if (!recorded) problems.push('the record could not be written to the report');
    if (record.forward?.verdict === 'failed')
      problems.push(
        `the target answered ${record.forward.status}${record.forward.error ? ` (${record.forward.error})` : ''}`,
      );
    const failed = !record.valid || problems.length > 0;
    this.#cases.push({
      name,
      ...(record.forward ? { time: record.forward.ms / 1000 } : {}),
      ...(failed
        ? {
            failure: {
              message: problems[0] ?? `answered ${record.status}`,
              type: record.issues[0]?.keyword ?? 'forward',
              details: problems.join('\n'),
            },
          }
        : {}),
    });
  }

  summary(tally: TallyView, missing: string[], passed: boolean): void {
    if (this.#format === 'json') {
      const { byEvent, ...counts } = tally;
      const events = Object.fromEntries(
        WEBHOOK_EVENT_TYPES.filter((n) => byEvent.has(n)).map((n) => [n, byEvent.get(n)!]),
      );
      this.#emit({
        type: 'summary',
        passed,
        missing,
        deliveries: counts.deliveries,
        valid: counts.valid,
        invalid: counts.invalid,
        unrecorded: counts.unrecorded,
        cutOff: counts.cutOff,
        malformed: counts.malformed,
        forwardFailed: counts.forwardFailed,
        acceptedInvalid: counts.acceptedInvalid,
        byEvent: events,
      });
      return;
    }
    const cases = [...this.#cases];
    for (const name of missing)
      cases.push({ name: `expected ${name}`, failure: { message: `${name} never arrived`, type: 'expect' } });
    this.#io.stdout.write(junitDocument('chatspark-webhooks listen', 'chatspark-webhooks.listen', cases));
  }

  /** The text note of a forwarded delivery: the target's status, latency and answer excerpt. */
  forwardNote(forward: ForwardResult): string {
    const ms = forward.ms.toFixed(1);
    const said = forward.error ?? (forward.excerpt === '' ? '' : forward.excerpt);
    const note = ` → target ${forward.status} in ${ms} ms${said ? `: ${said}` : ''}`;
    if (forward.verdict === 'failed') return this.painter.paint('red', note);
    if (forward.verdict === 'accepted-invalid')
      return this.painter.paint('yellow', `${note} (acknowledged an invalid delivery)`);
    return note;
  }

  /** The summary lines about the target of --forward-to, or '' when not forwarding. */
  forwardSummary(tally: TallyView, target: URL | undefined, strict: boolean): string {
    if (target === undefined) return '';
    let out = `Forwarded to ${target.href}: ${tally.forwardFailed} failed answer${tally.forwardFailed === 1 ? '' : 's'} (5xx, none, or non-2xx to a valid delivery).\n`;
    if (tally.acceptedInvalid > 0)
      out += `The target acknowledged ${tally.acceptedInvalid} invalid deliver${tally.acceptedInvalid === 1 ? 'y' : 'ies'} (2xx)${strict ? '' : '; a finding, not a failure without --strict'}.\n`;
    return out;
  }
}
