// Compile-time checks, type-checked by test/types.test.ts: narrowing on `event` gives each
// event's `data` type, and the public types fit together. Nothing here runs.
import {
  validateWebhookEvent,
  parseWebhookEvent,
  isWebhookEvent,
  assertWebhookEvent,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventMap,
  type WebhookEventType,
  type WebhookEventDataMap,
  type ValidationIssue,
  type LeadCapturedData,
  type ConversationStartedData,
  type ConversationEndedData,
  type MessageSentData,
  type AgentUpdatedData,
  type AiActionCompletedData,
  type AiActionFailedData,
  type TrainingCompletedData,
  type TrainingFailedData,
  type LeadCapturedEvent,
  type TrainingFailedEvent,
} from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectTrue<T extends true>(): T | undefined {
  return undefined;
}

export function narrowing(event: WebhookEvent): string | number | null | undefined {
  switch (event.event) {
    case 'lead.captured':
      expectTrue<Equal<typeof event.data, LeadCapturedData>>();
      expectTrue<Equal<typeof event.data.email, string | null | undefined>>();
      return event.data.email;
    case 'conversation.started':
      expectTrue<Equal<typeof event.data, ConversationStartedData>>();
      return event.data.conversationId;
    case 'conversation.ended':
      expectTrue<Equal<typeof event.data, ConversationEndedData>>();
      return event.data.endedAt;
    case 'message.sent':
      expectTrue<Equal<typeof event.data, MessageSentData>>();
      expectTrue<Equal<typeof event.data.role, 'user' | 'assistant'>>();
      return event.data.content;
    case 'agent.updated':
      expectTrue<Equal<typeof event.data, AgentUpdatedData>>();
      expectTrue<Equal<typeof event.data.changes, string[]>>();
      return event.data.changes.join();
    case 'ai-action.completed':
      expectTrue<Equal<typeof event.data, AiActionCompletedData>>();
      return Object.keys(event.data.result).length;
    case 'ai-action.failed':
      expectTrue<Equal<typeof event.data, AiActionFailedData>>();
      return event.data.error;
    case 'training.completed':
      expectTrue<Equal<typeof event.data, TrainingCompletedData>>();
      expectTrue<Equal<typeof event.data.trainingId, number>>();
      expectTrue<Equal<typeof event.data.status, 'completed'>>();
      return event.data.dataCount;
    case 'training.failed':
      expectTrue<Equal<typeof event.data, TrainingFailedData>>();
      return event.data.trainingId;
    default: {
      // Exhaustive: every event is handled above.
      const unreachable: never = event;
      return unreachable;
    }
  }
}

// The maps and the event-name type agree with the union.
expectTrue<Equal<WebhookEventType, keyof WebhookEventMap>>();
expectTrue<Equal<WebhookEventMap['lead.captured'], LeadCapturedEvent>>();
expectTrue<Equal<WebhookEventMap['training.failed'], TrainingFailedEvent>>();
expectTrue<Equal<WebhookEventMap[WebhookEventType], WebhookEvent>>();
expectTrue<Equal<WebhookEventDataMap['message.sent'], MessageSentData>>();
expectTrue<Equal<(typeof WEBHOOK_EVENT_TYPES)[number], WebhookEventType>>();

// The validation functions' results narrow.
export function results(input: unknown, body: Uint8Array): void {
  const result = validateWebhookEvent(input, { strict: true });
  if (result.valid) {
    expectTrue<Equal<typeof result.event, WebhookEvent>>();
  } else {
    expectTrue<Equal<typeof result.errors, ValidationIssue[]>>();
    const first: ValidationIssue | undefined = result.errors[0];
    if (first) expectTrue<Equal<typeof first.path | typeof first.message | typeof first.keyword, string>>();
  }
  const parsed = parseWebhookEvent(body);
  if (parsed.valid && parsed.event.event === 'message.sent')
    expectTrue<Equal<typeof parsed.event.data, MessageSentData>>();
  if (isWebhookEvent(input)) expectTrue<Equal<typeof input, WebhookEvent>>();
  assertWebhookEvent(input);
  expectTrue<Equal<typeof input, WebhookEvent>>();
}

// @ts-expect-error WEBHOOK_EVENT_TYPES is readonly
WEBHOOK_EVENT_TYPES.push('x');
// @ts-expect-error an unknown event name is not a WebhookEventType
export const unknownName: WebhookEventType = 'lead.deleted';

// The typed receiver gives each handler its event's type, without a cast.
import { createWebhookReceiver, type MessageSentEvent } from '../../src/index.js';
createWebhookReceiver()
  .on('lead.captured', (event) => {
    expectTrue<Equal<typeof event, LeadCapturedEvent>>();
    return event.data.email;
  })
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a type test: the parameter is read for its type only
  .on('message.sent', (event) => {
    expectTrue<Equal<typeof event, MessageSentEvent>>();
    expectTrue<Equal<typeof event.data.role, 'user' | 'assistant'>>();
  })
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a type test: the parameter is read for its type only
  .on('training.failed', async (event) => {
    expectTrue<Equal<typeof event.data, TrainingFailedData>>();
  });
// @ts-expect-error a handler only exists for the nine events
createWebhookReceiver().on('lead.deleted', () => undefined);
