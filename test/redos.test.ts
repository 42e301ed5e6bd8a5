// Regular expressions are safe: every `pattern` in the schemas and every regular expression that
// reads input from the network is shown free of super-linear backtracking by recheck, and timed
// on long adversarial strings.
import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { EMAIL, isDateTime, isEmail } from '../src/formats.js';
import { JSON_SUFFIX_MEDIA_TYPE, isJsonContentType } from '../src/http.js';
import { validateWebhookEvent } from '../src/index.js';
import { loadSchemaFiles, readJson } from './helpers.js';

/** Every `pattern` keyword in a schema, with where it is. */
function patterns(schema: unknown, where: string, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(schema)) schema.forEach((item, i) => patterns(item, `${where}/${i}`, out));
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'pattern' && typeof value === 'string') out.push([where, value]);
      else patterns(value, `${where}/${key}`, out);
    }
  }
  return out;
}

const schemaPatterns = [
  ...loadSchemaFiles().flatMap(({ file, schema }) => patterns(schema, `schemas/${file}#`)),
  ...patterns(readJson('vectors/vectors.schema.json'), 'vectors/vectors.schema.json#'),
  ...patterns(readJson('vectors/report-record.schema.json'), 'vectors/report-record.schema.json#'),
];

const REGEXPS: [string, RegExp][] = [
  ...schemaPatterns.map(([where, source]) => [where, new RegExp(source, 'u')] as [string, RegExp]),
  ['src/formats.ts EMAIL (email format)', EMAIL],
  ['src/http.ts JSON_SUFFIX_MEDIA_TYPE (Content-Type header)', JSON_SUFFIX_MEDIA_TYPE],
];

describe('ReDoS', () => {
  it('finds the patterns of the schemas', () => {
    expect(schemaPatterns.length).toBeGreaterThanOrEqual(6);
  });

  for (const [where, regexp] of REGEXPS) {
    it(`${where}: /${regexp.source}/ is safe (recheck: linear)`, async () => {
      const diagnostics = await check(regexp.source, regexp.flags, { timeout: 20_000 });
      expect(diagnostics.status, JSON.stringify(diagnostics)).toBe('safe');
      // Proven by the automaton checker, not merely not found by fuzzing.
      expect(diagnostics.checker).toBe('automaton');
      if (diagnostics.status === 'safe') expect(['constant', 'linear']).toContain(diagnostics.complexity.type);
    }, 30_000);
  }

  const LENGTH = 200_000;
  const ADVERSARIAL: [string, string][] = [
    ['digits', '1'.repeat(LENGTH)],
    ['almost a date-time', `2026-02-24T12:00:00.${'9'.repeat(LENGTH)}+`],
    ['atext without @', 'a'.repeat(LENGTH)],
    ['dotted atext without @', 'a.'.repeat(LENGTH / 2)],
    ['long domain, bad end', `a@${'b.'.repeat(LENGTH / 2)}-`],
    ['hyphens in a label', `a@b${'-'.repeat(LENGTH)}`],
    ['plus signs in a media type', `application/${'+'.repeat(LENGTH)}json!`],
    ['printable then a space', `${'!'.repeat(LENGTH)} `],
  ];

  for (const [name, input] of ADVERSARIAL) {
    it(`every regular expression answers on a ${LENGTH.toLocaleString('en')}-character "${name}" string in linear time`, () => {
      for (const [where, regexp] of REGEXPS) {
        const start = performance.now();
        regexp.test(input);
        const ms = performance.now() - start;
        expect(ms, `${where} took ${ms.toFixed(1)} ms`).toBeLessThan(100);
      }
      const start = performance.now();
      isDateTime(input);
      isEmail(input);
      isJsonContentType(input);
      validateWebhookEvent({
        ...readJson<any>('examples/lead.captured.json'),
        timestamp: input,
        data: { leadId: input, agentId: input, email: input, createdAt: input },
      });
      expect(performance.now() - start).toBeLessThan(200);
    });
  }
});
