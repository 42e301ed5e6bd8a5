// The vitest matcher entry point, used as a consumer would: import it, then expect().
import { describe, expect, it } from 'vitest';
import '../src/vitest.js';
import { readJson } from './helpers.js';

const lead = readJson<any>('examples/lead.captured.json');

function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

describe('toBeWebhookEvent', () => {
  it('passes for a valid event, of any type or of the one named, parsed or raw', () => {
    expect(lead).toBeWebhookEvent();
    expect(lead).toBeWebhookEvent('lead.captured');
    expect(JSON.stringify(lead)).toBeWebhookEvent('lead.captured');
    expect(Buffer.from(JSON.stringify(lead))).toBeWebhookEvent('lead.captured', { strict: true });
    expect({ ...lead, extra: 1 }).not.toBeWebhookEvent('lead.captured', { strict: true });
  });

  it('fails with a message that lists every issue', () => {
    const message = failureOf(() =>
      expect({ ...lead, data: { ...lead.data, email: 'jane@', leadId: 7 } }).toBeWebhookEvent('lead.captured'),
    );
    expect(message).toBe(
      [
        'expected the payload to be a valid lead.captured event, but it has 2 issues:',
        '  - /data/leadId: Expected a string, received integer 7. [type]',
        '  - /data/email: Expected an email address such as "jane@example.com", received a string of 5 characters. [format]',
      ].join('\n'),
    );
  });

  it('fails when the event is valid but another one', () => {
    const message = failureOf(() => expect(lead).toBeWebhookEvent('message.sent'));
    expect(message).toBe(
      'expected the payload to be a valid message.sent event, but it is a valid lead.captured event',
    );
  });

  it('negated, fails for a valid event', () => {
    expect(failureOf(() => expect(lead).not.toBeWebhookEvent())).toBe(
      'expected the payload not to be a valid ChatSpark webhook event, but it is',
    );
  });

  it('works as an asymmetric matcher', () => {
    expect({ status: 200, body: lead }).toEqual({ status: 200, body: expect.toBeWebhookEvent('lead.captured') });
    expect({ body: { nope: true } }).not.toEqual({ body: expect.toBeWebhookEvent() });
  });

  it('refuses an unknown event name', () => {
    expect(() => expect(lead).toBeWebhookEvent('lead.deleted' as never)).toThrow(/unknown event "lead.deleted"/);
  });
});
