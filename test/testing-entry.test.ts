// `@chatspark/webhooks/testing`: startListener() and sendEvents(), imported by the package's name
// (resolved through its `exports` to dist/), driving the same listener and sender as the CLI.
import { describe, expect, it } from 'vitest';
import { sendEvents, startListener } from '@chatspark/webhooks/testing';
import { recordValidator, requireBuild } from './support/cli.js';

requireBuild();

describe('@chatspark/webhooks/testing', () => {
  it('sendEvents() against startListener(): every delivery recorded and summarised', async () => {
    const listener = await startListener();
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const report = await sendEvents(listener.url, { event: 'lead.captured', count: 2, seed: 3 });
    expect(report.passed).toBe(true);
    expect(report.summary).toMatchObject({ sent: 3, failed: 0, seed: 3 });
    expect(listener.deliveries.map((d) => [d.v, d.status, d.event])).toEqual([
      [2, 200, 'lead.captured'],
      [2, 200, 'lead.captured'],
      [2, 200, 'lead.captured'],
    ]);
    const summary = await listener.close();
    expect(summary).toMatchObject({ type: 'summary', passed: true, deliveries: 3, valid: 3, invalid: 0 });
  });

  it('forwards to another listener with whole recordings; edits by path; an undefined path rejects', async () => {
    const receiver = await startListener({ recordBodies: true });
    const relay = await startListener({ forwardTo: receiver.url, recordBodies: true });
    const sent = await sendEvents(relay.url, {
      event: 'message.sent',
      set: { 'data.content': 'hi', 'data.role': 'user' },
    });
    expect(sent.passed).toBe(true);
    await expect(sendEvents(relay.url, { event: 'message.sent', set: { 'data.contnet': 'x' } })).rejects.toThrow(
      /defines no such path\. Nearest defined paths: data\.content/,
    );
    const [relayed] = relay.deliveries;
    const [arrived] = receiver.deliveries;
    expect(arrived!.body).toBe(relayed!.body);
    expect(JSON.parse(arrived!.body!).data).toMatchObject({ content: 'hi', role: 'user' });
    expect(relayed!.forward).toMatchObject({ status: 200, verdict: 'ok' });
    // The records handed out are the report's: each holds to vectors/report-record.schema.json.
    const validate = recordValidator();
    for (const { recorded: _recorded, ...record } of [...relay.deliveries, ...receiver.deliveries])
      expect(validate(record) ? [] : validate.errors).toEqual([]);
    expect((await relay.close()).passed).toBe(true);
    expect((await receiver.close()).deliveries).toBe(1);
  });
});
