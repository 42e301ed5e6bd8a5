/** What `send --format json|junit` prints: one document with every delivery and the summary. */
import { junitDocument, type Format } from './format.js';

/** One delivery sent (or not: a replayed line without a body), and its answer. */
export interface SendResult {
  /** Its place in the order of sending, from 0. */
  index: number;
  delivery: { label: string; event: string | null; expect: '2xx' | '4xx' };
  answer: { status: number | null; ms: number; ok: boolean; error?: string };
}

export interface SendRun {
  url: string;
  seed: number;
  mode: 'default' | 'strict';
  skipped: number;
  passed: boolean;
}

export function sendReport(format: Exclude<Format, 'text'>, results: SendResult[], run: SendRun): string {
  if (format === 'junit') {
    const cases = results.map(({ index, delivery, answer }) => ({
      name: `#${index + 1} ${delivery.label}`,
      time: answer.ms / 1000,
      ...(answer.ok
        ? {}
        : {
            failure: {
              message: `answered ${answer.status ?? 'nothing'}, expected ${delivery.expect}${answer.error ? `: ${answer.error}` : ''}`,
              type: answer.status === null ? 'connection' : 'status',
            },
          }),
    }));
    return junitDocument(`chatspark-webhooks send ${run.url}`, 'chatspark-webhooks.send', cases);
  }
  const byEvent: Record<string, { sent: number; failed: number }> = {};
  for (const { delivery, answer } of results) {
    const counts = (byEvent[delivery.event ?? '(none)'] ??= { sent: 0, failed: 0 });
    counts.sent++;
    if (!answer.ok) counts.failed++;
  }
  const failed = results.filter((r) => !r.answer.ok).length;
  const document = {
    summary: { ...run, sent: results.length, failed },
    byEvent,
    deliveries: results.map(({ index, delivery, answer }) => ({
      index,
      label: delivery.label,
      event: delivery.event,
      expect: delivery.expect,
      status: answer.status,
      ms: Math.round(answer.ms * 10) / 10,
      ok: answer.ok,
      ...(answer.error ? { error: answer.error } : {}),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
