/**
 * The redaction of personal data, for any table of `x-pii` fields: the package root uses it with all
 * nine events (src/redact.ts), each per-event entry point with its own event (scripts/build-validators.mjs).
 * It imports nothing, so a per-event bundle carries it without the other events.
 */
/** What a personal-data value becomes by default. */
export const REDACTED = '[redacted]';

/** How each personal-data value is replaced, without a key: the same call gives the same text. */
export interface RedactOptions {
  /**
   * `'last4'`: a string of at least 8 characters keeps its last four (`"[redacted]7890"`), enough
   * to tell two leads apart in a log by eye; shorter strings and other values are `"[redacted]"`.
   */
  keep?: 'last4';
}

/** Replace each personal-data value by a keyed hash of it, to correlate log lines without the value. */
export interface HashRedactOptions {
  /**
   * The HMAC-SHA-256 key (a secret of yours, not the webhook secret): bytes, a string (its UTF-8
   * bytes), or a `CryptoKey` imported for HMAC `sign` (import it once and reuse it). Each value
   * becomes `"hmac-sha256:<64 hex digits>"` of its text (a string as it is, another value as
   * JSON). Unkeyed, an email's hash would be found by hashing a list of addresses.
   */
  hmacKey: string | Uint8Array | HmacCryptoKey;
}

type Replace = (value: unknown) => unknown;
/** Web Crypto's key type, named without the DOM library (which the package does not assume). */
export type HmacCryptoKey = Parameters<typeof crypto.subtle.sign>[1];

/** The copy: the caller's value is never changed, whatever it holds. */
function copyOf(input: object): Record<string, unknown> | undefined {
  try {
    return structuredClone(input) as Record<string, unknown>;
  } catch {
    return undefined; // a function, a Proxy...: nothing a JSON body holds
  }
}

/**
 * Which fields hold personal data, by event name: JSON pointers (from the event's root) to their
 * `x-pii` category. An event the table does not know (`known` says no) loses its whole `data`.
 */
export interface PersonalDataTable {
  readonly fields: Readonly<Partial<Record<string, Readonly<Record<string, string>>>>>;
  known(event: unknown): boolean;
}

/** The copy with each personal-data value replaced; an unknown event loses its whole `data`. */
function redactCopy(table: PersonalDataTable, input: unknown, replace: Replace): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return REDACTED;
  const copy = copyOf(input);
  if (copy === undefined) return REDACTED;
  if (!table.known(copy.event)) {
    // Which of its fields are personal is not known: none of them is logged.
    if (Object.prototype.hasOwnProperty.call(copy, 'data')) copy.data = REDACTED;
    return copy;
  }
  for (const pointer of Object.keys(table.fields[copy.event as string] ?? {})) {
    const names = pointer.slice(1).split('/');
    const last = names.pop()!;
    let parent: unknown = copy;
    for (const name of names) parent = isObject(parent) && Object.hasOwn(parent, name) ? parent[name] : undefined;
    if (!isObject(parent) || !Object.hasOwn(parent, last)) continue;
    const value = parent[last];
    if (value !== null && value !== undefined) parent[last] = replace(value); // null means "not provided"
  }
  return copy;
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The last four code points of a string of at least eight, after the marker. */
function lastFour(value: unknown): string {
  if (typeof value !== 'string') return REDACTED;
  const points = Array.from(value);
  return points.length >= 8 ? `${REDACTED}${points.slice(-4).join('')}` : REDACTED;
}

async function hmacKeyOf(key: HashRedactOptions['hmacKey']): Promise<HmacCryptoKey> {
  if (typeof key === 'object' && !(key instanceof Uint8Array)) return key;
  // A copy in an ArrayBuffer of its own (Web Crypto's BufferSource; a view of a SharedArrayBuffer is not one).
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : new Uint8Array(key);
  if (bytes.length === 0) throw new TypeError('redactWebhookEvent: hmacKey is empty');
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** The hex HMAC-SHA-256 of a value's text (a string as it is, another value as JSON). */
async function hmacOf(key: HmacCryptoKey, value: unknown): Promise<string> {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text));
  return `hmac-sha256:${Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The values redaction replaces in `input`, in the order it meets them. */
export function personalValues(table: PersonalDataTable, input: unknown): unknown[] {
  const values: unknown[] = [];
  redactCopy(table, input, (value) => values.push(value));
  return values;
}

/** Hashes are asynchronous: collect the values in one pass, hash them, place them in a second pass (same order). */
async function hashed(table: PersonalDataTable, input: unknown, key: HashRedactOptions['hmacKey']): Promise<unknown> {
  const cryptoKey = await hmacKeyOf(key);
  const values = personalValues(table, input);
  const hashes = await Promise.all(values.map((value) => hmacOf(cryptoKey, value)));
  let next = 0;
  return redactCopy(table, input, () => hashes[next++]);
}

/** `redactWebhookEvent`'s two forms: synchronous, or with `hmacKey` a promise. */
export interface RedactWebhookEvent {
  (event: unknown, options?: RedactOptions): unknown;
  (event: unknown, options: HashRedactOptions): Promise<unknown>;
}

/** The redaction of the events a table knows (the package root: all nine; a per-event entry point: its own). */
export function redactWith(
  table: PersonalDataTable,
  event: unknown,
  options?: RedactOptions | HashRedactOptions,
): unknown {
  if (options !== undefined && 'hmacKey' in options) return hashed(table, event, options.hmacKey);
  return redactCopy(table, event, options?.keep === 'last4' ? lastFour : () => REDACTED);
}
