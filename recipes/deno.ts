// Deno: deno run --allow-net --allow-env=PORT deno.ts (the receiver answers at every path).
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on('conversation.ended', (event) => console.log('conversation', event.data.conversationId, 'ended'));
const webhookHandler = receiver.fetchHandler();

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 3000) }, (request) => webhookHandler(request));
