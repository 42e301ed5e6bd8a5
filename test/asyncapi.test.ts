// asyncapi.yaml parses with @asyncapi/parser with no diagnostic at all, and describes all nine
// events with their schemas and the reference's examples.
import { Parser, fromFile } from '@asyncapi/parser';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../src/index.js';
import { ROOT, loadExamples, readJson } from './helpers.js';

let parsed: Awaited<ReturnType<ReturnType<typeof fromFile>['parse']>>;

beforeAll(async () => {
  parsed = await fromFile(new Parser(), join(ROOT, 'asyncapi.yaml')).parse();
}, 60_000);

describe('asyncapi.yaml', () => {
  it('parses with no error and no warning', () => {
    expect(parsed.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(parsed.document).toBeDefined();
  });

  it('gives every message the Standard Webhooks headers as an optional profile, labelled as outside the reference', () => {
    for (const message of parsed.document!.components().messages().all()) {
      const headers = message.headers()!.json() as {
        properties: Record<string, { description: string }>;
        required?: unknown;
      };
      expect(Object.keys(headers.properties), message.name()).toEqual([
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
      ]);
      expect(headers.required).toBeUndefined(); // optional: the reference defines no header
      for (const header of Object.values(headers.properties))
        expect(header.description).toMatch(/^Optional profile .*not part of ChatSpark's reference/);
    }
    expect(parsed.document!.info().description()).toContain("Optional profile, not part of ChatSpark's reference");
  });

  it('is AsyncAPI 3 and in step with package.json', () => {
    const doc = parsed.document!;
    expect(doc.version()).toMatch(/^3\./);
    expect(doc.info().version()).toBe(readJson<{ version: string }>('package.json').version);
  });

  it('has one message per event, with name, title, summary, description and the schema as payload', () => {
    const messages = parsed.document!.components().messages().all();
    expect(messages.map((m) => m.name())).toEqual([...WEBHOOK_EVENT_TYPES]);
    for (const message of messages) {
      const event = message.name()!;
      expect(message.title(), event).toBeTruthy();
      expect(message.summary(), event).toBeTruthy();
      expect(message.description(), event).toBeTruthy();
      expect(message.contentType(), event).toBe('application/json');
      // The payload is the schema file, resolved: same title and same event constant.
      const schema = readJson<any>('schemas', `${event}.json`);
      const payload = message.payload()!.json() as any;
      expect(payload.title).toBe(schema.title);
      expect(payload.properties.event.const).toBe(event);
    }
  });

  it('carries the example files as message examples, unchanged', () => {
    const examples = loadExamples();
    for (const message of parsed.document!.components().messages().all()) {
      const expected = examples.filter((e) => e.payload.event === message.name()).map((e) => e.payload);
      const got = message
        .examples()
        .all()
        .map((e) => e.payload());
      expect(got.length, message.name()).toBeGreaterThan(0);
      expect(new Set(got.map((g) => JSON.stringify(g)))).toEqual(new Set(expected.map((e) => JSON.stringify(e))));
    }
  });

  it('has one send operation per event, all POSTed to the subscriber endpoint', () => {
    const operations = parsed.document!.operations().all();
    expect(operations).toHaveLength(WEBHOOK_EVENT_TYPES.length);
    for (const operation of operations) {
      expect(operation.action()).toBe('send');
      expect(operation.bindings().get('http')?.value()).toMatchObject({ method: 'POST' });
      expect(operation.messages().all()).toHaveLength(1);
    }
  });
});
