// The reference's example payloads are binding: the examples/ files hold them unchanged, and
// every one is valid in both modes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, validateWebhookEvent } from '../src/index.js';
import { ROOT, loadExamples } from './helpers.js';

/** The JSON blocks of the reference (test/reference/, a copy of the seed), as written there. */
function referenceExamples(): string[] {
  const text = readFileSync(join(ROOT, 'test/reference/chatspark-webhooks-reference.txt'), 'utf8');
  return text
    .split(/json\n/)
    .slice(1)
    .map((block) => block.replace(/\}json\s*$/, '}').trim());
}

const examples = loadExamples();

describe('examples/', () => {
  it('holds one example per event, and two for message.sent (one per role)', () => {
    expect(examples.map((e) => e.file)).toEqual([
      'agent.updated.json',
      'ai-action.completed.json',
      'ai-action.failed.json',
      'conversation.ended.json',
      'conversation.started.json',
      'lead.captured.json',
      'message.sent.assistant.json',
      'message.sent.user.json',
      'training.completed.json',
      'training.failed.json',
    ]);
    expect(new Set(examples.map((e) => e.payload.event))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
  });

  it('equals the reference\'s examples unchanged (message.sent\'s `"user" | "assistant"` split in two)', () => {
    const blocks = referenceExamples();
    expect(blocks).toHaveLength(9);
    const expected: unknown[] = [];
    for (const block of blocks) {
      if (block.includes('"user" | "assistant"')) {
        for (const role of ['user', 'assistant'])
          expected.push(JSON.parse(block.replace('"user" | "assistant"', JSON.stringify(role))));
      } else {
        expected.push(JSON.parse(block));
      }
    }
    const byKey = (p: any) => `${p.event}:${p.data.role ?? ''}`;
    const sort = (list: any[]) => [...list].sort((a, b) => byKey(a).localeCompare(byKey(b)));
    expect(sort(examples.map((e) => e.payload))).toEqual(sort(expected));
  });

  for (const { file, payload } of examples) {
    it(`${file} is valid in default and strict mode`, () => {
      expect(validateWebhookEvent(payload)).toEqual({ valid: true, event: payload });
      expect(validateWebhookEvent(payload, { strict: true })).toEqual({ valid: true, event: payload });
    });
  }
});
