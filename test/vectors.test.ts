// Runs every test vector in vectors/*.json through the public validator, in the mode(s) it names.
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, validateWebhookEvent } from '../src/index.js';
import { loadVectorFiles, modesOf } from './helpers.js';

const files = loadVectorFiles();

describe('vector files', () => {
  it('cover every event, each with every kind of fixture', () => {
    const events = files.map((f) => f.content.event).filter((e) => e !== null);
    expect([...events].sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const { content } of files) {
      if (content.event === null) continue;
      const kinds = content.cases.map((c) => c.description);
      const has = (re: RegExp) => kinds.some((d) => re.test(d));
      expect(has(/reference's example/), `${content.event}: example`).toBe(true);
      expect(has(/only the required fields/), `${content.event}: only-required`).toBe(true);
      expect(has(/missing required/), `${content.event}: missing-required`).toBe(true);
      expect(has(/accepted by default/), `${content.event}: allowed-extra`).toBe(true);
      expect(has(/rejected in strict mode/), `${content.event}: forbidden-extra`).toBe(true);
      expect(has(/wrong type/), `${content.event}: wrong-type`).toBe(true);
      expect(has(/bad format/), `${content.event}: bad-format`).toBe(true);
      for (const c of content.cases) {
        if (!c.valid)
          expect(c.errors?.length, `${content.event}: ${c.description} names its errors`).toBeGreaterThan(0);
      }
    }
  });
});

for (const { file, content } of files) {
  describe(file, () => {
    for (const c of content.cases) {
      for (const mode of modesOf(c.mode)) {
        it(`${c.description} [${mode}]`, () => {
          const before = JSON.stringify(c.payload);
          const result = validateWebhookEvent(c.payload, { strict: mode === 'strict' });
          expect(JSON.stringify(c.payload), 'the validator never changes its input').toBe(before);
          if (c.valid) {
            expect(result).toEqual({ valid: true, event: c.payload });
            return;
          }
          expect(result.valid).toBe(false);
          if (result.valid) return;
          // objectPath is what a validator that reports the object gives: `path` without its last segment.
          for (const e of c.errors!)
            if (e.objectPath !== undefined) expect(e.objectPath).toBe(e.path.slice(0, e.path.lastIndexOf('/')));
          const got = result.errors.map(({ path, keyword }) => ({ path, keyword }));
          const sortKey = (e: { path: string; keyword: string }) => `${e.path} ${e.keyword}`;
          expect([...got].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
            c
              .errors!.map(({ path, keyword }) => ({ path, keyword }))
              .sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
          );
          for (const issue of result.errors) {
            expect(issue.message.length).toBeGreaterThan(10);
            expect(issue.path === '' || issue.path.startsWith('/')).toBe(true);
          }
        });
      }
    }
  });
}

describe('vectors/vectors.schema.json', () => {
  it('describes every vector file', async () => {
    const { Ajv } = await import('ajv');
    const { readJson } = await import('./helpers.js');
    const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(
      readJson('vectors/vectors.schema.json') as object,
    );
    for (const { file, content } of files) expect(validate(content) ? [] : validate.errors, file).toEqual([]);
    expect(
      validate({
        event: null,
        description: 'x',
        cases: [{ description: 'x', mode: 'both', payload: 1, valid: false }],
      }),
    ).toBe(false);
  });
});
