// The OpenAPI 3.1 view: every event as a webhook with its schema and examples, clean under
// `redocly lint` (examples checked as errors), and in step with the package version.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/index.js';
import { ROOT, loadExamples, readJson } from '../helpers.js';

const openapi = parse(readFileSync(join(ROOT, 'generated/openapi.yaml'), 'utf8'));
const redocly = join(ROOT, 'node_modules/.bin/redocly');
const work = mkdtempSync(join(tmpdir(), 'chatspark-openapi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function lint(file: string): { code: number | null; output: string } {
  const result = spawnSync(redocly, ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'stylish'], { encoding: 'utf8' });
  // Redocly prints a banner about Node 20's end of life; it is not a lint finding.
  const output = `${result.stdout}${result.stderr}`.replace(/║[^\n]*|╔[^\n]*|╚[^\n]*/g, '');
  return { code: result.status, output };
}

describe('generated/openapi.yaml', () => {
  it('is OpenAPI 3.1 with one webhook per event, each with its schema, examples and answers', () => {
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.webhooks)).toEqual([...WEBHOOK_EVENT_TYPES]);
    for (const event of WEBHOOK_EVENT_TYPES) {
      const operation = openapi.webhooks[event].post;
      expect(operation.summary, event).toBeTruthy();
      expect(operation.description, event).toContain('not defined by the reference');
      const content = operation.requestBody.content['application/json'];
      const title = readJson<any>('schemas', `${event}.json`).title;
      expect(content.schema).toEqual({ $ref: `#/components/schemas/${title}` });
      expect(openapi.components.schemas[title].properties.event.const).toBe(event);
      const examples = Object.values<any>(content.examples).map((e) => e.value);
      const byText = (list: unknown[]) => list.map((e) => JSON.stringify(e)).sort();
      expect(byText(examples)).toEqual(byText(loadExamples().filter((e) => e.payload.event === event).map((e) => e.payload)));
      expect(Object.keys(operation.responses)).toEqual(['200', '400', '401', '409', '413']);
      // The Standard Webhooks headers: optional, and labelled as a profile outside the reference.
      expect(operation.parameters.map((p: any) => [p.name, p.in, p.required])).toEqual([
        ['webhook-id', 'header', false],
        ['webhook-timestamp', 'header', false],
        ['webhook-signature', 'header', false],
      ]);
      for (const parameter of operation.parameters) expect(parameter.description).toMatch(/^Optional profile .*not part of ChatSpark's reference/);
      expect(operation.responses['401'].description).toMatch(/not part of ChatSpark's reference/);
    }
  });

  it('keeps every field of the schemas: types, formats, required, descriptions', () => {
    const lead = openapi.components.schemas.LeadCapturedData;
    expect(lead.required).toEqual(['leadId', 'agentId', 'createdAt']);
    expect(lead.properties.email).toMatchObject({ type: ['string', 'null'], format: 'email' });
    expect(lead.properties.createdAt).toMatchObject({ $ref: '#/components/schemas/DateTime', description: expect.stringContaining('captured') });
    expect(openapi.components.schemas.DateTime).toMatchObject({ type: 'string', format: 'date-time' });
    expect(openapi.components.schemas.TrainingId).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('is in step with the package version, as the AsyncAPI document is', () => {
    const { version } = readJson<{ version: string }>('package.json');
    expect(openapi.info.version).toBe(version);
    expect(parse(readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8')).info.version).toBe(version);
    expect(readFileSync(join(ROOT, 'docs/index.html'), 'utf8')).toContain(`@chatspark/webhooks ${version}`);
  });

  it('passes redocly lint with no error and no warning', () => {
    const { code, output } = lint(join(ROOT, 'generated/openapi.yaml'));
    expect(output).toContain('Your API description is valid');
    expect(output).not.toMatch(/\bwarning|\berror/i);
    expect(code).toBe(0);
  }, 60_000);

  it('fails redocly lint when an example does not match its schema', () => {
    const broken = structuredClone(openapi);
    broken.webhooks['training.failed'].post.requestBody.content['application/json'].examples['training.failed'].value.data.trainingId = '1';
    const file = join(work, 'openapi.yaml');
    writeFileSync(file, JSON.stringify(broken));
    copyFileSync(join(ROOT, 'redocly.yaml'), join(work, 'redocly.yaml'));
    const { code, output } = lint(file);
    expect(code).not.toBe(0);
    expect(output).toMatch(/no-invalid-media-type-examples/);
    expect(output).toMatch(/trainingId/);
  }, 60_000);
});
