/**
 * `send --from`: the deliveries of a file of NDJSON lines, either report records of
 * `listen --record-bodies` (their bodies byte for byte, with their recorded headers) or plain
 * events (each line's bytes as the body). Each is judged by its own body's verdict.
 */
import { parseWebhookEvent } from '../validate.js';
import { eventNameOf, parsedBody } from '../body.js';
import { endToEndHeaders } from './forward.js';
import { LineSplitter } from './lines.js';
import { REDACTED } from '../redaction.js';
import { decodeRecordedBody } from './record.js';

/** One delivery to replay, or a line that cannot be replayed (no recorded body). */
export interface ReplayItem {
  label: string;
  event: string | null;
  body: Uint8Array;
  headers?: Record<string, string>;
  expect: '2xx' | '4xx';
  /** Why this line cannot be sent: it counts as failed. */
  missing?: string;
}

/** What a file of lines holds: the deliveries, and the records skipped as not deliveries. */
export interface ReplayPlan {
  items: ReplayItem[];
  /** Records of requests that were not deliveries (GET, HEAD, other methods, unreadable requests). */
  skipped: number;
}

/** Headers a replay never sends again: the user agent and content length are the sender's own. */
const NOT_REPLAYED = new Set(['user-agent']);

/** Splits `input` into its lines and plans a replay of each. */
export function planReplay(input: Uint8Array, strict: boolean): ReplayPlan {
  const splitter = new LineSplitter(Number.MAX_SAFE_INTEGER);
  const lines = [...splitter.push(Buffer.from(input.buffer, input.byteOffset, input.byteLength))];
  const last = splitter.end();
  if (last) lines.push(last);
  const plan: ReplayPlan = { items: [], skipped: 0 };
  for (const line of lines) {
    if (line.bytes === null || line.bytes.toString('utf8').trim() === '') continue;
    const item = itemOf(Buffer.from(line.bytes), line.number, strict);
    if (item === 'skip') plan.skipped++;
    else plan.items.push(item);
  }
  return plan;
}

/** A report record (it has `v` and `receivedAt`), or else a plain event. */
function itemOf(bytes: Buffer, number: number, strict: boolean): ReplayItem | 'skip' {
  const value = parsedBody(bytes);
  const record = value as Record<string, unknown> | undefined;
  const isRecord =
    record !== null &&
    typeof record === 'object' &&
    typeof record.v === 'number' &&
    typeof record.receivedAt === 'string';
  if (!isRecord) return judged(`line ${number}`, bytes, undefined, strict);
  if (typeof record.method !== 'string' || record.method.toUpperCase() !== 'POST') return 'skip';
  const where = `line ${number} (received ${String(record.receivedAt)})`;
  if (typeof record.body !== 'string') {
    return {
      label: `${where} ${typeof record.event === 'string' ? record.event : ''}`.trimEnd(),
      event: typeof record.event === 'string' ? record.event : null,
      body: new Uint8Array(0),
      expect: '2xx',
      missing: 'no recorded body (record with listen --record-bodies; 408, 413 and refused requests have none)',
    };
  }
  const body = decodeRecordedBody(record.body, record.bodyEncoding);
  return judged(where, body, replayedHeaders(record.headers), strict);
}

/** A body judged by its own verdict: a valid one expects 2xx, an invalid one 4xx. */
function judged(
  where: string,
  body: Uint8Array,
  headers: Record<string, string> | undefined,
  strict: boolean,
): ReplayItem {
  const verdict = parseWebhookEvent(body, { strict });
  const event = verdict.valid ? verdict.event.event : eventNameOf(parsedBody(body));
  return {
    label: `${where} ${event ?? '(no event)'}${verdict.valid ? '' : ' (invalid)'}`,
    event,
    body,
    ...(headers ? { headers } : {}),
    expect: verdict.valid ? '2xx' : '4xx',
  };
}

/** The recorded headers that go out again: end-to-end ones, never a redacted value. */
function replayedHeaders(recorded: unknown): Record<string, string> | undefined {
  if (recorded === null || typeof recorded !== 'object') return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(endToEndHeaders(recorded as Record<string, string>))) {
    if (typeof value === 'string' && value !== REDACTED && !NOT_REPLAYED.has(name)) headers[name] = value;
  }
  return headers;
}
