// The per-event entry points: each validates its event like validateWebhookEvent does, stands
// alone in a bundle, and keeps to its size budget.
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, validateWebhookEvent } from '../src/index.js';
import { entrySize } from '../scripts/lib/entry-sizes.mjs';
import { ROOT, loadVectorFiles, modesOf, readJson } from './helpers.js';

const KIB = 1024;
const BUDGET_ALL = 7 * KIB; // all nine events, both modes (the clarified issue 5 budget)
const BUDGET_ONE = 4 * KIB;

describe('@chatspark/webhooks/validators/<event>', () => {
  for (const event of WEBHOOK_EVENT_TYPES) {
    it(`${event}: agrees with validateWebhookEvent on every vector of its event, in each mode`, async () => {
      const module = await import(`../generated/validators/${event}.js`);
      expect(module.event).toBe(event);
      const vectors = loadVectorFiles().find((f) => f.content.event === event)!.content.cases;
      for (const vector of vectors) {
        for (const mode of modesOf(vector.mode)) {
          const strict = mode === 'strict';
          const expected = validateWebhookEvent(vector.payload, { strict });
          expect(module.validate(vector.payload, { strict }), vector.description).toEqual(expected);
          expect(module.isValid(vector.payload, { strict })).toBe(expected.valid);
        }
      }
      const other = readJson<any>(`examples/${event === 'lead.captured' ? 'training.failed' : 'lead.captured'}.json`);
      const wrong = module.validate(other);
      expect(wrong.valid).toBe(false);
      expect(wrong.errors).toContainEqual(expect.objectContaining({ path: '/event', keyword: 'const' }));
      expect(module.validate([1]).errors[0]).toMatchObject({ path: '', keyword: 'type' });
    });
  }

  it(`keep to their size budget: all nine ≤ ${BUDGET_ALL / KIB} KiB gzip, one ≤ ${BUDGET_ONE / KIB} KiB gzip`, () => {
    const all = entrySize(join(ROOT, 'generated/validators.js'));
    expect(all.gzip).toBeLessThanOrEqual(BUDGET_ALL);
    const sizes = WEBHOOK_EVENT_TYPES.map(
      (event) => [event, entrySize(join(ROOT, `generated/validators/${event}.js`)).gzip] as const,
    );
    for (const [event, gzip] of sizes) expect(gzip, event).toBeLessThanOrEqual(BUDGET_ONE);
    console.info(`validator sizes (gzip): all ${all.gzip} B; ${sizes.map(([e, g]) => `${e} ${g} B`).join(', ')}`);
  });

  it('a bundle that imports one event carries no other event', async () => {
    const result = await esbuild.build({
      stdin: { contents: "export { validate } from './generated/validators/message.sent.js';", resolveDir: ROOT },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      minify: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('message.sent');
    for (const event of WEBHOOK_EVENT_TYPES.filter((e) => e !== 'message.sent'))
      expect(code, event).not.toContain(`"${event}"`);
  });
});
