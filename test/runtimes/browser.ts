// The page script of the Chromium run: the package's validateWebhookEvent and its nine per-event
// entry points, bundled by esbuild for the browser, run on the cases the test put in the page
// (a JSON data block, not a script) and report their verdicts into the page.
import { validateWebhookEvent, type ValidationResult } from '@chatspark/webhooks';
import * as agentUpdated from '@chatspark/webhooks/validators/agent.updated';
import * as aiActionCompleted from '@chatspark/webhooks/validators/ai-action.completed';
import * as aiActionFailed from '@chatspark/webhooks/validators/ai-action.failed';
import * as conversationEnded from '@chatspark/webhooks/validators/conversation.ended';
import * as conversationStarted from '@chatspark/webhooks/validators/conversation.started';
import * as leadCaptured from '@chatspark/webhooks/validators/lead.captured';
import * as messageSent from '@chatspark/webhooks/validators/message.sent';
import * as trainingCompleted from '@chatspark/webhooks/validators/training.completed';
import * as trainingFailed from '@chatspark/webhooks/validators/training.failed';

/** One case as the test writes it into the page. */
export interface BrowserCase {
  name: string;
  /** `validateWebhookEvent`, or an event name for that event's entry point. */
  validator: string;
  payload: unknown;
  strict?: boolean;
}

/** One verdict as the page reports it. */
export interface BrowserResult {
  name: string;
  valid: boolean;
  errors: unknown[];
}

type Validate = (input: unknown, options?: { strict?: boolean }) => ValidationResult;

const VALIDATORS: Record<string, Validate> = { validateWebhookEvent };
for (const entry of [
  leadCaptured,
  conversationStarted,
  conversationEnded,
  messageSent,
  agentUpdated,
  aiActionCompleted,
  aiActionFailed,
  trainingCompleted,
  trainingFailed,
]) {
  VALIDATORS[entry.event] = entry.validate as Validate;
}

const out = document.getElementById('results')!;
try {
  const cases = JSON.parse(document.getElementById('cases')!.textContent ?? '[]') as BrowserCase[];
  const results: BrowserResult[] = cases.map(({ name, validator, payload, strict }) => {
    const validate = VALIDATORS[validator];
    if (validate === undefined) throw new Error(`no validator named ${validator}`);
    const result = validate(payload, { strict: strict === true });
    return { name, valid: result.valid, errors: result.valid ? [] : result.errors };
  });
  out.textContent = JSON.stringify(results);
  document.documentElement.dataset.status = 'done';
} catch (error) {
  out.textContent = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
  document.documentElement.dataset.status = 'error';
}
