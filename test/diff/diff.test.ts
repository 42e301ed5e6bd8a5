// The contract differ, held to fixtures: each fixture patches the current contract and names the
// changes it must find, with whom each breaks. Plus `npm run diff` end to end in a git repository,
// and the release check that demands a major version for a breaking change.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffContracts, isBreaking } from '../../scripts/lib/contract-diff.mjs';
import { contractFromFolder } from '../../scripts/lib/contract-files.mjs';
import { ROOT, loadSchemaFiles } from '../helpers.js';

interface PatchOp {
  file: string;
  op: 'add' | 'remove' | 'replace' | 'text' | 'drop-asyncapi';
  path?: string;
  value?: unknown;
  find?: string;
  replace?: string;
}
interface Fixture {
  description: string;
  patch: PatchOp[];
  expected: { event: string; path: string; senders: boolean; receivers: boolean; strict: boolean }[];
  expectedAsyncapi?: boolean;
  /** The notices (deprecations) it must find, by event and path. */
  expectedNotices?: { event: string; path: string }[];
}

const FIXTURES = join(ROOT, 'test/diff/fixtures');
const work = mkdtempSync(join(tmpdir(), 'chatspark-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Applies one JSON pointer operation (RFC 6902 add/remove/replace) to a parsed document. */
function applyJson(doc: any, op: PatchOp): any {
  if (op.path === '') return op.op === 'remove' ? undefined : op.value;
  const parts = op.path!.slice(1).split('/');
  let target = doc;
  for (const part of parts.slice(0, -1)) target = target[part];
  const last = parts.at(-1)!;
  if (op.op === 'remove') {
    if (Array.isArray(target)) target.splice(Number(last), 1);
    else delete target[last];
  } else if (Array.isArray(target) && last === '-') target.push(op.value);
  else target[last] = op.value;
  return doc;
}

function patched(fixture: Fixture) {
  const contract = contractFromFolder(ROOT);
  const after = structuredClone(contract);
  for (const op of fixture.patch) {
    if (op.op === 'drop-asyncapi') {
      // Compare the schemas only (the AsyncAPI document would need the same edit by hand).
      delete after.asyncapi;
      continue;
    }
    if (op.op === 'text') {
      // `{version}` stands for the package's current version, so a release does not break the fixture.
      const find = op.find!.replace('{version}', VERSION);
      expect(after.asyncapi, find).toContain(find);
      after.asyncapi = after.asyncapi!.replace(find, op.replace!);
      continue;
    }
    const name = op.file.replace(/^schemas\//, '');
    const result = applyJson(after.schemas[name], op);
    if (result === undefined) delete after.schemas[name];
    else after.schemas[name] = result;
  }
  return { before: contract, after };
}

describe('diffContracts, held to fixtures', () => {
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('has a fixture for every class of change', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of files) {
    const fixture: Fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
    it(`${file.replace(/\.json$/, '')}: ${fixture.description}`, async () => {
      const { before, after } = patched(fixture);
      const changes = await diffContracts(before, after);
      const relevant = changes
        .filter((c) => c.source === 'schemas' && (c.senders || c.receivers || c.strict))
        .map(({ event, path, senders, receivers, strict }) => ({ event, path, senders, receivers, strict }));
      const key = (c: { event: string | null; path: string }) => `${c.event} ${c.path}`;
      expect(relevant.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
        [...fixture.expected].sort((a, b) => key(a).localeCompare(key(b))),
      );
      expect(
        changes.filter((c) => c.notice).map(({ event, path }) => ({ event, path })),
        'notices',
      ).toEqual(fixture.expectedNotices ?? []);
      const documentChanges = changes.filter((c) => c.source === 'asyncapi' && isBreaking(c));
      if (fixture.expectedAsyncapi) expect(documentChanges.length).toBeGreaterThan(0);
      else expect(documentChanges).toEqual([]);
    }, 60_000);
  }

  it('finds nothing between the contract and itself', async () => {
    const contract = contractFromFolder(ROOT);
    expect(await diffContracts(contract, structuredClone(contract))).toEqual([]);
  }, 60_000);

  it('compares every keyword the schemas use', () => {
    const handled = new Set([
      'type',
      'const',
      'enum',
      'format',
      'pattern',
      'minLength',
      'maxLength',
      'minimum',
      'maximum',
      'exclusiveMinimum',
      'exclusiveMaximum',
      'minItems',
      'maxItems',
      'uniqueItems',
      'additionalProperties',
      'properties',
      'required',
      'items',
      '$ref',
      'definitions',
      'description',
      'title',
      'examples',
      '$comment',
      '$schema',
      '$id',
      'x-pii',
      'x-since',
      'x-deprecated-since',
      'deprecated',
      'oneOf',
      'discriminator',
    ]);
    const used = new Set<string>();
    const walk = (schema: unknown, inProperties = false) => {
      if (Array.isArray(schema)) return schema.forEach((s) => walk(s));
      if (schema === null || typeof schema !== 'object') return;
      for (const [key, value] of Object.entries(schema)) {
        if (!inProperties) used.add(key);
        if (key !== 'discriminator') walk(value, !inProperties && (key === 'properties' || key === 'definitions'));
      }
    };
    for (const { schema } of loadSchemaFiles()) walk(schema);
    expect([...used].filter((k) => !handled.has(k))).toEqual([]);
  });
});

/** A throwaway repository holding the contract, for the command-line tools. */
function repository(version: string): string {
  const dir = mkdtempSync(join(work, 'repo-'));
  for (const part of ['asyncapi.yaml', 'schemas', 'examples'])
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', version }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', 'release');
  git('tag', 'v1');
  return dir;
}

function node(script: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', script), ...args], { encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('npm run diff -- <git-ref>', () => {
  it('names a new required field as breaking for senders, and exits 1', () => {
    const dir = repository('1.0.0');
    const path = join(dir, 'schemas/training.failed.json');
    const schema = JSON.parse(readFileSync(path, 'utf8'));
    schema.properties.data.properties.retryable = { type: 'boolean', description: 'Whether a retry may help.' };
    schema.properties.data.required.push('retryable');
    writeFileSync(path, JSON.stringify(schema, null, 2));
    const text = node('diff-contract.mjs', ['v1', '--root', dir]);
    expect(text.code).toBe(1);
    expect(text.output).toMatch(
      /BREAKING for senders\s+training\.failed \/properties\/data\/properties\/retryable: required property "retryable" added/,
    );
    const json = node('diff-contract.mjs', ['v1', '--root', dir, '--format', 'json']);
    expect(JSON.parse(json.output).summary).toMatchObject({ breakingForSenders: 1, breakingForReceivers: 0 });
  }, 60_000);

  it('exits 0 when nothing breaks, and 2 on an unknown revision', () => {
    const dir = repository('1.0.0');
    expect(node('diff-contract.mjs', ['v1', '--root', dir]).code).toBe(0);
    const unknown = node('diff-contract.mjs', ['no-such-ref', '--root', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('cannot read the contract at "no-such-ref"');
  }, 60_000);
});

describe('the release check', () => {
  function release(from: string, to: string, breaking: boolean) {
    const dir = repository(from);
    for (const part of ['asyncapi.yaml', 'schemas', 'examples'])
      cpSync(join(ROOT, part), join(dir, 'contract-snapshot', part), { recursive: true });
    writeFileSync(join(dir, 'contract-snapshot/release.json'), JSON.stringify({ version: from }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', version: to }));
    if (breaking) {
      const path = join(dir, 'schemas/message.sent.json');
      const schema = JSON.parse(readFileSync(path, 'utf8'));
      schema.properties.data.properties.role.enum.push('system');
      writeFileSync(path, JSON.stringify(schema));
    }
    return node('check-release.mjs', ['--root', dir]);
  }

  it('fails on a breaking change without a major version', () => {
    const result = release('1.4.0', '1.5.0', true);
    expect(result.code).toBe(1);
    expect(result.output).toContain('BREAKING for receivers');
    expect(result.output).toContain('need a major version');
  }, 60_000);

  it('passes a breaking change with a major version, and a non-breaking one without', () => {
    expect(release('1.4.0', '2.0.0', true).code).toBe(0);
    expect(release('1.4.0', '1.4.1', false).code).toBe(0);
  }, 60_000);

  it('in 0.x, takes a minor bump as the major one', () => {
    expect(release('0.1.0', '0.2.0', true).code).toBe(0);
    expect(release('0.1.0', '0.1.1', true).code).toBe(1);
  }, 60_000);

  it('passes for this repository: the contract since the last release needs no new major version', () => {
    const result = node('check-release.mjs', []);
    expect(result.output).toContain('OK');
    expect(result.code).toBe(0);
  }, 60_000);
});
