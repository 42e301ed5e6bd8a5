/**
 * Generates payloads that are valid under the contract but vary every field it lets vary, from
 * the schemas themselves, reproducibly from a seed. Used by `send` and by the property tests.
 */
import type { WebhookEvent, WebhookEventType } from '../../generated/types.js';
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

type Schema = Record<string, any>;

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
const ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
const LDH = 'abcdefghijklmnopqrstuvwxyz0123456789-';
/** The id pattern of schemas/common.json: printable ASCII without spaces. */
const ID_PATTERN = '^[!-~]+$';
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A generator of valid payloads for every event. */
export interface PayloadGenerator {
  /** The next payload for `event`. */
  next<K extends WebhookEventType>(event: K): Extract<WebhookEvent, { event: K }>;
}

/**
 * Creates a payload generator reading the shipped schemas.
 *
 * @example
 * const generator = createPayloadGenerator({ seed: 42 });
 * const payload = generator.next('lead.captured');
 */
export function createPayloadGenerator(options: PayloadOptions): PayloadGenerator {
  const random = prng(options.seed);
  const strict = options.strict === true;
  const common = loadSchema('common.json') as Schema;
  const schemas = new Map<string, Schema>();

  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const chance = (p: number) => random() < p;
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)]!;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');

  function resolve(schema: Schema): Schema {
    if (typeof schema.$ref !== 'string') return schema;
    const match = /^common\.json#\/definitions\/(.+)$/.exec(schema.$ref);
    if (!match) throw new Error(`Unsupported $ref ${schema.$ref}`);
    const { $ref: _ref, ...siblings } = schema;
    return { ...common.definitions[match[1]!], ...siblings };
  }

  function text(min: number, max: number): string {
    // Mostly short, sometimes empty or at the longest the contract allows.
    const roll = random();
    const length = roll < 0.1 ? min : roll < 0.2 ? max : int(min, Math.min(max, min + 40));
    let out = '';
    for (let i = 0; i < length; i++) out += pick(TEXT_PIECES.length > 0 ? TEXT_PIECES : ['a']);
    // Each piece is one code point except the skin-tone emoji (two): trim back to the limit.
    return [...out].slice(0, max).join('');
  }

  function id(min: number, max: number): string {
    const length = chance(0.1) ? max : int(min, Math.min(max, 40));
    let out = chance(0.5) ? pick(['lead_', 'ag_', 'conv_', 'msg_', 'action_', '']) : '';
    while (out.length < length) out += String.fromCharCode(int(0x21, 0x7e));
    return out.slice(0, length);
  }

  function dateTime(): string {
    for (;;) {
      const year = int(1970, 2100);
      const month = int(1, 12);
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      const day = int(1, month === 2 && leap ? 29 : DAYS[month]!);
      const fraction = pick(['', '', `.${pad(int(0, 999), 3)}`, `.${String(int(0, 9))}`, `.${pad(int(0, 999999), 6)}`]);
      const offsetMinutes = chance(0.5) ? 0 : int(-12 * 60, 14 * 60);
      const zone =
        offsetMinutes === 0 && chance(0.7)
          ? 'Z'
          : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
      let value = `${year}-${pad(month)}-${pad(day)}T${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}${fraction}${zone}`;
      if (options.edgeCases && chance(0.2)) {
        value = pick([value.toLowerCase(), `${year}-12-31T23:59:60Z`, '1998-12-31T15:59:60.123-08:00']);
      }
      // Unless asked for edge cases, only what `new Date()` understands, as a receiver may use it.
      if (options.edgeCases || !Number.isNaN(Date.parse(value))) return value;
    }
  }

  function email(): string {
    const atoms = Array.from({ length: int(1, 3) }, () =>
      Array.from({ length: int(1, 12) }, () => pick([...ATEXT])).join(''),
    );
    const label = () => {
      const length = int(1, 15);
      let out = pick([...'abcdefghijklmnopqrstuvwxyz0123456789']);
      for (let i = 1; i < length - 1; i++) out += pick([...LDH]);
      if (length > 1) out += pick([...'abcdefghijklmnopqrstuvwxyz0123456789']);
      return out;
    };
    const labels = Array.from({ length: int(1, 3) }, label);
    return `${atoms.join('.').slice(0, 64).replace(/\.+$/, '')}@${labels.join('.')}.${pick(['com', 'io', 'example', 'co', 'dev'])}`;
  }

  function anyJson(depth: number): unknown {
    const kind = depth > 3 ? int(0, 3) : int(0, 5);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return chance(0.5);
      case 2:
        return chance(0.5) ? int(-1e6, 1e6) : random() * 1e6;
      case 3:
        return text(0, 20);
      case 4:
        return Array.from({ length: int(0, 3) }, () => anyJson(depth + 1));
      default:
        return anyObject(depth + 1);
    }
  }

  function anyObject(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = int(0, 4); i > 0; i--)
      out[`${pick(['id', 'status', 'contact', 'deal', 'note'])}${int(0, 99)}`] = anyJson(depth);
    return out;
  }

  function value(raw: Schema): unknown {
    const schema = resolve(raw);
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return pick(schema.enum);
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const type = types.includes('null') && chance(0.25) ? 'null' : pick(types.filter((t) => t !== 'null'));
    switch (type) {
      case 'null':
        return null;
      case 'string':
        if (schema.format === 'date-time') return dateTime();
        if (schema.format === 'email') return email();
        if (schema.pattern === ID_PATTERN) return id(schema.minLength ?? 1, schema.maxLength ?? 255);
        if (schema.pattern !== undefined) throw new Error(`No generator for the pattern ${schema.pattern}`);
        return text(schema.minLength ?? 0, schema.maxLength ?? 200);
      case 'integer': {
        const min = schema.minimum ?? -1e6;
        return chance(0.1) ? min : chance(0.1) ? 2 ** 31 - 1 : int(min, min + 100_000);
      }
      case 'array': {
        const items: unknown[] = [];
        const seen = new Set<string>();
        for (let i = int(schema.minItems ?? 0, 5), tries = 0; items.length < i && tries < 50; tries++) {
          const item = value(schema.items ?? {});
          const key = JSON.stringify(item);
          if (schema.uniqueItems && seen.has(key)) continue;
          seen.add(key);
          items.push(item);
        }
        return items;
      }
      case 'object':
        return object(schema);
      default:
        throw new Error(`Unsupported schema type ${String(type)}`);
    }
  }

  function object(schema: Schema): Record<string, unknown> {
    if (!schema.properties) return anyObject(1); // an open object such as `result`
    const out: Record<string, unknown> = {};
    const required = new Set<string>(schema.required ?? []);
    for (const [name, child] of Object.entries<Schema>(schema.properties)) {
      if (required.has(name) || strict || chance(0.5)) out[name] = value(child);
    }
    if (!strict && schema.additionalProperties !== false && chance(0.3)) {
      out[`futureField${int(0, 9)}`] = anyJson(2); // a field ChatSpark may add later
    }
    return out;
  }

  return {
    next(event) {
      let schema = schemas.get(event);
      if (!schema) {
        schema = loadSchema(`${event}.json`) as Schema;
        schemas.set(event, schema);
      }
      return object(schema) as never;
    },
  };
}
