// Cold start of the package: import it (by its name, as a receiver does) and validate one event.
import { validateWebhookEvent } from '@chatspark/webhooks';

const body =
  '{"event":"lead.captured","timestamp":"2026-02-24T12:00:00.000Z","data":{"leadId":"lead_123","agentId":"agent_456","name":"Jane Doe","email":"jane@example.com","phone":"+1234567890","companyName":"Acme Inc","message":"I\'m interested in your product","createdAt":"2026-02-24T12:00:00.000Z"}}';
if (!validateWebhookEvent(JSON.parse(body)).valid) process.exit(1);
