// Property-based tests (fast-check): the validators never throw and always answer in shape, accept
// every payload generated as valid from the schemas, and reject every single-rule mutation with an
// issue at or under the mutated field. CI runs them with a fixed seed.
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPayloadGenerator } from '../src/cli/payloads.js';
import { WEBHOOK_EVENT_TYPES, parseWebhookEvent, validateWebhookEvent, type ValidationResult } from '../src/index.js';
import { mutationsOf } from './support/mutations.js';

// Counted work (cases, not seconds): a loaded machine must not turn it into a timeout.
vi.setConfig({ testTimeout: 120_000 });

const SEED = process.env.CI === 'true' ? 20261125 : Date.now() % 2 ** 31;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 5000);
const figures: Record<string, number> = {};
afterAll(() =>
  console.info(
    `property tests (seed ${SEED}): ${Object.entries(figures)
      .map(([k, v]) => `${k}: ${v} cases`)
      .join('; ')}`,
  ),
);

function assertWellFormed(result: ValidationResult): void {
  expect(typeof result.valid).toBe('boolean');
  if (result.valid) {
    expect(result.event).toBeDefined();
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  expect(result.errors.length).toBeLessThanOrEqual(20);
  for (const issue of result.errors) {
    expect(typeof issue.path).toBe('string');
    expect(issue.path === '' || issue.path.startsWith('/')).toBe(true);
    expect(typeof issue.keyword).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.message.length).toBeLessThan(1000);
  }
}

function check<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, runs = RUNS): void {
  fc.assert(
    fc.property(arbitrary, (value) => {
      predicate(value);
    }),
    { seed: SEED, numRuns: runs },
  );
  figures[name] = (figures[name] ?? 0) + runs;
}

/** Envelopes that reach the per-event validators, not only the dispatch in front of them. */
const envelopeLike = fc.record(
  {
    event: fc.oneof(fc.constantFrom(...WEBHOOK_EVENT_TYPES), fc.string()),
    timestamp: fc.oneof(
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
    data: fc.dictionary(fc.string(), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

describe('never throws, always a well-formed result', () => {
  it('validateWebhookEvent on any JSON value, in both modes', () => {
    check('validate(any JSON)', fc.tuple(fc.oneof(fc.jsonValue(), envelopeLike), fc.boolean()), ([value, strict]) => {
      assertWellFormed(validateWebhookEvent(value, { strict }));
    });
  });

  it('parseWebhookEvent on any byte string', () => {
    check('parse(any bytes)', fc.uint8Array({ maxLength: 512 }), (bytes) => {
      const result = parseWebhookEvent(bytes);
      assertWellFormed(result);
    });
  });

  it('parseWebhookEvent on any string, and on the JSON text of any value', () => {
    check(
      'parse(any string)',
      fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.oneof(fc.jsonValue(), envelopeLike).map((v) => JSON.stringify(v)),
      ),
      (text) => {
        assertWellFormed(parseWebhookEvent(text));
      },
    );
  });
});

describe('generated valid payloads are accepted', () => {
  for (const strict of [false, true]) {
    it(`every event, ${strict ? 'strict' : 'default'} payloads in ${strict ? 'strict' : 'default'} mode`, () => {
      check(
        `valid ${strict ? 'strict' : 'default'} payloads`,
        fc.tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(...WEBHOOK_EVENT_TYPES)),
        ([seed, event]) => {
          const payload = createPayloadGenerator({ seed, strict }).next(event);
          const result = validateWebhookEvent(payload, { strict });
          expect(result.valid ? [] : result.errors).toEqual([]);
          // And through the raw-body path, as a receiver gets it.
          expect(parseWebhookEvent(Buffer.from(JSON.stringify(payload))).valid).toBe(true);
        },
      );
    });
  }
});

describe('single-field mutations are rejected at the mutated field', () => {
  it('every mutation of every field the schemas constrain', () => {
    const tried = new Set<string>();
    check(
      'mutations',
      fc.tuple(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(...WEBHOOK_EVENT_TYPES),
        fc.nat(),
        fc.boolean(),
      ),
      ([seed, event, pick, strictMode]) => {
        const payload = createPayloadGenerator({ seed, strict: true }).next(event);
        const mutations = mutationsOf(event, payload);
        const mutation = mutations[pick % mutations.length]!;
        const mutated = structuredClone(payload);
        mutation.apply(mutated);
        tried.add(`${event} ${mutation.description.replace(/\/\d+/g, '/n')}`);
        const strict = mutation.strictOnly || strictMode;
        const result = validateWebhookEvent(mutated, { strict });
        expect(result.valid, `${mutation.description} must be rejected`).toBe(false);
        if (result.valid) return;
        for (const issue of result.errors) {
          const inside = issue.path === mutation.path || issue.path.startsWith(`${mutation.path}/`);
          expect(
            inside,
            `${mutation.description}: issue at ${issue.path} (${issue.keyword}) is not at or under ${mutation.path}`,
          ).toBe(true);
        }
      },
      RUNS * 2,
    );
    console.info(`mutations: ${tried.size} distinct kinds tried`);
    expect(tried.size).toBeGreaterThan(150);
  });
});
