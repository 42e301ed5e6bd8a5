// `send --data`, `--set`/`--unset` (paths checked against the event's schema), `--allow-unknown`,
// `--allow-invalid`, and the machine output of `send` and `listen` (`--format json|junit`, the
// JUnit XML checked with a real XML parser). Real processes and sockets on 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdits, parseSet, parseUnset } from '../src/cli/body-edit.js';
import { ROOT } from './helpers.js';
import { listen, requireBuild, run } from './support/cli.js';
import { send } from './support/raw-http.js';

const dir = mkdtempSync(join(tmpdir(), 'chatspark-custom-'));
beforeAll(requireBuild);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A listener that reports each delivery as NDJSON (--format json), and its parsed records. */
async function jsonListener(count: number, extra: string[] = []) {
  const server = await listen(['--format', 'json', '--count', String(count), ...extra]);
  const events = async () => {
    await server.exit;
    return server
      .output()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
  };
  return { server, events };
}

/** Parses JUnit XML strictly: a document that is not well-formed XML throws. */
function junit(text: string) {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    htmlEntities: true, // decode numeric character references (&#38;)
    isArray: (n) => n === 'testcase',
  }).parse(text);
  return doc.testsuites as { tests: string; failures: string; testsuite: { testcase: any[] } };
}

describe('send --set / --unset', () => {
  it('edits the example by path; values are JSON, else text; the receiver gets the edited body', async () => {
    const { server, events } = await jsonListener(1);
    const { url } = await server;
    const result = await run([
      'send',
      url,
      '--event',
      'lead.captured',
      '--set',
      'data.email=x@example.com',
      '--set',
      'data.phone=null',
      '--unset',
      'data.name',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const [ready, delivery, summary] = await events();
    expect(ready).toEqual({ type: 'ready', url });
    expect(delivery).toMatchObject({ type: 'delivery', v: 2, valid: true, event: 'lead.captured', status: 200 });
    expect(summary).toMatchObject({ type: 'summary', passed: true, deliveries: 1, valid: 1 });
  }, 30_000);

  it('an undefined path exits 2 before sending, naming the nearest defined paths; --allow-unknown sends it', async () => {
    const refused = await run([
      'send',
      'http://127.0.0.1:9/',
      '--event',
      'lead.captured',
      '--set',
      'data.emial=x@example.com',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '--set data.emial: lead.captured defines no such path. Nearest defined paths: data.email',
    );
    expect(refused.stdout).toBe('');
    const unset = await run(['send', 'http://127.0.0.1:9/', '--event', 'message.sent', '--unset', 'data.nope']);
    expect(unset.code).toBe(2);
    const { server, events } = await jsonListener(1);
    const allowed = await run([
      'send',
      server.url,
      '--event',
      'lead.captured',
      '--set',
      'data.extra.deep=1',
      '--allow-unknown',
    ]);
    expect(allowed.code, allowed.stdout).toBe(0); // unknown properties are valid in default mode
    expect((await events())[1]).toMatchObject({ valid: true });
  }, 30_000);

  it('a body that ends up invalid is refused (exit 2) unless --allow-invalid, which expects 4xx and says so', async () => {
    const refused = await run(['send', 'http://127.0.0.1:9/', '--event', 'lead.captured', '--unset', 'data.leadId']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the body is invalid under the contract');
    expect(refused.stderr).toContain('--allow-invalid');
    const { server } = await jsonListener(1);
    const sent = await run([
      'send',
      server.url,
      '--event',
      'lead.captured',
      '--unset',
      'data.leadId',
      '--allow-invalid',
    ]);
    expect(sent.stdout).toContain('(invalid, sent with --allow-invalid)');
    expect(sent.stdout).toMatch(/✓ 400 /);
    expect(sent.code).toBe(0);
  }, 30_000);

  it('--set needs one --event; --from, --data and --set exclude each other', async () => {
    expect((await run(['send', 'http://127.0.0.1:9/', '--set', 'data.email=x'])).code).toBe(2);
    expect((await run(['send', 'http://127.0.0.1:9/', '--data', 'x.json', '--from', 'y.ndjson'])).code).toBe(2);
  });

  it('applyEdits: numeric segments index arrays, missing objects are created, unset removes', () => {
    const edited = applyEdits({ data: { list: ['a', 'b'], keep: 1, drop: 2 } }, [
      parseSet('data.list.1=c'),
      parseSet('data.new.inner={"n":1}'),
      parseSet('data.text=not json'),
      parseUnset('data.drop'),
      parseUnset('data.list.0'),
    ]);
    expect(edited).toEqual({ data: { list: ['c'], keep: 1, new: { inner: { n: 1 } }, text: 'not json' } });
  });

  it('applyEdits: __proto__ and constructor are keys of the body, never the prototype; no gap in an array', () => {
    const edited = applyEdits({ data: { list: ['a'] } }, [
      parseSet('data.__proto__.polluted=1'),
      parseSet('constructor.prototype.x=2'),
      parseSet('data.list.1=b'),
    ]) as any;
    expect(({} as any).polluted).toBeUndefined();
    expect(({} as any).x).toBeUndefined();
    expect(JSON.parse(JSON.stringify(edited))).toEqual({
      data: { list: ['a', 'b'], ['__proto__']: { polluted: 1 } },
      constructor: { prototype: { x: 2 } },
    });
    expect(Object.getPrototypeOf(edited.data)).toBe(Object.prototype);
    expect(() => applyEdits({ data: { list: ['a'] } }, [parseSet('data.list.99999999=1')])).toThrow(
      /--set data\.list\.99999999: index 99999999 is past the end of the array \(length 1\)/,
    );
    expect(() => applyEdits({ data: {} }, [parseSet('data.tags.5=x')])).toThrow(
      /past the end of the array \(length 0\)/,
    );
  });
});

describe('send --data', () => {
  it('posts exactly the bytes of the file, or of standard input', async () => {
    // Pretty-printed, with a trailing space: posted as it is, not re-serialised.
    const body = `${readFileSync(join(ROOT, 'examples/training.failed.json'), 'utf8')} `;
    const file = join(dir, 'body.json');
    writeFileSync(file, body);
    const { server, events } = await jsonListener(2, ['--record-bodies']);
    const first = await run(['send', server.url, '--data', file]);
    expect(first.code, first.stderr).toBe(0);
    expect((await run(['send', server.url, '--data', '-'], { input: body })).code).toBe(0);
    const deliveries = (await events()).filter((e) => e.type === 'delivery');
    expect(deliveries.map((d) => d.body)).toEqual([body, body]);
  }, 30_000);
});

describe('--format junit and json', () => {
  it('send --format junit: one test case per delivery, well-formed XML, failures counted', async () => {
    const { server } = await jsonListener(3);
    const xml = await run(['send', server.url, '--event', 'lead.captured', '--count', '2', '--format', 'junit']);
    const doc = junit(xml.stdout);
    expect(doc.testsuite.testcase).toHaveLength(3);
    expect(doc.failures).toBe('0');
    const down = await run([
      'send',
      'http://127.0.0.1:9/',
      '--event',
      'agent.updated',
      '--count',
      '1',
      '--format',
      'junit',
    ]);
    expect(down.code).toBe(1);
    const failed = junit(down.stdout);
    expect(failed.tests).toBe('2');
    expect(failed.failures).toBe('2');
    expect(failed.testsuite.testcase[0].failure.message).toContain('expected 2xx');
  }, 30_000);

  it('send --format json: one document with the summary and every delivery', async () => {
    const { server } = await jsonListener(2);
    const out = await run(['send', server.url, '--event', 'agent.updated', '--count', '1', '--format', 'json']);
    const document = JSON.parse(out.stdout);
    expect(document.summary).toMatchObject({ sent: 2, failed: 0, passed: true });
    expect(document.byEvent).toEqual({ 'agent.updated': { sent: 2, failed: 0 } });
    expect(document.deliveries.map((d: { status: number }) => d.status)).toEqual([200, 200]);
  }, 30_000);

  it('listen --format junit: the URL goes to stderr, stdout is one JUnit document with a case per delivery', async () => {
    const server = await listenJunit();
    const lead = JSON.stringify({ event: 'lead.captured' });
    await send(server.url, { headers: { 'content-type': 'application/json' }, body: lead });
    await send(server.url, { headers: { 'content-type': 'application/json' }, body: '{"event":"x & <y>"}' });
    expect(await server.exit).toBe(1);
    const doc = junit(server.stdout());
    expect(doc.testsuite.testcase).toHaveLength(2);
    expect(doc.failures).toBe('2');
    expect(doc.testsuite.testcase[1].name).toContain('x & <y>');
  }, 30_000);
});

/** listen --format junit, whose stdout and stderr are kept apart. */
async function listenJunit() {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('./support/cli.js');
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', '--format', 'junit', '--count', '2']);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  while (!stderr.includes('\n')) await new Promise((r) => setTimeout(r, 20));
  expect(stdout).toBe('');
  return { url: stderr.split('\n')[0]!, exit, stdout: () => stdout };
}
