// The public API: names, result shapes, messages that help, and no throwing on any input.
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import {
  MAX_ISSUES,
  WEBHOOK_EVENT_TYPES,
  WebhookValidationError,
  assertWebhookEvent,
  isWebhookEvent,
  parseWebhookEvent,
  validateWebhookEvent,
  type ValidationIssue,
} from '../src/index.js';
import { readJson } from './helpers.js';

const lead = readJson<any>('examples/lead.captured.json');
const training = readJson<any>('examples/training.completed.json');
const issuesOf = (result: api.ValidationResult): ValidationIssue[] => (result.valid ? [] : result.errors);

describe('package root exports', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(api).sort()).toEqual([
      'MAX_ISSUES',
      'MemoryDedupeStore',
      'REDACTED',
      'WEBHOOK_EVENT_TYPES',
      'WebhookHandlerError',
      'WebhookReceiver',
      'WebhookValidationError',
      'assertWebhookEvent',
      'createWebhookReceiver',
      'fromNodeRequest',
      'fromWebRequest',
      'isRawBody',
      'isWebhookEvent',
      'isWebhookEventType',
      'parseWebhookEvent',
      'redactWebhookEvent',
      'signWebhook',
      'validateWebhookEvent',
      'verifyWebhook',
    ]);
  });

  it('WEBHOOK_EVENT_TYPES lists the nine events in the reference order and cannot be changed', () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual([
      'lead.captured',
      'conversation.started',
      'conversation.ended',
      'message.sent',
      'agent.updated',
      'ai-action.completed',
      'ai-action.failed',
      'training.completed',
      'training.failed',
    ]);
    expect(Object.isFrozen(WEBHOOK_EVENT_TYPES)).toBe(true);
    expect(() => (WEBHOOK_EVENT_TYPES as unknown as string[]).push('x')).toThrow(TypeError);
  });
});

describe('validateWebhookEvent', () => {
  it('returns the same object, typed, when valid', () => {
    const result = validateWebhookEvent(lead);
    expect(result.valid).toBe(true);
    if (result.valid) expect(result.event).toBe(lead);
  });

  it('never changes its input, even in strict mode with errors', () => {
    const payload = structuredClone({ ...lead, extra: 1, data: { ...lead.data, email: 5 } });
    const frozen = deepFreeze(structuredClone(payload));
    expect(validateWebhookEvent(frozen, { strict: true }).valid).toBe(false);
    expect(frozen).toEqual(payload);
  });

  it('gives a known event only its own errors, not one per union branch', () => {
    const errors = issuesOf(validateWebhookEvent({ ...training, data: { ...training.data, trainingId: '1' } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      path: '/data/trainingId',
      keyword: 'type',
      expected: 'an integer',
      received: 'string "1"',
    });
    expect(errors[0]!.message).toBe('Expected an integer, received string "1".');
  });

  it('gives an unknown event one error that lists the known names', () => {
    const errors = issuesOf(validateWebhookEvent({ ...lead, event: 'lead.deleted' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe('/event');
    for (const name of WEBHOOK_EVENT_TYPES) expect(errors[0]!.message).toContain(name);
    expect(errors[0]!.message).toContain('"lead.deleted"');
  });

  it('words each kind of error with where, what was expected and what came', () => {
    const payload = {
      ...lead,
      timestamp: '2026-02-30T12:00:00Z',
      deliveryId: 'x',
      data: { agentId: '', email: 'jane@', createdAt: 1 },
    };
    const byPath = Object.fromEntries(
      issuesOf(validateWebhookEvent(payload, { strict: true })).map((e) => [e.path, e]),
    );
    expect(byPath['/timestamp']!.message).toBe(
      'Expected an RFC 3339 date-time such as "2026-02-24T12:00:00.000Z", received string "2026-02-30T12:00:00Z".',
    );
    expect(byPath['/deliveryId']!.message).toBe(
      'Unexpected property "deliveryId": strict mode accepts only the properties the contract defines.',
    );
    expect(byPath['/data/leadId']!.message).toBe('Missing required property "leadId".');
    expect(byPath['/data/agentId']!.message).toBe(
      'Expected an id of printable ASCII characters without spaces, received an empty string.',
    );
    expect(byPath['/data/email']!.message).toBe(
      'Expected an email address such as "jane@example.com", received a string of 5 characters.',
    );
    expect(byPath['/data/createdAt']!.message).toBe('Expected a string, received integer 1.');
    expect(Object.keys(byPath)).toHaveLength(6);
  });

  it('quotes at most a short excerpt of a large value', () => {
    const huge = 'x'.repeat(1_000_000);
    // A date-time, not the email: a personal-data field is never quoted at all (test/redact.test.ts).
    const [issue] = issuesOf(validateWebhookEvent({ ...lead, timestamp: huge }));
    expect(issue!.message.length).toBeLessThan(200);
    expect(issue!.received).toBe(`string "${'x'.repeat(40)}…" (1000000 characters)`);
  });

  it('escapes property names in paths as JSON pointers (RFC 6901)', () => {
    const errors = issuesOf(validateWebhookEvent({ ...lead, data: { ...lead.data, 'a/b~c': 1 } }, { strict: true }));
    expect(errors.map((e) => e.path)).toEqual(['/data/a~1b~0c']);
  });

  it(`caps the list at ${MAX_ISSUES} issues`, () => {
    const extra = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`extra${i}`, i]));
    const errors = issuesOf(validateWebhookEvent({ ...lead, ...extra }, { strict: true }));
    expect(errors).toHaveLength(MAX_ISSUES);
    expect(errors[0]!.path).toBe('/extra0');
  });

  it('does not throw on values JSON cannot produce', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        has() {
          throw new Error('boom');
        },
        getOwnPropertyDescriptor() {
          throw new Error('boom');
        },
      },
    );
    const result = validateWebhookEvent(hostile);
    expect(result.valid).toBe(false);
    expect(issuesOf(result)[0]).toMatchObject({ path: '', keyword: 'exception' });
    for (const value of [undefined, () => 1, Symbol('s'), 10n, new Date(), new Map(), Object.create(null)]) {
      expect(validateWebhookEvent(value).valid).toBe(false);
    }
  });

  it('does not read inherited properties as fields', () => {
    const inherits = Object.create({ event: 'lead.captured' });
    expect(issuesOf(validateWebhookEvent(inherits))[0]).toMatchObject({ path: '/event', keyword: 'required' });
  });
});

describe('parseWebhookEvent', () => {
  const text = JSON.stringify(lead);

  it('accepts a string or UTF-8 bytes', () => {
    expect(parseWebhookEvent(text)).toEqual({ valid: true, event: lead });
    expect(parseWebhookEvent(new TextEncoder().encode(text))).toEqual({ valid: true, event: lead });
    expect(parseWebhookEvent(Buffer.from(text))).toEqual({ valid: true, event: lead });
  });

  it('ignores a leading byte-order mark', () => {
    expect(parseWebhookEvent(`\uFEFF${text}`).valid).toBe(true);
    expect(parseWebhookEvent(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])).valid).toBe(true);
  });

  it('reports malformed JSON, an empty body and invalid UTF-8 with keyword json', () => {
    for (const body of ['{"event":', '', '   ', 'undefined', "{'a':1}", Buffer.from([0x7b, 0xff, 0x7d])]) {
      const errors = issuesOf(parseWebhookEvent(body));
      expect(errors, String(body)).toHaveLength(1);
      expect(errors[0]).toMatchObject({ path: '', keyword: 'json' });
      expect(errors[0]!.message).toMatch(/^Expected a (UTF-8 encoded )?JSON/);
    }
    expect(issuesOf(parseWebhookEvent(''))[0]!.received).toBe('an empty body');
  });

  it('validates what it parsed, in the mode asked for', () => {
    const extra = JSON.stringify({ ...lead, extra: true });
    expect(parseWebhookEvent(extra).valid).toBe(true);
    expect(issuesOf(parseWebhookEvent(extra, { strict: true }))[0]!.path).toBe('/extra');
    expect(issuesOf(parseWebhookEvent('[]'))[0]).toMatchObject({ path: '', keyword: 'type' });
  });
});

describe('isWebhookEvent and assertWebhookEvent', () => {
  it('isWebhookEvent is a type guard that agrees with validateWebhookEvent', () => {
    const unknownValue: unknown = lead;
    expect(isWebhookEvent(unknownValue)).toBe(true);
    if (isWebhookEvent(unknownValue) && unknownValue.event === 'lead.captured') {
      expect(unknownValue.data.email).toBe('jane@example.com');
    }
    expect(isWebhookEvent({ ...lead, extra: 1 })).toBe(true);
    expect(isWebhookEvent({ ...lead, extra: 1 }, { strict: true })).toBe(false);
  });

  it('assertWebhookEvent throws a WebhookValidationError that carries the issues', () => {
    expect(() => assertWebhookEvent(lead)).not.toThrow();
    let caught: unknown;
    try {
      assertWebhookEvent({ ...lead, data: { ...lead.data, email: 'nope', leadId: 7 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookValidationError);
    expect(WebhookValidationError.isWebhookValidationError(caught)).toBe(true);
    expect(WebhookValidationError.isWebhookValidationError(new Error('x'))).toBe(false);
    const error = caught as WebhookValidationError;
    expect(error.name).toBe('WebhookValidationError');
    expect(error.errors.map((e) => e.path).sort()).toEqual(['/data/email', '/data/leadId']);
    expect(error.message).toMatch(/^Invalid ChatSpark webhook event: \/data\/\w+: Expected .+ \(and 1 more issue\)$/);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('parseWebhookEvent keeps the body out of its words', () => {
  it('a body that is not JSON is never quoted back (it may hold personal data)', () => {
    for (const body of [
      'jane@example.com',
      'jane.doe.long.address@example-company.com and more',
      '"jane@example.com" x',
    ]) {
      const result = parseWebhookEvent(body);
      expect(result.valid).toBe(false);
      if (result.valid) continue;
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ keyword: 'json', received: 'malformed JSON' });
      expect(JSON.stringify(result.errors)).not.toMatch(/jane|example/);
      expect(result.errors[0]!.message).toMatch(/^Expected a JSON document, received malformed JSON: \S/);
    }
  });
});
