// Bun: bun run bun.ts (the receiver answers at every path).
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId, event.data.email))
  .on('message.sent', (event) => console.log(event.data.role, event.data.content));
const webhookHandler = receiver.fetchHandler();

const server = Bun.serve({ port: Number(process.env.PORT ?? 3000), fetch: (request) => webhookHandler(request) });
console.log(`Listening on ${server.url}`);
