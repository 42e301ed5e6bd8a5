// Strict mode ships as the schema plus a separately compiled unknown-property check
// (src/strict-validator.ts). Here it is held to the plain definition, compiled at test time: each
// schema with `additionalProperties: false` on every object that lists `properties`.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { strictValidators } from '../generated/validators.js';
import { createPayloadGenerator } from '../src/cli/payloads.js';
import { formats } from '../src/formats.js';
import { WEBHOOK_EVENT_TYPES } from '../src/index.js';
import { CONTRACT_KEYWORDS, toStrict, withoutRestatedPatterns } from '../scripts/lib/contract.mjs';
import { loadVectorFiles, loadSchemaFiles } from './helpers.js';
import { mutationsOf } from './support/mutations.js';

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, keywords: CONTRACT_KEYWORDS });
for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
const schemas = loadSchemaFiles();
// The pattern beside a checked format only restates it for other validators; the package checks the format.
ajv.addSchema(withoutRestatedPatterns(toStrict(schemas.find((s) => s.file === 'common.json')!.schema)), 'common.json');
const reference = Object.fromEntries(
  schemas
    .filter((s) => typeof s.schema.properties?.event?.const === 'string')
    .map((s) => [s.schema.properties.event.const as string, ajv.compile(withoutRestatedPatterns(toStrict(s.schema)))]),
);

const key = (errors: { instancePath: string; keyword: string; params: Record<string, unknown> }[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`).sort();

function agree(event: string, payload: unknown): void {
  const shipped = strictValidators[event as keyof typeof strictValidators];
  const plain = reference[event]!;
  const verdict = shipped(payload);
  expect(verdict).toBe(plain(payload));
  expect(key(shipped.errors)).toEqual(key(plain.errors));
}

describe('strict mode, as shipped, agrees with the schemas made strict', () => {
  it('has a reference validator for each of the nine events', () => {
    expect(Object.keys(reference).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });

  it('on every test vector, in verdict and in every error', () => {
    let n = 0;
    for (const { content } of loadVectorFiles()) {
      for (const c of content.cases) {
        const event = (c.payload as { event?: unknown } | null)?.event;
        if (typeof event !== 'string' || !Object.hasOwn(reference, event)) continue;
        agree(event, c.payload);
        n++;
      }
    }
    expect(n).toBeGreaterThan(80);
  });

  it('on generated payloads, with unknown properties and with every single-rule mutation', () => {
    const strictPayloads = createPayloadGenerator({ seed: 7, strict: true });
    const loosePayloads = createPayloadGenerator({ seed: 7 }); // adds unknown properties
    let invalid = 0;
    for (let i = 0; i < 20; i++) {
      for (const event of WEBHOOK_EVENT_TYPES) {
        agree(event, strictPayloads.next(event));
        const loose = loosePayloads.next(event);
        agree(event, loose);
        if (!reference[event]!(loose)) invalid++;
        const base = strictPayloads.next(event);
        for (const mutation of mutationsOf(event, base)) {
          const payload = structuredClone(base);
          mutation.apply(payload);
          agree(event, payload);
        }
      }
    }
    expect(invalid).toBeGreaterThan(20); // the unknown properties were there to find
  });

  it('on values that are not objects where objects belong', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      for (const payload of [
        null,
        1,
        'x',
        [],
        { event },
        { event, data: [] },
        { event, data: null, extra: 1 },
        { event, timestamp: 5, data: { extra: 1 } },
      ]) {
        agree(event, payload);
      }
    }
  });
});
