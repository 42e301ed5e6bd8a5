// The code shown for each event (the OpenAPI view's x-codeSamples, which the event reference
// shows too) is checked as a user would use it, not only read:
// - every TypeScript sample compiles in a user's strict project (module nodenext, no DOM);
// - the receiver sample runs as a server; the sample's own `send` line (the examples and 10
//   generated payloads) and its `curl` (run by bash, with only the port changed) reach its handler,
//   which logs one line per delivery and nothing personal;
// - the validator sample's function returns the example and throws, naming the path, on a broken one.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/index.js';
import { ROOT } from '../helpers.js';
import { BIN, requireBuild } from '../support/cli.js';
import { formatDiagnostic, typeCheck } from '../support/readme-blocks.js';
import { freePort, startServer } from '../support/recipe-runner.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Sample {
  lang: string;
  label: string;
  source: string;
}
const openapi = parse(readFileSync(join(ROOT, 'generated/openapi.yaml'), 'utf8'));
const samplesOf = (event: string): Sample[] => openapi.webhooks[event].post['x-codeSamples'];
const sample = (event: string, label: string): string => {
  const found = samplesOf(event).find((s) => s.label === label);
  if (!found) throw new Error(`${event} has no "${label}" sample`);
  return found.source;
};
/** The URL every sample posts to; each test swaps in its own port. */
const SAMPLE_URL = 'http://localhost:3000/webhooks';

let tmp: string;
beforeAll(() => {
  requireBuild();
  // A user's project: the package installed by name, its CLI on node_modules/.bin (what npx runs).
  tmp = mkdtempSync(join(tmpdir(), 'chatspark-samples-'));
  mkdirSync(join(tmp, 'node_modules/@chatspark'), { recursive: true });
  mkdirSync(join(tmp, 'node_modules/.bin'));
  symlinkSync(ROOT, join(tmp, 'node_modules/@chatspark/webhooks'), 'dir');
  // What npm puts there on install: an executable that runs the package's bin with node.
  writeFileSync(join(tmp, 'node_modules/.bin/chatspark-webhooks'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
    mode: 0o755,
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a shell sample with bash in the user's project; resolves with its exit code and output. */
function bash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: tmp,
      env: { ...process.env, NO_COLOR: '1', npm_config_offline: 'true', npm_config_yes: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function moduleFile(name: string, source: string): Promise<string> {
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
  const file = join(tmp, name);
  writeFileSync(file, code);
  return file;
}

describe('the code samples of every event', () => {
  it('every event has a receiver, a validator, a send line and a curl, with its type names', () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      expect(samplesOf(event).map((s) => s.label), event).toEqual(['Receiver', 'Validator', 'Send test events', 'curl']);
      const pascal = event.split(/[.-]/).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
      expect(sample(event, 'Receiver'), event).toContain(`type ${pascal}Event`);
      expect(sample(event, 'Receiver'), event).toContain(`type ${pascal}Data`);
      expect(sample(event, 'Receiver'), event).toContain(`.on('${event}'`);
      expect(sample(event, 'Validator'), event).toContain(`'@chatspark/webhooks/validators/${event}'`);
      expect(sample(event, 'Send test events'), event).toBe(`npx chatspark-webhooks send ${SAMPLE_URL} --event ${event}\n`);
      expect(sample(event, 'curl'), event).toContain(`"event": "${event}"`);
    }
  });

  it('every TypeScript sample compiles: strict, module nodenext, ES2022 + Node.js types, no DOM', () => {
    const files = WEBHOOK_EVENT_TYPES.flatMap((event) =>
      samplesOf(event)
        .filter((s) => s.lang === 'TypeScript')
        .map((s) => ({ fileName: join(ROOT, '.code-samples', `${event}-${s.label}.ts`), text: s.source })),
    );
    expect(files).toHaveLength(18);
    const report = typeCheck(files, ROOT).map((d) => formatDiagnostic(d, (file, line) => `${file}:${line}`));
    expect(report).toEqual([]);
  });

  for (const event of WEBHOOK_EVENT_TYPES) {
    it(`${event}: the receiver runs, and the send line and the curl each deliver the example to it`, async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/webhooks`;
      const server = await startServer(process.execPath, [await moduleFile(`receiver-${event}.mjs`, sample(event, 'Receiver'))], {
        cwd: tmp,
        port,
      });
      try {
        // The handler logs one line per delivery it ran for, and nothing personal.
        const handled = () => server.output().split('\n').filter((l) => l.startsWith(`${event} `)).length;
        const sent = await bash(sample(event, 'Send test events').replace(SAMPLE_URL, url));
        expect(sent, sent.stderr).toMatchObject({ code: 0 });
        expect(sent.stdout).toMatch(/answered as expected, 0 not/);
        // The examples, then 10 generated payloads: every one reached the handler.
        const examples = Object.keys(openapi.webhooks[event].post.requestBody.content['application/json'].examples);
        const afterSend = examples.length + 10;
        await vi.waitFor(() => expect(handled()).toBe(afterSend));
        const curl = await bash(sample(event, 'curl').replace(SAMPLE_URL, url));
        expect(curl, curl.stderr).toMatchObject({ code: 0 });
        expect(JSON.parse(curl.stdout)).toEqual({ ok: true, event });
        await vi.waitFor(() => expect(handled()).toBe(afterSend + 1));
        expect(server.output()).not.toMatch(/jane@example\.com|Jane Doe|\+1234567890/);
      } finally {
        await server.stop();
      }
    });
  }

  it('the validator samples return the example and throw, naming the path, on a broken one', async () => {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const file = await moduleFile(`validator-${event}.mjs`, sample(event, 'Validator'));
      const curl = sample(event, 'curl');
      const body = curl.slice(curl.indexOf('{'), curl.lastIndexOf('}') + 1);
      const module = (await import(file)) as Record<string, (body: string) => unknown>;
      const read = Object.values(module)[0]!;
      expect(read(body), event).toEqual(JSON.parse(body));
      const broken = JSON.stringify({ ...JSON.parse(body), timestamp: 'yesterday' });
      expect(() => read(broken), event).toThrow(/^\/timestamp /);
    }
  });
});
