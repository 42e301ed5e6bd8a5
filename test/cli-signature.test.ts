// `send --secret [--attack]` and `listen --secret`, as real processes over real sockets: signed
// deliveries pass under either of two rotating secrets, every attack is answered 401 and recorded
// with its reason, a replayed id is acknowledged, and a receiver with dedupe runs it once.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebhookReceiver } from '../src/index.js';
import { listen, records, requireBuild, run, type Listener } from './support/cli.js';

requireBuild();
const A = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const B = `whsec_${Buffer.from('chatspark-rotation-test-secret-b').toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'cli-signature-'));
const children: Listener[] = [];
let server: Server | undefined;

afterAll(async () => {
  for (const listener of children) listener.child.kill('SIGKILL');
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('listen --secret and send --secret --attack', () => {
  it('signed deliveries pass under either secret; each attack is 401 and recorded with its reason', async () => {
    const report = join(dir, 'report.ndjson');
    const listener = await listen(['--secret', A, '--secret', B, '--report', report, '--quiet']);
    children.push(listener);
    const rotated = await run(['send', listener.url, '--event', 'lead.captured', '--count', '2', '--secret', B]);
    expect(rotated.code, rotated.stdout).toBe(0);
    const attacked = await run([
      'send',
      listener.url,
      '--event',
      'message.sent',
      '--count',
      '0',
      '--secret',
      A,
      '--attack',
    ]);
    expect(attacked.code, attacked.stdout).toBe(0);
    expect(attacked.stdout.match(/^✓ 401 .*attack/gm)).toHaveLength(5);
    expect(attacked.stdout).toMatch(/^✓ 200 .*the same id replayed/m);
    const lines = records(report);
    expect(lines.filter((r) => r.status === 200).every((r) => r.signature?.valid === true)).toBe(true);
    const reasons = lines.filter((r) => r.status === 401).map((r) => r.signature.reason);
    expect(reasons.sort()).toEqual([
      'missing-header',
      'no-matching-signature',
      'no-matching-signature',
      'too-new',
      'too-old',
    ]);
    const rejected = lines.find((r) => r.status === 401)!;
    expect(rejected).toMatchObject({ valid: false, issues: [{ keyword: 'signature' }] });
  });

  it('send --attack fails against a receiver that does not verify (the attacks are answered 200)', async () => {
    const listener = await listen(['--quiet']);
    children.push(listener);
    const attacked = await run([
      'send',
      listener.url,
      '--event',
      'lead.captured',
      '--count',
      '0',
      '--secret',
      A,
      '--attack',
    ]);
    expect(attacked.code).toBe(1);
    expect(attacked.stdout.match(/^✗ 200 .*attack.*expected 4xx/gm)).toHaveLength(5);
  });

  it('usage errors: --attack without --secret, a secret that is not base64', async () => {
    expect((await run(['send', 'http://127.0.0.1:9/', '--attack'])).code).toBe(2);
    expect((await run(['send', 'http://127.0.0.1:9/', '--secret', 'not base64!'])).code).toBe(2);
    const bad = await run(['listen', '--port', '0', '--secret', 'whsec_!!!!']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--secret/);
  });

  it('a receiver with verify and dedupe acknowledges the replayed id without running its handlers again', async () => {
    let runs = 0;
    const receiver = createWebhookReceiver({ verify: { secret: [A, B] }, dedupe: true }).onAny(() => void runs++);
    server = createServer(receiver.nodeHandler());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const attacked = await run([
      'send',
      url,
      '--event',
      'lead.captured',
      '--count',
      '0',
      '--secret',
      A,
      '--secret',
      B,
      '--attack',
    ]);
    expect(attacked.code, attacked.stdout).toBe(0);
    // The example, then the attack's delivery; its replay and the five attacks ran nothing.
    expect(runs).toBe(2);
  });
});
