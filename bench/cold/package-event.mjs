// Cold start of one per-event entry point: import it and validate one event.
import { validate } from '@chatspark/webhooks/validators/lead.captured';

const body =
  '{"event":"lead.captured","timestamp":"2026-02-24T12:00:00.000Z","data":{"leadId":"lead_123","agentId":"agent_456","name":"Jane Doe","email":"jane@example.com","phone":"+1234567890","companyName":"Acme Inc","message":"I\'m interested in your product","createdAt":"2026-02-24T12:00:00.000Z"}}';
if (!validate(JSON.parse(body)).valid) process.exit(1);
