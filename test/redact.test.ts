// Personal data stays out of logs: redactWebhookEvent replaces every field the schemas mark
// `x-pii` (and only those), never changing its input; issues about such a field give its type and
// length, never its value, from the package root and from the per-event entry points.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA } from '../generated/validators.js';
import * as leadCaptured from '../generated/validators/lead.captured.js';
import * as messageSent from '../generated/validators/message.sent.js';
import { REDACTED, createWebhookReceiver, redactWebhookEvent, validateWebhookEvent } from '../src/index.js';
import { listen, requireBuild } from './support/cli.js';
import { ROOT, loadExamples, loadSchemaFiles } from './helpers.js';

const lead = {
  event: 'lead.captured',
  timestamp: '2026-02-24T12:00:00.000Z',
  data: {
    leadId: 'lead_123',
    agentId: 'ag_123',
    name: 'Jane Doe',
    email: 'jane.doe@example.com',
    phone: '+1 234 567 890',
    companyName: 'Acme Inc',
    message: 'Call me',
    createdAt: '2026-02-24T12:00:00.000Z',
  },
};
const PERSONAL_VALUES = ['Jane', 'jane.doe', '567', 'Acme', 'Call me'];

/** Every field marked x-pii in schemas/, by event: the source the generated table must follow. */
function marked(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const walk = (schema: any, event: string, path: string) => {
    for (const [name, child] of Object.entries<any>(schema.properties ?? {})) {
      if (child['x-pii']) (out[event] ??= {})[`${path}/${name}`] = child['x-pii'];
      walk(child, event, `${path}/${name}`);
    }
  };
  for (const { schema } of loadSchemaFiles())
    if (schema.properties?.event?.const) walk(schema, schema.properties.event.const, '');
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('x-pii', () => {
  it('marks the lead contact fields, lead.captured message, message.sent content and ai-action.completed result, nothing else', () => {
    expect(marked()).toEqual({
      'lead.captured': {
        '/data/name': 'name',
        '/data/email': 'email',
        '/data/phone': 'phone',
        '/data/companyName': 'name',
        '/data/message': 'free-text',
      },
      'message.sent': { '/data/content': 'free-text' },
      'ai-action.completed': { '/data/result': 'free-text' },
    });
  });

  it('shows in the types (JSDoc @pii) and on the docs site (a badge before the description)', () => {
    const types = readFileSync(join(ROOT, 'generated/types.d.ts'), 'utf8');
    const openapi = readFileSync(join(ROOT, 'generated/openapi.yaml'), 'utf8');
    for (const [, fields] of Object.entries(marked()))
      for (const category of Object.values(fields)) {
        expect(types).toContain(`@pii ${category} Personal data`);
        expect(openapi).toContain(`**Personal data** (\`${category}\`)`);
      }
    expect(types.match(/@pii /g)).toHaveLength(7);
    expect(openapi.match(/^ +x-pii: /gm)).toHaveLength(7);
  });

  it('PERSONAL_DATA (generated) is exactly what the schemas mark', () => {
    expect(JSON.parse(JSON.stringify(PERSONAL_DATA))).toEqual(marked());
  });
});

describe('redactWebhookEvent', () => {
  it('replaces every personal field with "[redacted]" and keeps the rest; the input is untouched', () => {
    const input = deepFreeze(structuredClone(lead));
    const out = redactWebhookEvent(input) as typeof lead;
    expect(out).not.toBe(input);
    expect(out.data).toEqual({
      ...lead.data,
      name: REDACTED,
      email: REDACTED,
      phone: REDACTED,
      companyName: REDACTED,
      message: REDACTED,
    });
    expect(input).toEqual(lead);
    for (const value of PERSONAL_VALUES) expect(JSON.stringify(out)).not.toContain(value);
  });

  it('keeps null and absent fields as they are ("not provided" is no personal data)', () => {
    const input = { ...lead, data: { leadId: 'l', agentId: 'a', createdAt: lead.timestamp, email: null } };
    expect(redactWebhookEvent(input)).toEqual(input);
  });

  it('every example: only the marked fields change', () => {
    for (const { file, payload } of loadExamples()) {
      const out = redactWebhookEvent(payload) as typeof payload;
      const personal = Object.keys((PERSONAL_DATA as any)[payload.event] ?? {}).map((p) => p.slice('/data/'.length));
      for (const [name, value] of Object.entries(payload.data))
        expect(out.data[name], `${file} ${name}`).toEqual(personal.includes(name) && value !== null ? REDACTED : value);
    }
  });

  it('message.sent content and ai-action.completed result (an object) are replaced', () => {
    const message = { event: 'message.sent', timestamp: lead.timestamp, data: { content: 'my email is a@b.co' } };
    expect((redactWebhookEvent(message) as any).data.content).toBe(REDACTED);
    const action = { event: 'ai-action.completed', timestamp: lead.timestamp, data: { result: { email: 'a@b.co' } } };
    expect((redactWebhookEvent(action) as any).data.result).toBe(REDACTED);
  });

  it('{ keep: "last4" } keeps the last four characters of strings of at least eight', () => {
    const out = redactWebhookEvent(lead, { keep: 'last4' }) as typeof lead;
    expect(out.data.phone).toBe(`${REDACTED} 890`);
    expect(out.data.email).toBe(`${REDACTED}.com`);
    expect(out.data.message).toBe(REDACTED); // 7 characters: too short to show any
  });

  it('{ hmacKey } gives a keyed HMAC-SHA-256 (asynchronous): equal values correlate, another key gives another hash', async () => {
    const pending = redactWebhookEvent(lead, { hmacKey: 'log-key' });
    expect(pending).toBeInstanceOf(Promise);
    const out = (await pending) as typeof lead;
    const expected = createHmac('sha256', 'log-key').update('jane.doe@example.com').digest('hex');
    expect(out.data.email).toBe(`hmac-sha256:${expected}`);
    const other = (await redactWebhookEvent(lead, { hmacKey: 'other-key' })) as typeof lead;
    expect(other.data.email).not.toBe(out.data.email);
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode('log-key'),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    expect(((await redactWebhookEvent(lead, { hmacKey: key })) as typeof lead).data).toEqual(out.data);
    await expect(redactWebhookEvent(lead, { hmacKey: '' })).rejects.toThrow(/empty/);
  });

  it('an unknown event loses its whole data; a value that is not an object becomes "[redacted]"', () => {
    const unknown = { event: 'lead.updated', timestamp: lead.timestamp, data: { email: 'jane@example.com' } };
    expect(redactWebhookEvent(unknown)).toEqual({ ...unknown, data: REDACTED });
    expect(redactWebhookEvent({ data: { email: 'x' } })).toEqual({ data: REDACTED });
    for (const value of [null, 'jane@example.com', 42, ['jane']]) expect(redactWebhookEvent(value)).toBe(REDACTED);
    expect(redactWebhookEvent({ event: 'lead.captured', data: { name: () => 1 } })).toBe(REDACTED);
  });
});

describe('issues about personal data give type and length, never the value', () => {
  const bad = { ...lead, data: { ...lead.data, email: 'doe.j@', name: 12345, phone: ['+1 234'] } };

  it('from the package root', () => {
    const result = validateWebhookEvent(bad);
    expect(result.valid).toBe(false);
    if (result.valid) return;
    const text = JSON.stringify(result.errors);
    for (const value of ['doe.j', '12345', '+1 234']) expect(text).not.toContain(value);
    expect(result.errors.find((e) => e.path === '/data/email')).toMatchObject({
      keyword: 'format',
      received: 'a string of 6 characters',
    });
    expect(result.errors.find((e) => e.path === '/data/name')?.received).toBe('a number');
    expect(result.errors.find((e) => e.path === '/data/phone')?.received).toBe('an array of 1 item');
  });

  it('from the per-event entry points, in both modes', () => {
    for (const strict of [false, true]) {
      const result = leadCaptured.validate(bad, { strict });
      expect(result.valid).toBe(false);
      if (!result.valid) expect(JSON.stringify(result.errors)).not.toMatch(/doe|12345|\+1 234/);
      const message = messageSent.validate(
        { event: 'message.sent', timestamp: lead.timestamp, data: { content: 42 } },
        { strict },
      );
      if (!message.valid) expect(message.errors.find((e) => e.path === '/data/content')?.received).toBe('a number');
    }
  });

  it('other fields are still quoted (a wrong id or date is no personal data)', () => {
    const result = validateWebhookEvent({ ...lead, data: { ...lead.data, createdAt: 'yesterday' } });
    expect(result.valid || result.errors[0]!.received).toBe('string "yesterday"');
  });
});

describe("answers and listen never show a lead's personal data", () => {
  const bad = { ...lead, data: { ...lead.data, email: 'doe.j@', phone: 5550199 } };

  it('the 400 answer of a receiver', async () => {
    const outcome = await createWebhookReceiver().receive(JSON.stringify(bad));
    expect(outcome.status).toBe(400);
    expect(JSON.stringify(outcome)).not.toMatch(/doe\.j|5550199/);
  });

  it('listen: the printed lines and the report', async () => {
    requireBuild();
    const dir = mkdtempSync(join(tmpdir(), 'chatspark-pii-'));
    const report = join(dir, 'report.ndjson');
    const server = await listen(['--report', report, '--count', '1']);
    try {
      const answer = await fetch(server.url, {
        method: 'POST',
        body: JSON.stringify(bad),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(400);
      expect(await answer.text()).not.toMatch(/doe\.j|5550199/);
      await server.exit;
      expect(server.output()).toContain('/data/email');
      expect(server.output()).not.toMatch(/doe\.j|5550199/);
      const text = readFileSync(report, 'utf8');
      expect(text).toContain('a string of 6 characters');
      expect(text).not.toMatch(/doe\.j|5550199/);
    } finally {
      server.child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
