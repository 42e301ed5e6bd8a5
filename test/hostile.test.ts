// Hostile payloads, each a named case with its expected verdict and keyword: nothing crashes,
// nothing is polluted, nothing takes unbounded time, and the verdict is the contract's.
import { describe, expect, it } from 'vitest';
import { createWebhookReceiver, parseWebhookEvent, validateWebhookEvent, type ValidationResult } from '../src/index.js';
import { readJson } from './helpers.js';

const lead = readJson<any>('examples/lead.captured.json');
const action = readJson<any>('examples/ai-action.completed.json');
const training = readJson<any>('examples/training.completed.json');
const leadText = JSON.stringify(lead);
const withData = (payload: any, extra: string) => `${JSON.stringify(payload).slice(0, -2)},${extra}}}`;
const deep = (depth: number, leaf = '1') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

interface HostileCase {
  name: string;
  body: () => string | Uint8Array;
  strict?: boolean;
  /** Expected verdict, and for an invalid one the keyword and path of its first issue. */
  valid: boolean;
  keyword?: string;
  path?: string;
  /** An upper bound for the time the whole parse-and-validate may take. */
  maxMs?: number;
}

const CASES: HostileCase[] = [
  {
    name: '__proto__ key in the envelope (default: an unknown property, accepted)',
    body: () => `${leadText.slice(0, -1)},"__proto__":{"polluted":true}}`,
    valid: true,
  },
  {
    name: '__proto__ key in the envelope (strict: rejected at /__proto__)',
    body: () => `${leadText.slice(0, -1)},"__proto__":{"polluted":true}}`,
    strict: true,
    valid: false,
    keyword: 'additionalProperties',
    path: '/__proto__',
  },
  {
    name: '__proto__ key in data (strict)',
    body: () => withData(lead, '"__proto__":{"polluted":true}'),
    strict: true,
    valid: false,
    keyword: 'additionalProperties',
    path: '/data/__proto__',
  },
  {
    name: 'constructor and prototype keys in data (strict)',
    body: () => withData(lead, '"constructor":{"prototype":{"polluted":true}},"prototype":1'),
    strict: true,
    valid: false,
    keyword: 'additionalProperties',
    path: '/data/constructor',
  },
  {
    name: '__proto__ as the event name',
    body: () => JSON.stringify({ ...lead, event: '__proto__' }),
    valid: false,
    keyword: 'enum',
    path: '/event',
  },
  {
    name: 'toString as the event name',
    body: () => JSON.stringify({ ...lead, event: 'toString' }),
    valid: false,
    keyword: 'enum',
    path: '/event',
  },
  {
    name: '__proto__ inside result (open content, valid)',
    body: () =>
      JSON.stringify({ ...action, data: { ...action.data, result: JSON.parse('{"__proto__":{"polluted":true}}') } }),
    strict: true,
    valid: true,
  },
  {
    name: 'nesting 100,000 levels deep in an unknown property (default: accepted)',
    body: () => withData(lead, `"nested":${deep(100_000)}`),
    valid: true,
    maxMs: 2000,
  },
  {
    name: 'nesting 100,000 levels deep in result (valid content)',
    body: () =>
      JSON.stringify({ ...action, data: { ...action.data, result: {} } }).replace(
        '"result":{}',
        `"result":{"deep":${deep(100_000)}}`,
      ),
    strict: true,
    valid: true,
    maxMs: 2000,
  },
  {
    name: 'nesting 100,000 levels deep where a string belongs',
    body: () => JSON.stringify(lead).replace('"Jane Doe"', deep(100_000)),
    valid: false,
    keyword: 'type',
    path: '/data/name',
    maxMs: 2000,
  },
  {
    name: 'nesting 100,000 levels deep as the whole body',
    body: () => deep(100_000),
    valid: false,
    keyword: 'type',
    path: '',
    maxMs: 2000,
  },
  {
    name: 'a 50 MB string in a free-text field (valid)',
    body: () => JSON.stringify({ ...lead, data: { ...lead.data, message: 'x'.repeat(50 * 1024 * 1024) } }),
    valid: true,
    maxMs: 5000,
  },
  {
    name: 'a 50 MB string as an email',
    body: () =>
      JSON.stringify({ ...lead, data: { ...lead.data, email: `${'a'.repeat(50 * 1024 * 1024)}@example.com` } }),
    valid: false,
    keyword: 'format',
    path: '/data/email',
    maxMs: 5000,
  },
  {
    name: 'a 50 MB string as an id',
    body: () => JSON.stringify({ ...lead, data: { ...lead.data, leadId: 'a'.repeat(50 * 1024 * 1024) } }),
    valid: false,
    keyword: 'maxLength',
    path: '/data/leadId',
    maxMs: 5000,
  },
  {
    name: 'a 50 MB string as a timestamp',
    body: () => JSON.stringify({ ...lead, timestamp: `2026-02-24T12:00:00.${'1'.repeat(50 * 1024 * 1024)}Z` }),
    valid: true,
    maxMs: 5000,
  },
  {
    name: 'invalid UTF-8',
    body: () =>
      Buffer.concat([
        Buffer.from(leadText.slice(0, 40)),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(leadText.slice(40)),
      ]),
    valid: false,
    keyword: 'json',
    path: '',
  },
  {
    name: 'an overlong UTF-8 encoding of "/"',
    body: () => Buffer.from([0x22, 0xc0, 0xaf, 0x22]),
    valid: false,
    keyword: 'json',
    path: '',
  },
  {
    name: 'a lone surrogate escaped in a string (valid JSON, valid text field)',
    body: () =>
      withData(lead, '"note":"\\ud800"').replace('"note":', '"companyName":').replace('"companyName":"Acme Inc",', ''),
    valid: true,
  },
  {
    name: 'a byte-order mark before the body (ignored)',
    body: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(leadText)]),
    valid: true,
  },
  {
    name: 'two byte-order marks (the second is not whitespace)',
    body: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(leadText)]),
    valid: false,
    keyword: 'json',
    path: '',
  },
  {
    name: 'a number 1e400 (Infinity) as an integer',
    body: () => JSON.stringify(training).replace('"dataCount":150', '"dataCount":1e400'),
    valid: false,
    keyword: 'type',
    path: '/data/dataCount',
  },
  {
    name: 'a number -1e400 (-Infinity) as an integer',
    body: () => JSON.stringify(training).replace('"trainingId":1', '"trainingId":-1e400'),
    valid: false,
    keyword: 'type',
    path: '/data/trainingId',
  },
  {
    name: '-0 as dataCount (zero: valid)',
    body: () => JSON.stringify(training).replace('"dataCount":150', '"dataCount":-0'),
    valid: true,
  },
  {
    name: '-0 as trainingId (zero: below the minimum 1)',
    body: () => JSON.stringify(training).replace('"trainingId":1', '"trainingId":-0'),
    valid: false,
    keyword: 'minimum',
    path: '/data/trainingId',
  },
  {
    name: '1.0 as trainingId (an integer in JSON)',
    body: () => JSON.stringify(training).replace('"trainingId":1', '"trainingId":1.0'),
    valid: true,
  },
  {
    name: '1e-400 as dataCount (underflows to 0)',
    body: () => JSON.stringify(training).replace('"dataCount":150', '"dataCount":1e-400'),
    valid: true,
  },
  {
    // Decision: an id JavaScript cannot hold exactly is not a safe id (maximum 2^53 - 1).
    name: 'a 2^53+1 trainingId (beyond exact doubles)',
    body: () => JSON.stringify(training).replace('"trainingId":1', '"trainingId":9007199254740993'),
    valid: false,
    keyword: 'maximum',
    path: '/data/trainingId',
  },
  {
    name: 'duplicate keys: the last occurrence wins, as in JSON.parse',
    body: () => `{"event":"lead.captured","event":"lead.deleted",${leadText.slice(leadText.indexOf('"timestamp"'))}`,
    valid: false,
    keyword: 'enum',
    path: '/event',
  },
  {
    name: 'duplicate keys in data',
    body: () => withData(lead, '"email":"not-an-email"'),
    valid: false,
    keyword: 'format',
    path: '/data/email',
  },
  { name: 'an array as the root', body: () => `[${leadText}]`, valid: false, keyword: 'type', path: '' },
  { name: 'a string as the root', body: () => '"lead.captured"', valid: false, keyword: 'type', path: '' },
  { name: 'a number as the root', body: () => '42', valid: false, keyword: 'type', path: '' },
  { name: 'true as the root', body: () => 'true', valid: false, keyword: 'type', path: '' },
  { name: 'null as the root', body: () => 'null', valid: false, keyword: 'type', path: '' },
  { name: 'an empty body', body: () => '', valid: false, keyword: 'json', path: '' },
  { name: 'NUL bytes around the JSON', body: () => `\u0000${leadText}\u0000`, valid: false, keyword: 'json', path: '' },
  {
    name: 'a NUL character inside a free-text field (valid JSON text)',
    body: () => JSON.stringify({ ...lead, data: { ...lead.data, message: 'a\u0000b' } }),
    valid: true,
  },
  {
    name: 'a NUL character inside an id',
    body: () => JSON.stringify({ ...lead, data: { ...lead.data, leadId: 'lead\u0000' } }),
    valid: false,
    keyword: 'pattern',
    path: '/data/leadId',
  },
  {
    name: '10,000 unknown properties in strict mode (issues capped at 20)',
    body: () =>
      JSON.stringify({ ...lead, ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) }),
    strict: true,
    valid: false,
    keyword: 'additionalProperties',
    path: '/k0',
    maxMs: 2000,
  },
  {
    name: 'an agent.updated with 100,000 changes (uniqueItems stays fast)',
    body: () =>
      JSON.stringify({
        event: 'agent.updated',
        timestamp: lead.timestamp,
        data: {
          agentId: 'ag_1',
          updatedAt: lead.timestamp,
          changes: Array.from({ length: 100_000 }, (_, i) => `field${i}`),
        },
      }),
    valid: true,
    maxMs: 3000,
  },
];

describe('hostile payloads', () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.valid ? 'valid' : `invalid (${c.keyword} at "${c.path}")`}`, () => {
      const body = c.body();
      const start = performance.now();
      let result: ValidationResult | undefined;
      expect(() => {
        result = parseWebhookEvent(body, { strict: c.strict === true });
      }).not.toThrow();
      const ms = performance.now() - start;
      expect(result!.valid, JSON.stringify(result!.valid ? '' : result!.errors.slice(0, 2))).toBe(c.valid);
      if (!result!.valid) {
        expect(result!.errors[0]).toMatchObject({ keyword: c.keyword, path: c.path });
        for (const issue of result!.errors) expect(issue.message.length).toBeLessThan(600);
      }
      if (c.maxMs !== undefined) expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(c.maxMs);
      // Nothing leaked onto the shared prototypes.
      expect(({} as any).polluted).toBeUndefined();
      expect((Object.prototype as any).polluted).toBeUndefined();
      expect(([] as any).polluted).toBeUndefined();
    });
  }

  it('the typed receiver survives every hostile body, answering 2xx or 4xx', async () => {
    const options = { maxBodyBytes: 100 * 1024 * 1024 };
    const receivers = {
      default: createWebhookReceiver(options),
      strict: createWebhookReceiver({ ...options, strict: true }),
    };
    for (const c of CASES) {
      const outcome = await receivers[c.strict ? 'strict' : 'default'].receive(c.body());
      // An unknown but well-formed event is acknowledged (202) in default mode, so new event types break nothing.
      const unknownEvent = !c.valid && !c.strict && c.keyword === 'enum' && c.path === '/event';
      expect(outcome.status, c.name).toBe(c.valid ? 200 : unknownEvent ? 202 : 400);
    }
    expect(({} as any).polluted).toBeUndefined();
  }, 60_000);

  it('a validated payload keeps its own __proto__ property and no prototype changes', () => {
    const result = parseWebhookEvent(`${leadText.slice(0, -1)},"__proto__":{"polluted":true}}`);
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(Object.getPrototypeOf(result.event)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(result.event, '__proto__')).toBe(true);
  });

  it('a validated object is not changed, even when frozen', () => {
    const frozen = Object.freeze({ ...lead, data: Object.freeze({ ...lead.data }) });
    expect(validateWebhookEvent(frozen, { strict: true }).valid).toBe(true);
  });
});
