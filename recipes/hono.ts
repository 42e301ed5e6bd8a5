// Hono: `export default app` serves it on Bun, Deno and Cloudflare Workers (on Node.js, pass
// `app.fetch` to @hono/node-server's `serve`).
import { Hono } from 'hono';
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on('agent.updated', (event) => console.log('agent', event.data.agentId, 'changed', event.data.changes.join(', ')));
const webhookHandler = receiver.fetchHandler();

const app = new Hono();
app.post('/webhooks', (c) => webhookHandler(c.req.raw));

export default app;
