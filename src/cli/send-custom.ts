/**
 * The custom bodies of `send`: `--data` (a body posted exactly as given) and `--set`/`--unset`
 * (the example of one event, and generated payloads, edited by path), each judged by the contract
 * before anything is sent.
 */
import { readFile } from 'node:fs/promises';
import type { WebhookEventType } from '../../generated/types.js';
import { eventNameOf, parsedBody } from '../body.js';
import { formatIssue } from '../errors.js';
import { parseWebhookEvent } from '../validate.js';
import { UsageError, type CommandIO } from './args.js';
import { loadExamples } from './assets.js';
import { applyEdits, checkEdits, type Edit } from './body-edit.js';
import { createPayloadGenerator } from './payloads.js';

/** What --data, --set and --unset need of the plan. */
export interface CustomPlan {
  events: WebhookEventType[];
  count: number;
  seed: number;
  strict: boolean;
  data: string | undefined;
  edits: Edit[];
  allowUnknown: boolean;
  allowInvalid: boolean;
}

/** A custom body and what it is owed: 2xx when valid, 4xx when sent invalid with --allow-invalid. */
export interface CustomDelivery {
  label: string;
  event: string | null;
  body: string | Uint8Array;
  expect: '2xx' | '4xx';
}

/** The bytes of a file, or of standard input for `-`. */
export async function readInput(source: string, io: CommandIO): Promise<Uint8Array> {
  if (source !== '-') {
    try {
      return await readFile(source);
    } catch (error) {
      throw new UsageError(`cannot read ${source}: ${(error as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

export async function customDeliveries(plan: CustomPlan, io: CommandIO): Promise<CustomDelivery[]> {
  if (plan.data !== undefined) return [judge('--data', await readInput(plan.data, io), plan)];
  const event = plan.events[0]!;
  checkEdits(event, plan.edits, plan.allowUnknown);
  const example = loadExamples().find((e) => e.payload.event === event)!;
  const bodies = [{ label: `${event} example (${example.name}), edited`, payload: example.payload as unknown }];
  const generator = createPayloadGenerator(plan);
  for (let i = 0; i < plan.count; i++)
    bodies.push({ label: `${event} generated #${i + 1}, edited`, payload: generator.next(event) });
  return bodies.map(({ label, payload }) => judge(label, JSON.stringify(applyEdits(payload, plan.edits)), plan));
}

/** A body judged by the contract: an invalid one is refused (exit 2) unless --allow-invalid. */
function judge(label: string, body: string | Uint8Array, plan: CustomPlan): CustomDelivery {
  const verdict = parseWebhookEvent(body, { strict: plan.strict });
  if (verdict.valid) return { label, event: verdict.event.event, body, expect: '2xx' };
  if (!plan.allowInvalid) {
    const issues = verdict.errors.map((e) => `  ${formatIssue(e)}`).join('\n');
    throw new UsageError(
      `${label}: the body is invalid under the contract (${plan.strict ? 'strict' : 'default'} mode), so nothing was sent:\n${issues}\nPass --allow-invalid to send it anyway (expecting a 4xx answer).`,
    );
  }
  const event = eventNameOf(parsedBody(body));
  return { label: `${label} (invalid, sent with --allow-invalid)`, event, body, expect: '4xx' };
}
