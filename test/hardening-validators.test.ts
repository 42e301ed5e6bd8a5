// Hardening of the compiled validators (the hardening issue, classes 8, 9, 15 and part of 16):
// - uniqueItems sees duplicates of every string, names of Object.prototype members included;
// - only own properties count, for every keyword, even with a polluted Object.prototype;
// - rejecting a huge invalid payload does bounded work: at most MAX_ISSUES errors are built and
//   the walk stops there, with the same first issues as an unbounded validator;
// - excerpts in messages count code points and never cut a surrogate pair; integers beyond
//   Number.MAX_SAFE_INTEGER are rejected where the contract says so.
// Work is checked by counting (errors built, items read), never by wall time.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, strictValidators, validators, type CompiledValidator } from '../generated/validators.js';
import { codePointLength, duplicateIndex } from '../src/formats.js';
import { describeValue, toIssues } from '../src/issues.js';
import { MAX_ISSUES, parseWebhookEvent, validateWebhookEvent } from '../src/validate.js';
import { loadEvents } from '../scripts/lib/contract.mjs';
import { BODY_LIMIT, hostileBodies } from '../bench/lib/hostile.mjs';
import { ROOT, loadVectorFiles, modesOf, readJson } from './helpers.js';
import { unbounded } from './support/unbounded-reference.js';

const SEED = process.env.CI === 'true' ? 20261126 : Date.now() % 2 ** 31;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);
const MODES = [false, true] as const;
type Event = (typeof WEBHOOK_EVENT_TYPES)[number];
type Payload = { event: string; timestamp: string; data: Record<string, unknown> };

const example = (event: string): Payload =>
  readJson<Payload>('examples', `${event === 'message.sent' ? 'message.sent.user' : event}.json`);
const requiredOf = Object.fromEntries(
  (loadEvents() as { event: string; schema: any }[]).map(({ event, schema }) => [
    event,
    { envelope: schema.required as string[], data: schema.properties.data.required as string[] },
  ]),
) as Record<string, { envelope: string[]; data: string[] }>;
const dataPropertiesOf = Object.fromEntries(
  (loadEvents() as { event: string; schema: any }[]).map(({ event, schema }) => [
    event,
    Object.keys(schema.properties.data.properties),
  ]),
) as Record<string, string[]>;

interface EventModule {
  validate(
    input: unknown,
    options?: { strict?: boolean },
  ): { valid: boolean; errors?: { path: string; keyword: string }[] };
}
const modules: Record<string, EventModule> = Object.fromEntries(
  await Promise.all(
    WEBHOOK_EVENT_TYPES.map(async (event) => [
      event,
      (await import(`../generated/validators/${event}.js`)) as EventModule,
    ]),
  ),
);

/** Every way to validate one payload as `event`: the package root and the per-event entry point, in both modes. */
function verdicts(event: string, payload: unknown) {
  return MODES.flatMap((strict) => [
    {
      via: `validateWebhookEvent (${strict ? 'strict' : 'default'})`,
      result: validateWebhookEvent(payload, { strict }),
    },
    {
      via: `validators/${event} (${strict ? 'strict' : 'default'})`,
      result: modules[event]!.validate(payload, { strict }),
    },
  ]);
}

const issuesOf = (result: { valid: boolean; errors?: { path: string; keyword: string }[] }) =>
  result.valid ? [] : (result.errors ?? []).map((e) => `${e.path} ${e.keyword}`);

// ---------------------------------------------------------------------------------------------
describe('8. uniqueItems sees duplicates of names that Object.prototype has', () => {
  const withChanges = (changes: unknown[]) => ({
    ...example('agent.updated'),
    data: { ...example('agent.updated').data, changes },
  });
  const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype); // __proto__, constructor, toString, valueOf…

  it('agent.updated with changes ["__proto__", "__proto__"] is rejected (uniqueItems), by every entry point', () => {
    for (const { via, result } of verdicts('agent.updated', withChanges(['__proto__', '__proto__']))) {
      expect(issuesOf(result), via).toEqual(['/data/changes uniqueItems']);
    }
  });

  it('every Object.prototype name, repeated, is a duplicate; once each, it is not', () => {
    expect(PROTOTYPE_NAMES).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'toString', 'hasOwnProperty']));
    for (const name of PROTOTYPE_NAMES) {
      expect(validateWebhookEvent(withChanges([name, 'x', name])).valid, name).toBe(false);
    }
    expect(validateWebhookEvent(withChanges(PROTOTYPE_NAMES)).valid).toBe(true);
  });

  it('the verdict equals a reference duplicate check, on arrays of prototype names and random strings (property)', () => {
    const name = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ...PROTOTYPE_NAMES),
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.constantFrom('a', 'b', 'name'),
    );
    fc.assert(
      fc.property(fc.array(name, { maxLength: 12 }), fc.boolean(), (changes, strict) => {
        const duplicated = new Set(changes).size !== changes.length; // the reference check
        const result = validateWebhookEvent(withChanges(changes), { strict });
        expect(result.valid).toBe(!duplicated);
        if (result.valid) return;
        expect(result.errors.map((e) => `${e.path} ${e.keyword}`)).toEqual(['/data/changes uniqueItems']);
        // The two indices named are a real pair of equal items.
        const [, i, j] = /at both index (\d+) and index (\d+)$/.exec(result.errors[0]!.received)!;
        expect(Number(i)).toBeLessThan(Number(j));
        expect(changes[Number(i)]).toBe(changes[Number(j)]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  /** Ajv's search, with a Map: from the end, strings only, the first one seen before. */
  const referenceDuplicate = (items: readonly unknown[]): number => {
    const seen = new Map<string, number>();
    for (let i = items.length; i--;) {
      const item = items[i];
      if (typeof item !== 'string') continue;
      if (seen.has(item)) return i;
      seen.set(item, i);
    }
    return -1;
  };

  it("duplicateIndex finds what Ajv's loop finds, on small and on large arrays (property)", () => {
    const item = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'toString', ...PROTOTYPE_NAMES),
      fc.string({ maxLength: 3 }),
      fc.constantFrom(1, null, [], {}),
    );
    const arrays = fc.oneof(
      fc.array(item, { maxLength: 20 }),
      // Past the Set's limit: distinct names, with a few repeats put anywhere.
      fc
        .tuple(fc.integer({ min: 4097, max: 12_000 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }), item)
        .map(([length, repeats, odd]) => {
          const items: unknown[] = Array.from({ length }, (_, i) => `n${i.toString(36)}`);
          for (const [from, to] of repeats) items[to % length] = items[from % length];
          items[length >> 1] = odd;
          return items;
        }),
    );
    fc.assert(
      fc.property(arrays, (items) => {
        expect(duplicateIndex(items)).toBe(referenceDuplicate(items));
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 4) },
    );
  }, 120_000);

  it('a 100,000-item array with a repeat at both ends: each item is read a bounded number of times', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => `name${i}`);
    items.push(items[0]!);
    let reads = 0;
    const array = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const result = validateWebhookEvent(withChanges(array));
    expect(result.valid ? [] : result.errors.map((e) => [e.path, e.keyword, e.received])).toEqual([
      ['/data/changes', 'uniqueItems', 'string "name0" at both index 0 and index 100000'],
    ]);
    // Linear work: the items are checked once, hashed once (probing compares a few more), and the
    // repeat's later index found once. Ajv's plain-object table read each item twice as well.
    expect(reads).toBeLessThanOrEqual(5 * items.length);
  }, 60_000);

  it('the build replaces the duplicate table, and fails loudly when Ajv output has no table to rewrite', async () => {
    const rewrites: Record<string, unknown> = await import('../scripts/lib/validator-rewrites.mjs');
    const rewrite = (code: string) => (rewrites.uniqueItemsByHelper as (c: string, h: string) => string)(code, 'dup');
    expect(typeof rewrites.uniqueItemsByHelper).toBe('function');
    const loop = (table: string, tail = '') =>
      `const ${table} = {};for(;i1--;){let item0 = data5[i1];if(typeof item0 !== "string"){continue;}if(typeof ${table}[item0] == "number"){j0 = ${table}[item0];const err0 = {keyword:"uniqueItems",params:{i: i1, j: j0}};break;}${table}[item0] = i1;}${tail}`;
    expect(rewrite(loop('indices0'))).toBe(
      'for(i1 = dup(data5);i1 >= 0;){let item0 = data5[i1];{j0 = data5.indexOf(item0, i1 + 1);const err0 = {keyword:"uniqueItems",params:{i: i1, j: j0}};break;}}',
    );
    // The table used in a way the rewrite does not know: the build must stop.
    expect(() => rewrite(loop('indices0', 'delete indices0[x];'))).toThrow(/uniqueItems/);
    // A uniqueItems check with no plain-object table (another code shape): the build must stop.
    expect(() =>
      rewrite('for(;i--;){for(j=i;j--;){if(func0(data[i], data[j])){const e = {keyword:"uniqueItems"};}}}'),
    ).toThrow(/uniqueItems/);
    // No uniqueItems at all: nothing to do.
    expect(rewrite('const x = {};')).toBe('const x = {};');
  });
});

// ---------------------------------------------------------------------------------------------
describe('9. only own properties count', () => {
  it('an envelope whose timestamp and data come from its prototype is rejected, for all nine events', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const { event: name, timestamp, data } = example(event);
      const payload = Object.assign(Object.create({ timestamp, data }), { event: name });
      for (const { via, result } of verdicts(event, payload)) {
        expect(issuesOf(result), `${event} via ${via}`).toEqual(['/timestamp required', '/data required']);
      }
    }
  });

  it('data whose fields come from its prototype is rejected, for all nine events', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const payload = { ...example(event), data: Object.create(example(event).data) };
      const expected = requiredOf[event]!.data.map((name) => `/data/${name} required`);
      for (const { via, result } of verdicts(event, payload)) {
        expect(issuesOf(result), `${event} via ${via}`).toEqual(expected);
      }
    }
  });

  it('an event name that comes from the prototype is not an event name', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const { event: name, ...rest } = example(event);
      const payload = Object.assign(Object.create({ event: name }), rest);
      for (const { via, result } of verdicts(event, payload)) {
        expect(result.valid, `${event} via ${via}`).toBe(false);
        expect(issuesOf(result)[0], `${event} via ${via}`).toBe('/event required');
      }
    }
  });

  /** Runs `fn` with `values` set on Object.prototype, removing them afterwards whatever happens. */
  function polluted<T>(values: Record<string, unknown>, fn: () => T): T {
    const names = Object.keys(values);
    for (const name of names) expect(Object.prototype.hasOwnProperty.call(Object.prototype, name), name).toBe(false);
    try {
      for (const name of names) (Object.prototype as Record<string, unknown>)[name] = values[name];
      return fn();
    } finally {
      for (const name of names) delete (Object.prototype as Record<string, unknown>)[name];
    }
  }

  it('a polluted Object.prototype does not satisfy a missing timestamp, for all nine events, in both modes, by every entry point', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const { timestamp, ...payload } = example(event);
      const results = polluted({ timestamp }, () => verdicts(event, payload));
      expect(({} as Record<string, unknown>).timestamp).toBeUndefined();
      for (const { via, result } of results)
        expect(issuesOf(result), `${event} via ${via}`).toEqual(['/timestamp required']);
    }
  });

  it('a polluted Object.prototype does not satisfy missing data, nor missing fields of data', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const { data, ...envelope } = example(event);
      const noData = polluted({ data }, () => verdicts(event, envelope));
      for (const { via, result } of noData) expect(issuesOf(result), `${event} via ${via}`).toEqual(['/data required']);

      const required = requiredOf[event]!.data;
      const fields = Object.fromEntries(required.map((name) => [name, data[name]]));
      const emptyData = { ...envelope, data: {} };
      const results = polluted(fields, () => verdicts(event, emptyData));
      for (const { via, result } of results)
        expect(issuesOf(result), `${event} via ${via}`).toEqual(required.map((name) => `/data/${name} required`));
    }
  });

  it('strict mode does not count enumerable properties inherited from a polluted Object.prototype as unknown', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const results = polluted({ injected: 1 }, () => verdicts(event, example(event)));
      for (const { via, result } of results) expect(issuesOf(result), `${event} via ${via}`).toEqual([]);
      const inherited = Object.assign(Object.create({ injected: 1 }), example(event));
      for (const { via, result } of verdicts(event, inherited))
        expect(issuesOf(result), `${event} via ${via}`).toEqual([]);
    }
  });

  it('the build checks that every property read is guarded by hasOwnProperty, and fails loudly otherwise', async () => {
    const rewrites: Record<string, unknown> = await import('../scripts/lib/validator-rewrites.mjs');
    const assertOwn = rewrites.assertOwnPropertiesOnly as (code: string) => string;
    expect(typeof assertOwn).toBe('function');
    const own =
      'const func0 = Object.prototype.hasOwnProperty;if((data.event === undefined) || (!(func0.call(data, "event")))){}if(data.event !== undefined && func0.call(data, "event")){}for(const key0 of Object.keys(data)){}';
    expect(assertOwn(own)).toBe(own);
    expect(() => assertOwn('if(data.event === undefined){}')).toThrow(/own/);
    expect(() => assertOwn('if(data.event !== undefined){}')).toThrow(/own/);
    expect(() => assertOwn('for(const key0 in data){}')).toThrow(/own/);
  });

  it('the build tests a required property for being own once, only where that is sound', async () => {
    const rewrites: Record<string, unknown> = await import('../scripts/lib/validator-rewrites.mjs');
    const share = rewrites.shareOwnPropertyTests as (code: string) => string;
    expect(typeof share).toBe('function');
    const start = 'const func0 = Object.prototype.hasOwnProperty;let vErrors = null;let errors = 0;';
    const required = 'if((data.event === undefined) || (!(func0.call(data, "event")))){errors++;}';
    const guard = 'if(data.event !== undefined && func0.call(data, "event")){let data0 = data.event;}';
    expect(share(`${start}${required}${guard}`)).toBe(
      `${start}let own0;if(!(own0 = data.event !== undefined && func0.call(data, "event"))){errors++;}if(own0){let data0 = data.event;}`,
    );
    // The guard in another block than the required test (it may run without it): left alone.
    const apart = `${start}if(a){${required}}${guard}`;
    expect(share(apart)).toBe(apart);
    const before = `${start}${guard}${required}`;
    expect(share(before)).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
describe('15. rejecting a huge invalid payload does bounded work', () => {
  const agentUpdated = (changes: unknown) => ({
    ...example('agent.updated'),
    data: { ...example('agent.updated').data, changes },
  });

  /** An array that counts how many of its items are read. */
  function counting<T>(items: T[]): { array: T[]; reads: () => number } {
    let reads = 0;
    const array = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    return { array, reads: () => reads };
  }

  it(`the compiled validators build at most MAX_ISSUES (${MAX_ISSUES}) errors for ~350k invalid array items`, () => {
    const payload = agentUpdated(Array(350_000).fill(''));
    for (const [mode, check] of [
      ['default', validators['agent.updated']],
      ['strict', strictValidators['agent.updated']],
    ] as const) {
      expect(check(payload), mode).toBe(false);
      expect(check.errors!.length, mode).toBe(MAX_ISSUES);
    }
    const result = validateWebhookEvent(payload);
    expect(result.valid ? 0 : result.errors.length).toBe(MAX_ISSUES);
  }, 60_000);

  it('and stop reading the array once the cap is reached', () => {
    for (const strict of MODES) {
      const { array, reads } = counting(Array(350_000).fill(''));
      expect(validateWebhookEvent(agentUpdated(array), { strict }).valid).toBe(false);
      expect(reads(), strict ? 'strict' : 'default').toBeLessThanOrEqual(MAX_ISSUES + 1);
    }
  }, 60_000);

  it('strict mode: schema errors and unknown properties together stay within the cap', () => {
    const unknown = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    for (const data of [
      { ...unknown }, // unknown properties only
      { ...unknown, agentId: 1, updatedAt: 1, changes: 1 }, // and three schema errors
      { ...unknown, changes: Array(1000).fill(1) }, // and more schema errors than the cap
    ]) {
      const payload = { ...example('agent.updated'), ...unknown, data };
      const check = strictValidators['agent.updated'] as CompiledValidator;
      expect(check(payload)).toBe(false);
      expect(check.errors!.length).toBeLessThanOrEqual(MAX_ISSUES);
      const reference = unbounded.strict['agent.updated']!;
      reference(payload);
      expect(toIssues(check.errors, payload)).toEqual(toIssues(reference.errors as never, payload));
    }
  }, 60_000);

  it('the build caps errors, and fails loudly when the code it rewrites has another shape', async () => {
    const rewrites: Record<string, unknown> = await import('../scripts/lib/validator-rewrites.mjs');
    const cap = rewrites.stopAtErrorCap as (code: string, max: number) => string;
    expect(typeof cap).toBe('function');
    const fn = (body: string) =>
      `function validate10(data, {instancePath=""}={}){let vErrors = null;let errors = 0;${body}validate10.errors = vErrors;return errors === 0;}`;
    const site = 'if(vErrors === null){vErrors = [err0];}else {vErrors.push(err0);}errors++;';
    const out = cap(fn(site), 20);
    expect(out).not.toBe(fn(site));
    expect(out).not.toContain('errors++;');
    // Errors reset by a subschema (anyOf, oneOf...) cannot be cut short soundly: refuse.
    expect(() => cap(fn(`const _errs0 = errors;${site}errors = _errs0;`), 20)).toThrow();
    // Two functions (a recursive $ref), or none: refuse.
    expect(() => cap(fn(site) + fn(site), 20)).toThrow();
    expect(() => cap('const x = 1;', 20)).toThrow();
  });

  it('the first issues are those of an unbounded validator: on every vector', () => {
    let compared = 0;
    for (const { content } of loadVectorFiles()) {
      for (const c of content.cases) {
        const event = (c.payload as { event?: unknown } | null)?.event;
        if (typeof event !== 'string' || !WEBHOOK_EVENT_TYPES.includes(event as Event)) continue;
        for (const mode of modesOf(c.mode)) {
          const shipped = (mode === 'strict' ? strictValidators : validators)[event as Event];
          const reference = unbounded[mode][event]!;
          expect(shipped(c.payload), c.description).toBe(reference(c.payload));
          expect(toIssues(shipped.errors, c.payload), c.description).toEqual(
            toIssues(reference.errors as never, c.payload),
          );
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('the first issues are those of an unbounded validator: on payloads with many errors (property)', () => {
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', 'x', 1, -1, 1.5, null, [], {}));
    const payloadOf = fc.constantFrom(...WEBHOOK_EVENT_TYPES).chain((event) =>
      fc.record({
        event: fc.constant(event),
        strict: fc.boolean(),
        envelope: fc.record({ timestamp: junk, data: fc.oneof(junk, fc.constant('keep')) }, { requiredKeys: [] }),
        data: fc.dictionary(fc.constantFrom(...dataPropertiesOf[event]!, 'changes'), junk, { maxKeys: 10 }),
        arrays: fc.array(junk, { maxLength: 60 }),
        unknown: fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 30 }),
      }),
    );
    let beyondCap = 0;
    fc.assert(
      fc.property(payloadOf, ({ event, strict, envelope, data, arrays, unknown }) => {
        const base = example(event);
        const payload: Record<string, unknown> = { ...unknown, ...base, ...envelope, event };
        if (envelope.data === 'keep' || !('data' in envelope))
          payload.data = { ...unknown, ...base.data, ...data, changes: arrays };
        const shipped = (strict ? strictValidators : validators)[event];
        const reference = unbounded[strict ? 'strict' : 'default'][event]!;
        expect(shipped(payload)).toBe(reference(payload));
        if ((reference.errors?.length ?? 0) > MAX_ISSUES) beyondCap++;
        expect(shipped.errors?.length ?? 0).toBeLessThanOrEqual(MAX_ISSUES);
        expect(toIssues(shipped.errors, payload)).toEqual(toIssues(reference.errors as never, payload));
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 4) },
    );
    expect(beyondCap, 'payloads with more errors than the cap were tried').toBeGreaterThan(0);
  }, 120_000);

  describe('hostile bodies within the 1 MiB limit (bench/lib/hostile.mjs): verdict, first issue, bounded errors', () => {
    for (const h of hostileBodies()) {
      it(`${h.name} → invalid (${h.keyword} at "${h.path}")${h.strict ? ', strict mode' : ''}`, () => {
        expect(Buffer.byteLength(h.body)).toBeLessThanOrEqual(BODY_LIMIT);
        const strict = h.strict === true;
        const result = parseWebhookEvent(h.body, { strict });
        expect(result.valid).toBe(false);
        if (result.valid) return;
        expect(result.errors[0]).toMatchObject({ keyword: h.keyword, path: h.path });
        expect(result.errors.length).toBeLessThanOrEqual(MAX_ISSUES);
        // The compiled check itself built no more errors than the cap, and the same first ones
        // as a validator without the cap.
        const value = JSON.parse(h.body);
        const event = value?.event as Event | undefined;
        if (event === undefined || !WEBHOOK_EVENT_TYPES.includes(event)) return;
        const shipped = (strict ? strictValidators : validators)[event];
        expect(shipped(value)).toBe(false);
        expect(shipped.errors!.length).toBeLessThanOrEqual(MAX_ISSUES);
        const reference = unbounded[strict ? 'strict' : 'default'][event]!;
        expect(reference(value)).toBe(false);
        expect(toIssues(shipped.errors, value)).toEqual(toIssues(reference.errors as never, value));
      }, 60_000);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('16. excerpts count code points; integers stay exact', () => {
  const SMILE = '\u{1F600}'; // one code point, two UTF-16 units

  it('an excerpt never cuts a surrogate pair and states the length in code points', () => {
    expect(describeValue(`a${SMILE.repeat(50)}`)).toBe(`string "a${SMILE.repeat(39)}…" (51 characters)`);
    expect(describeValue(SMILE.repeat(40))).toBe(`string "${SMILE.repeat(40)}"`);
    expect(describeValue(SMILE.repeat(41))).toBe(`string "${SMILE.repeat(40)}…" (41 characters)`);
    expect(describeValue('x'.repeat(41))).toBe(`string "${'x'.repeat(40)}…" (41 characters)`);
  });

  it('on any string: the excerpt is a prefix of whole code points, at most 40, and the count is in code points (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', SMILE, '\ud800', '\udc00', 'é'), maxLength: 60 }), (text) => {
        const described = describeValue(text);
        if (text === '') {
          expect(described).toBe('an empty string');
          return;
        }
        const match = /^string ("(?:[^"\\]|\\.)*")(?: \((\d+) characters\))?$/s.exec(described);
        expect(match, described).not.toBeNull();
        const quoted = JSON.parse(match![1]!) as string;
        const cut = match![2] !== undefined;
        const excerpt = cut ? quoted.slice(0, -1) : quoted;
        expect(text.startsWith(excerpt)).toBe(true);
        expect(cut).toBe(codePointLength(text) > 40);
        expect(codePointLength(excerpt)).toBe(Math.min(40, codePointLength(text)));
        if (cut) {
          expect(Number(match![2])).toBe(codePointLength(text));
          // The cut falls between code points: not between the halves of a pair.
          const last = excerpt.charCodeAt(excerpt.length - 1);
          const next = text.charCodeAt(excerpt.length);
          expect(last >= 0xd800 && last <= 0xdbff && next >= 0xdc00 && next <= 0xdfff).toBe(false);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a too-long id gets the same length in its maxLength and its pattern issue', () => {
    const lead = example('lead.captured');
    const result = validateWebhookEvent({ ...lead, data: { ...lead.data, leadId: `${SMILE.repeat(300)}` } });
    expect(result.valid).toBe(false);
    if (result.valid) return;
    const byKeyword = Object.fromEntries(result.errors.map((e) => [e.keyword, e.received]));
    expect(byKeyword.maxLength).toBe('a string of 300 characters');
    expect(byKeyword.pattern).toBe(`string "${SMILE.repeat(40)}…" (300 characters)`);
  });

  const MAX_SAFE = Number.MAX_SAFE_INTEGER;
  const cases: [event: 'training.completed' | 'training.failed', field: 'trainingId' | 'dataCount'][] = [
    ['training.completed', 'trainingId'],
    ['training.completed', 'dataCount'],
    ['training.failed', 'trainingId'],
  ];
  for (const [event, field] of cases) {
    it(`${event} ${field}: ${MAX_SAFE} is accepted, 2^53 and beyond are rejected (maximum), by every entry point`, () => {
      const at = (value: number) => ({ ...example(event), data: { ...example(event).data, [field]: value } });
      for (const { via, result } of verdicts(event, at(MAX_SAFE))) expect(issuesOf(result), via).toEqual([]);
      for (const value of [2 ** 53, 2 ** 53 + 2, 1e300]) {
        for (const { via, result } of verdicts(event, at(value))) {
          expect(issuesOf(result), `${value} via ${via}`).toEqual([`/data/${field} maximum`]);
        }
      }
      const result = parseWebhookEvent(JSON.stringify(at(1)).replace(`"${field}":1`, `"${field}":9007199254740993`));
      expect(result.valid ? [] : result.errors).toEqual([
        expect.objectContaining({ path: `/data/${field}`, keyword: 'maximum', expected: `a number <= ${MAX_SAFE}` }),
      ]);
    });
  }

  it('the schemas say why (a decision in the description), and the decisions page lists it', () => {
    const common = readJson<any>('schemas', 'common.json');
    expect(common.definitions.trainingId.maximum).toBe(MAX_SAFE);
    expect(common.definitions.trainingId.description).toMatch(/Decision:.*9007199254740991/s);
    const completed = readJson<any>('schemas', 'training.completed.json');
    expect(completed.properties.data.properties.dataCount.maximum).toBe(MAX_SAFE);
    expect(completed.properties.data.properties.dataCount.description).toMatch(/Decision:.*9007199254740991/s);
    const page = readFileSync(join(ROOT, 'generated/contract-decisions.md'), 'utf8');
    expect(page.match(/9007199254740991/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });
});
