// Cold start of run-time Ajv: compile the nine schemas, then validate one event.
import { createAjvRuntime } from '../contenders/ajv-runtime.mjs';

const body =
  '{"event":"lead.captured","timestamp":"2026-02-24T12:00:00.000Z","data":{"leadId":"lead_123","agentId":"agent_456","name":"Jane Doe","email":"jane@example.com","phone":"+1234567890","companyName":"Acme Inc","message":"I\'m interested in your product","createdAt":"2026-02-24T12:00:00.000Z"}}';
if (!createAjvRuntime()(JSON.parse(body)).valid) process.exit(1);
