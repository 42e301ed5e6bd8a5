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
    // Base64 characters but not base64 (5 of them): send and listen judge a secret by the same rule.
    for (const command of [
      ['send', 'http://127.0.0.1:9/'],
      ['listen', '--port', '0'],
    ]) {
      const refused = await run([...command, '--secret', 'whsec_AAAAA']);
      expect(refused.code, command[0]).toBe(2);
      expect(refused.stderr).toMatch(/--secret must be "whsec_" followed by base64/);
    }
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

  it('send --from --secret re-signs each replay with a fresh timestamp, keeping its recorded id (--new-ids: fresh ones)', async () => {
    const recording = join(dir, 'recording.ndjson');
    const recorder = await listen(['--secret', A, '--record-bodies', '--report', recording, '--quiet']);
    children.push(recorder);
    const sent = await run(['send', recorder.url, '--event', 'lead.captured', '--count', '2', '--secret', A]);
    expect(sent.code, sent.stdout).toBe(0);
    const recorded = records(recording).filter((r) => r.method === 'POST');
    expect(recorded).toHaveLength(3);
    const recordedIds = recorded.map((r) => r.headers['webhook-id']);

    // Only B verifies here: a replay passes only if it was signed anew (the recording holds A's signatures).
    const seen: { id: string; timestamp: number }[] = [];
    let runs = 0;
    const receiver = createWebhookReceiver({ verify: { secret: B }, dedupe: true }).onAny(() => void runs++);
    const replayServer = createServer((req, res) => {
      seen.push({ id: String(req.headers['webhook-id']), timestamp: Number(req.headers['webhook-timestamp']) });
      void receiver.nodeHandler()(req, res);
    });
    await new Promise<void>((resolve) => replayServer.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(replayServer.address() as AddressInfo).port}/`;
      const replayed = await run(['send', url, '--from', recording, '--secret', B]);
      expect(replayed.code, replayed.stdout).toBe(0);
      expect(seen.map((s) => s.id)).toEqual(recordedIds);
      const recordedTimes = recorded.map((r) => Number(r.headers['webhook-timestamp']));
      for (const [i, { timestamp }] of seen.entries()) expect(timestamp).toBeGreaterThanOrEqual(recordedTimes[i]!);
      expect(runs).toBe(3);
      // The same ids again: a retry, acknowledged without running the handlers.
      expect((await run(['send', url, '--from', recording, '--secret', B])).code).toBe(0);
      expect(runs).toBe(3);
      // Fresh ids: new deliveries as far as the receiver knows.
      seen.length = 0;
      expect((await run(['send', url, '--from', recording, '--secret', B, '--new-ids'])).code).toBe(0);
      expect(seen.map((s) => s.id).filter((id) => recordedIds.includes(id))).toEqual([]);
      expect(runs).toBe(6);
      // Without --secret the recorded (A) signatures go out as they were: B's receiver refuses them.
      const unsigned = await run(['send', url, '--from', recording]);
      expect(unsigned.code).toBe(1);
      expect(unsigned.stdout).toMatch(/^✗ 401 /m);
      expect((await run(['send', url, '--new-ids', '--secret', B])).code).toBe(2);
    } finally {
      await new Promise<void>((resolve) => replayServer.close(() => resolve()));
    }
  });
});
