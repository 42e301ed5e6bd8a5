// The schema files follow one naming rule and describe every field; the union schema, compiled
// with Ajv's discriminator, gives the same verdicts as the shipped validators on every test vector.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formats } from '../src/formats.js';
import { WEBHOOK_EVENT_TYPES, validateWebhookEvent } from '../src/index.js';
import { loadVectorFiles, loadSchemaFiles, SCHEMA_ID_BASE } from './helpers.js';
import { CONTRACT_KEYWORDS } from '../scripts/lib/contract.mjs';

const schemaFiles = loadSchemaFiles();
const eventFiles = schemaFiles.filter((s) => s.schema.properties?.event?.const);
const pascal = (event: string) =>
  event
    .split(/[.-]/)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/** Every [path, subschema] under `properties`, depth first. */
function* properties(schema: any, path = ''): Generator<[string, any]> {
  for (const [name, child] of Object.entries<any>(schema.properties ?? {})) {
    yield [`${path}/${name}`, child];
    yield* properties(child, `${path}/${name}`);
    if (child.items) yield [`${path}/${name}/items`, child.items];
  }
}

describe('schemas/', () => {
  it('holds one file per event, the shared definitions and the union', () => {
    expect(eventFiles.map((s) => s.schema.properties.event.const).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(schemaFiles.map((s) => s.file).filter((f) => !eventFiles.some((e) => e.file === f))).toEqual([
      'common.json',
      'webhook-event.json',
    ]);
  });

  it('are draft-07, each with one $id at the top: the stable base and its file name (relative $refs resolve by $id or by file name)', () => {
    for (const { file, schema } of schemaFiles) {
      expect(schema.$schema, file).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.$id, file).toBe(`${SCHEMA_ID_BASE}${file}`);
      expect(JSON.stringify(schema).split('"$id"').length, file).toBe(2);
    }
  });

  for (const { file, schema } of eventFiles) {
    const event: string = schema.properties.event.const;
    describe(file, () => {
      it('follows the naming rule: file, event title and data title', () => {
        expect(file).toBe(`${event}.json`);
        expect(schema.title).toBe(`${pascal(event)}Event`);
        expect(schema.properties.data.title).toBe(`${pascal(event)}Data`);
      });

      it('is the whole envelope, with event fixed by const and all three parts required', () => {
        expect(schema.required).toEqual(['event', 'timestamp', 'data']);
        expect(Object.keys(schema.properties)).toEqual(['event', 'timestamp', 'data']);
        expect(schema.properties.timestamp.$ref).toBe('common.json#/definitions/dateTime');
      });

      it('describes every field, and every *At field is a shared RFC 3339 date-time', () => {
        for (const [path, child] of properties(schema)) {
          expect(
            typeof child.description === 'string' && child.description.length > 10,
            `${path} has a description`,
          ).toBe(true);
          if (/At$/.test(path)) expect(child.$ref, path).toBe('common.json#/definitions/dateTime');
        }
      });
    });
  }

  it('types the ids as the reference says: trainingId is an integer, the other ids strings', () => {
    const common = schemaFiles.find((s) => s.file === 'common.json')!.schema.definitions;
    expect(common.trainingId.type).toBe('integer');
    for (const name of ['agentId', 'conversationId', 'actionId']) expect(common[name].type).toBe('string');
    for (const { schema } of eventFiles) {
      for (const [path, child] of properties(schema)) {
        if (/Id$/.test(path) && !child.$ref) expect(child.type, path).toBe('string');
      }
    }
  });
});

describe('webhook-event.json (the union)', () => {
  const ajv = new Ajv({
    discriminator: true,
    allErrors: true,
    strict: true,
    strictRequired: false,
    keywords: CONTRACT_KEYWORDS,
  });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  for (const { file, schema } of schemaFiles) ajv.addSchema(schema, file);
  const union = ajv.getSchema('webhook-event.json')!;

  it('lists every event schema once in oneOf, discriminated on event', () => {
    const schema = schemaFiles.find((s) => s.file === 'webhook-event.json')!.schema;
    expect(schema.discriminator).toEqual({ propertyName: 'event' });
    expect(schema.oneOf.map((r: any) => r.$ref).sort()).toEqual(eventFiles.map((s) => s.file).sort());
  });

  it('gives the same verdict as validateWebhookEvent on every default-mode test vector', () => {
    let compared = 0;
    for (const { content } of loadVectorFiles()) {
      for (const c of content.cases) {
        if (c.mode === 'strict') continue;
        expect(union(c.payload), c.description).toBe(validateWebhookEvent(c.payload).valid);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(90);
  });
});
