// The same verdicts everywhere: every test vector, in each mode it names, through the package's
// shipped validators and four independent validators that load only the shipped schema files
// (ajv-cli as a real process with `-r`, @cfworker/json-schema, @hyperjump/json-schema, Python's
// jsonschema from `python3` on PATH: a machine without it fails here, it does not skip). The
// agreement table in generated/conformance.md is what this run finds.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreement, render } from '../scripts/build-conformance.mjs';
import { ROOT, SCHEMA_ID_BASE, loadSchemaFiles, readJson } from './helpers.js';
import { EMAIL } from '../src/formats.js';
import { requireBuild } from './support/cli.js';
import { codeBlocks } from './support/readme-blocks.js';
import { ajvCliArgs } from '../scripts/lib/conformance.mjs';
import { CONTRACT_KEYWORDS } from '../scripts/lib/contract.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

interface Agreement {
  runs: { id: string; mode: 'default' | 'strict'; payload: unknown; valid: boolean; portable: boolean }[];
  rows: { name: string; verdicts: boolean[]; disagreements: string[] }[];
}
let result: Agreement;
beforeAll(async () => {
  requireBuild();
  result = (await agreement()) as unknown as Agreement;
}, 300_000);

describe('conformance: every vector through every validator', () => {
  it('runs every vector in each mode it names, through the package and four independent validators', () => {
    expect(result.runs.length).toBeGreaterThan(200);
    expect(result.rows.map((r) => r.name)).toEqual([
      '`@chatspark/webhooks` (shipped validators)',
      '`ajv-cli`',
      '`@cfworker/json-schema`',
      '`@hyperjump/json-schema`',
      '`jsonschema (Python)`',
    ]);
  });

  for (const name of [
    '@chatspark/webhooks',
    'ajv-cli',
    '@cfworker/json-schema',
    '@hyperjump/json-schema',
    'jsonschema (Python)',
  ])
    it(`${name} agrees with every vector, in both modes`, () => {
      const row = result.rows.find((r) => r.name.includes(name))!;
      expect(row.verdicts).toHaveLength(result.runs.length);
      expect(row.disagreements).toEqual([]);
    });

  it('generated/conformance.md is what this run finds (run `node scripts/build-conformance.mjs`)', () => {
    expect(readFileSync(join(ROOT, 'generated/conformance.md'), 'utf8')).toBe(render(result as never));
  });
});

/** Every schema, registered with Ajv by its `$id` alone: `common.json` references resolve by `$id`. */
function byIdOnly(options: Record<string, unknown>) {
  const ajv = new Ajv({ strictRequired: false, discriminator: true, keywords: CONTRACT_KEYWORDS, ...options });
  for (const { schema } of loadSchemaFiles()) ajv.addSchema(schema);
  ajv.addSchema(readJson('schemas/bundle.strict.json'));
  return {
    default: ajv.getSchema(`${SCHEMA_ID_BASE}webhook-event.json`)!,
    strict: ajv.getSchema(`${SCHEMA_ID_BASE}bundle.strict.json`)!,
  };
}

describe('pattern beside format', () => {
  it('the schemas carry the email check as a pattern, the same regular expression the package uses', () => {
    const lead = readJson<any>('schemas/lead.captured.json');
    expect(lead.properties.data.properties.email.pattern).toBe(EMAIL.source);
    expect(readJson<any>('schemas/common.json').definitions.dateTime.pattern).toMatch(/^\^.*\$$/);
  });

  it('pattern alone (formats not checked, schemas loaded by $id) gives every portable vector its verdict, and misses exactly the vectors marked portable: false', () => {
    const validators = byIdOnly({ validateFormats: false });
    const missed = result.runs.filter((r) => validators[r.mode as 'default' | 'strict'](r.payload) !== r.valid);
    expect(missed.map((r) => r.id)).toEqual(result.runs.filter((r) => !r.portable).map((r) => r.id));
    expect(missed.length).toBeGreaterThan(0);
  });

  it('the package compiles the format, not the pattern that restates it (one issue per fault)', () => {
    const dateTime = readJson<any>('schemas/common.json').definitions.dateTime.pattern;
    const dir = join(ROOT, 'generated/validators-source');
    for (const file of readdirSync(dir)) {
      const code = readFileSync(join(dir, file), 'utf8');
      expect(code, file).not.toContain(JSON.stringify(dateTime).slice(1, -1));
      expect(code, file).not.toContain('A-Za-z0-9!#$%');
    }
  });
});

describe('schemas/bundle.json and bundle.strict.json', () => {
  for (const file of ['bundle.json', 'bundle.strict.json'])
    it(`${file} stands alone: its own $id, every $ref inside the file`, () => {
      const text = readFileSync(join(ROOT, 'schemas', file), 'utf8');
      expect(JSON.parse(text).$id).toBe(`${SCHEMA_ID_BASE}${file}`);
      const refs = [...text.matchAll(/"\$ref": "([^"]*)"/g)].map((m) => m[1]!);
      expect(refs.length).toBeGreaterThan(20);
      for (const ref of refs) expect(ref).toMatch(/^#\/definitions\/\w+$/);
    });
});

describe('README: other languages and tools', () => {
  const blocks = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md');

  it('gives the exact ajv-cli flags this test runs, for both modes', () => {
    const shell = blocks.filter((b) => b.lang === 'sh' && b.code.includes('ajv validate'));
    expect(shell).toHaveLength(1);
    for (const mode of ['default', 'strict'])
      expect(shell[0]!.code).toContain(`ajv ${ajvCliArgs(mode, 'event.json').join(' ')}`);
  });

  it('its Python runner, using only the shipped files, passes every vector (python3 on PATH)', () => {
    const python = blocks.filter((b) => b.lang === 'python');
    expect(python).toHaveLength(1);
    const file = join(mkdtempSync(join(tmpdir(), 'chatspark-python-')), 'run_vectors.py');
    writeFileSync(file, python[0]!.code);
    const out = execFileSync('python3', [file, ROOT], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${result.runs.length} passed, 0 failed`);
  });
});
