/**
 * The same contract described with zod 4, the popular schema library, written as its users write
 * it: loose objects (unknown properties pass, as in the package's default mode), a discriminated
 * union on `event`, and the package's own date-time and email rules through `refine` so that the
 * verdicts are the same (zod's built-in `iso.datetime` and `email` draw the lines elsewhere).
 */
import { z } from 'zod';
import { isDateTime, isEmail } from '../../src/formats.js';

const dateTime = z.string().refine(isDateTime, 'Expected an RFC 3339 date-time');
const id = z
  .string()
  .max(255)
  .regex(/^[!-~]+$/);
const nullableText = z.string().nullable().optional();
const actionType = z.string().min(1).max(255);
const trainingId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const envelope = <E extends string, D extends z.ZodType>(event: E, data: D) =>
  z.looseObject({ event: z.literal(event), timestamp: dateTime, data });

export const webhookEventSchema = z.discriminatedUnion('event', [
  envelope(
    'lead.captured',
    z.looseObject({
      leadId: id,
      agentId: id,
      name: nullableText,
      email: z.string().refine(isEmail, 'Expected an email address').nullable().optional(),
      phone: nullableText,
      companyName: nullableText,
      message: nullableText,
      createdAt: dateTime,
    }),
  ),
  envelope('conversation.started', z.looseObject({ conversationId: id, agentId: id, createdAt: dateTime })),
  envelope('conversation.ended', z.looseObject({ conversationId: id, agentId: id, endedAt: dateTime })),
  envelope(
    'message.sent',
    z.looseObject({
      messageId: id,
      conversationId: id,
      agentId: id,
      role: z.enum(['user', 'assistant']),
      content: z.string(),
      createdAt: dateTime,
    }),
  ),
  envelope(
    'agent.updated',
    z.looseObject({
      agentId: id,
      updatedAt: dateTime,
      changes: z
        .array(z.string().min(1))
        .refine((items) => new Set(items).size === items.length, 'Expected unique items'),
    }),
  ),
  envelope(
    'ai-action.completed',
    z.looseObject({
      actionId: id,
      actionType,
      agentId: id,
      conversationId: id,
      result: z.looseObject({}),
      completedAt: dateTime,
    }),
  ),
  envelope(
    'ai-action.failed',
    z.looseObject({ actionId: id, actionType, agentId: id, error: z.string(), failedAt: dateTime }),
  ),
  envelope(
    'training.completed',
    z.looseObject({
      trainingId,
      agentId: id,
      source: z.string().min(1),
      status: z.literal('completed'),
      dataCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      completedAt: dateTime,
    }),
  ),
  envelope(
    'training.failed',
    z.looseObject({ trainingId, agentId: id, source: z.string().min(1), error: z.string(), failedAt: dateTime }),
  ),
]);

/** Validates with zod's `safeParse`, the call a zod user makes. */
export function checkWithZod(input: unknown): { valid: boolean } {
  return { valid: webhookEventSchema.safeParse(input).success };
}
