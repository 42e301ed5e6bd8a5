/**
 * Generates payloads that are valid under the contract but vary every field it lets vary, from
 * the schemas themselves, reproducibly from a seed. Used by `send` and by the property tests.
 */
import type { WebhookEvent, WebhookEventType } from '../../generated/types.js';
import { daysInMonth } from '../formats.js';
import { loadSchema } from './assets.js';

/** Options of {@link createPayloadGenerator}. */
export interface PayloadOptions {
  /** Same seed, same payloads. */
  seed: number;
  /**
   * Strict payloads: no property outside the contract and every optional property present.
   * Default payloads add unknown properties and omit optional ones at random, as a receiver must
   * tolerate both.
   */
  strict?: boolean;
  /** Also produce date-times JavaScript's `Date` cannot parse (leap seconds, lower-case `t`/`z`). */
  edgeCases?: boolean;
}

/** The part of JSON Schema the generator reads (the contract's schemas use no more). */
interface Schema {
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  uniqueItems?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  definitions?: Record<string, Schema>;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG, enough for test data. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Code points a string field may hold: ASCII, JSON-special characters, accents, CJK, emoji
// (outside the BMP: one code point, two UTF-16 units), and a right-to-left mark.
const TEXT_PIECES = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,:;!?',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  "'",
  '<',
  '>',
  '&',
  'é',
  'ß',
  'ø',
  '漢',
  '字',
  'Ж',
  '🚀',
  '👍🏽',
  '\u200f',
  '\u0000',
];
const ATEXT = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"];
const ALPHANUMERIC = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const LDH = [...'abcdefghijklmnopqrstuvwxyz0123456789-'];
const TOP_LEVEL_DOMAINS = ['com', 'io', 'example', 'co', 'dev'];
const ID_PREFIXES = ['lead_', 'ag_', 'conv_', 'msg_', 'action_', ''];
const OPEN_OBJECT_KEYS = ['id', 'status', 'contact', 'deal', 'note'];
/** The id pattern of schemas/common.json: printable ASCII without spaces. */
const ID_PATTERN = '^[!-~]+$';

// Reproducibility is the order of draws: every method below draws exactly what the first
// implementation drew, in the same order. Keep it so, or `send --seed` and the benchmark change
// (test/payloads-golden.test.ts pins it).

/** Draws from the seeded PRNG: fractions, integers, coin flips, picks. */
class Draws {
  readonly #random: () => number;

  constructor(seed: number) {
    this.#random = prng(seed);
  }

  /** A number in [0, 1). */
  fraction(): number {
    return this.#random();
  }

  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#random() < p;
  }

  /** One item of `list`, each as likely. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(0, list.length - 1)]!;
  }
}

/** `n` in decimal, zero-padded to `width` digits. */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Strings of each kind the contract uses: free text, ids, date-times, email addresses. */
class StringDraws {
  readonly #draws: Draws;
  readonly #edgeCases: boolean;

  constructor(draws: Draws, edgeCases: boolean) {
    this.#draws = draws;
    this.#edgeCases = edgeCases;
  }

  /** Mostly short, sometimes empty or at the longest the contract allows; lengths in code points. */
  text(min: number, max: number): string {
    const roll = this.#draws.fraction();
    const length = roll < 0.1 ? min : roll < 0.2 ? max : this.#draws.int(min, Math.min(max, min + 40));
    let out = '';
    for (let i = 0; i < length; i++) out += this.#draws.pick(TEXT_PIECES);
    // Each piece is one code point except the skin-tone emoji (two): trim back to the limit.
    return [...out].slice(0, max).join('');
  }

  /** An id under ID_PATTERN, sometimes with a prefix such as `lead_`. */
  id(min: number, max: number): string {
    const draws = this.#draws;
    const length = draws.chance(0.1) ? max : draws.int(min, Math.min(max, 40));
    let out = draws.chance(0.5) ? draws.pick(ID_PREFIXES) : '';
    while (out.length < length) out += String.fromCharCode(draws.int(0x21, 0x7e));
    return out.slice(0, length);
  }

  /**
   * An RFC 3339 date-time. Unless asked for edge cases, only what `new Date()` understands, as a
   * receiver may use it.
   */
  dateTime(): string {
    for (;;) {
      const value = this.#dateTimeCandidate();
      if (this.#edgeCases || !Number.isNaN(Date.parse(value))) return value;
    }
  }

  #dateTimeCandidate(): string {
    const draws = this.#draws;
    const year = draws.int(1970, 2100);
    const month = draws.int(1, 12);
    const day = draws.int(1, daysInMonth(year, month));
    const date = `${year}-${pad(month)}-${pad(day)}`;
    const fraction = this.#secondFraction();
    const zone = this.#zone();
    const value = `${date}T${pad(draws.int(0, 23))}:${pad(draws.int(0, 59))}:${pad(draws.int(0, 59))}${fraction}${zone}`;
    if (!this.#edgeCases || !draws.chance(0.2)) return value;
    return draws.pick([value.toLowerCase(), `${year}-12-31T23:59:60Z`, '1998-12-31T15:59:60.123-08:00']);
  }

  /** None, or milliseconds, tenths or microseconds. */
  #secondFraction(): string {
    const draws = this.#draws;
    // The three numbers are drawn, left to right, before the pick.
    const digits = [`.${pad(draws.int(0, 999), 3)}`, `.${String(draws.int(0, 9))}`, `.${pad(draws.int(0, 999999), 6)}`];
    return draws.pick(['', '', ...digits]);
  }

  /** `Z`, or an offset from -12:00 to +14:00 (sometimes +00:00). */
  #zone(): string {
    const draws = this.#draws;
    const offsetMinutes = draws.chance(0.5) ? 0 : draws.int(-12 * 60, 14 * 60);
    if (offsetMinutes === 0 && draws.chance(0.7)) return 'Z';
    const sign = offsetMinutes < 0 ? '-' : '+';
    const absolute = Math.abs(offsetMinutes);
    return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
  }

  /** A dot-atom local part at a domain of one to three LDH labels and a top-level domain. */
  email(): string {
    const draws = this.#draws;
    const atoms = Array.from({ length: draws.int(1, 3) }, () => this.#atom());
    const labels = Array.from({ length: draws.int(1, 3) }, () => this.#label());
    const local = atoms.join('.').slice(0, 64).replace(/\.+$/, '');
    return `${local}@${labels.join('.')}.${draws.pick(TOP_LEVEL_DOMAINS)}`;
  }

  #atom(): string {
    return Array.from({ length: this.#draws.int(1, 12) }, () => this.#draws.pick(ATEXT)).join('');
  }

  /** A domain label: letters, digits and inner hyphens. */
  #label(): string {
    const draws = this.#draws;
    const length = draws.int(1, 15);
    let out = draws.pick(ALPHANUMERIC);
    for (let i = 1; i < length - 1; i++) out += draws.pick(LDH);
    if (length > 1) out += draws.pick(ALPHANUMERIC);
    return out;
  }
}

/** A generator of valid payloads for every event. */
export interface PayloadGenerator {
  /** The next payload for `event`. */
  next<K extends WebhookEventType>(event: K): Extract<WebhookEvent, { event: K }>;
}

/** Walks an event's schema and draws a value for each node it reaches. */
class SchemaPayloadGenerator implements PayloadGenerator {
  readonly #draws: Draws;
  readonly #strings: StringDraws;
  readonly #strict: boolean;
  readonly #common: Schema;
  readonly #schemas = new Map<string, Schema>();

  constructor(options: PayloadOptions) {
    this.#draws = new Draws(options.seed);
    this.#strings = new StringDraws(this.#draws, Boolean(options.edgeCases));
    this.#strict = options.strict === true;
    this.#common = loadSchema('common.json');
  }

  next<K extends WebhookEventType>(event: K): Extract<WebhookEvent, { event: K }> {
    let schema = this.#schemas.get(event);
    if (!schema) {
      schema = loadSchema(`${event}.json`);
      this.#schemas.set(event, schema);
    }
    return this.#object(schema) as never;
  }

  /** The schema itself, or the common.json definition it refers to merged with its own keywords. */
  #resolve(schema: Schema): Schema {
    if (typeof schema.$ref !== 'string') return schema;
    const match = /^common\.json#\/definitions\/(.+)$/.exec(schema.$ref);
    if (!match) throw new Error(`Unsupported $ref ${schema.$ref}`);
    const { $ref: _ref, ...siblings } = schema;
    return { ...this.#common.definitions?.[match[1]!], ...siblings };
  }

  #value(raw: Schema): unknown {
    const schema = this.#resolve(raw);
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return this.#draws.pick(schema.enum);
    const type = this.#type(schema);
    switch (type) {
      case 'null':
        return null;
      case 'string':
        return this.#string(schema);
      case 'integer':
        return this.#integer(schema);
      case 'array':
        return this.#array(schema);
      case 'object':
        return this.#object(schema);
      default:
        throw new Error(`Unsupported schema type ${String(type)}`);
    }
  }

  /** One of the schema's types; `null`, when allowed, a quarter of the time. */
  #type(schema: Schema): string | undefined {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.includes('null') && this.#draws.chance(0.25)) return 'null';
    return this.#draws.pick(types.filter((t) => t !== 'null'));
  }

  #string(schema: Schema): string {
    if (schema.format === 'date-time') return this.#strings.dateTime();
    if (schema.format === 'email') return this.#strings.email();
    if (schema.pattern === ID_PATTERN) return this.#strings.id(schema.minLength ?? 1, schema.maxLength ?? 255);
    if (schema.pattern !== undefined) throw new Error(`No generator for the pattern ${schema.pattern}`);
    return this.#strings.text(schema.minLength ?? 0, schema.maxLength ?? 200);
  }

  /** Sometimes the minimum, sometimes 2^31 - 1, mostly within 100000 above the minimum. */
  #integer(schema: Schema): number {
    const min = schema.minimum ?? -1e6;
    const draws = this.#draws;
    return draws.chance(0.1) ? min : draws.chance(0.1) ? 2 ** 31 - 1 : draws.int(min, min + 100_000);
  }

  /** Up to five items; under `uniqueItems` a repeated item is drawn again (50 draws at most). */
  #array(schema: Schema): unknown[] {
    const items: unknown[] = [];
    const seen = new Set<string>();
    for (let i = this.#draws.int(schema.minItems ?? 0, 5), tries = 0; items.length < i && tries < 50; tries++) {
      const item = this.#value(schema.items ?? {});
      const key = JSON.stringify(item);
      if (schema.uniqueItems && seen.has(key)) continue;
      seen.add(key);
      items.push(item);
    }
    return items;
  }

  /**
   * Required properties always, optional ones always in strict mode and otherwise half the time,
   * and, outside strict mode, sometimes a property ChatSpark may add later.
   */
  #object(schema: Schema): Record<string, unknown> {
    if (!schema.properties) return this.#anyObject(1); // an open object such as `result`
    const out: Record<string, unknown> = {};
    const required = new Set<string>(schema.required ?? []);
    for (const [name, child] of Object.entries<Schema>(schema.properties)) {
      if (required.has(name) || this.#strict || this.#draws.chance(0.5)) out[name] = this.#value(child);
    }
    if (!this.#strict && schema.additionalProperties !== false && this.#draws.chance(0.3)) {
      out[`futureField${this.#draws.int(0, 9)}`] = this.#anyJson(2);
    }
    return out;
  }

  /** Any JSON value; no arrays or objects below depth 3. */
  #anyJson(depth: number): unknown {
    const draws = this.#draws;
    switch (depth > 3 ? draws.int(0, 3) : draws.int(0, 5)) {
      case 0:
        return null;
      case 1:
        return draws.chance(0.5);
      case 2:
        return draws.chance(0.5) ? draws.int(-1e6, 1e6) : draws.fraction() * 1e6;
      case 3:
        return this.#strings.text(0, 20);
      case 4:
        return Array.from({ length: draws.int(0, 3) }, () => this.#anyJson(depth + 1));
      default:
        return this.#anyObject(depth + 1);
    }
  }

  #anyObject(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = this.#draws.int(0, 4); i > 0; i--) {
      const key = `${this.#draws.pick(OPEN_OBJECT_KEYS)}${this.#draws.int(0, 99)}`;
      out[key] = this.#anyJson(depth);
    }
    return out;
  }
}

/**
 * Creates a payload generator reading the shipped schemas.
 *
 * @example
 * const generator = createPayloadGenerator({ seed: 42 });
 * const payload = generator.next('lead.captured');
 */
export function createPayloadGenerator(options: PayloadOptions): PayloadGenerator {
  return new SchemaPayloadGenerator(options);
}
