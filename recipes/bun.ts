// Bun: bun run bun.ts (the receiver answers at every path).
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on('message.sent', (event) => console.log('message from', event.data.role, event.data.messageId));
const webhookHandler = receiver.fetchHandler();

const server = Bun.serve({ port: Number(process.env.PORT ?? 3000), fetch: (request) => webhookHandler(request) });
console.log(`Listening on ${server.url}`);
