// A Cloudflare Worker (the receiver answers at every path of the Worker).
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on('ai-action.completed', (event) => console.log(event.data.actionType, 'done', event.data.result));
const webhookHandler = receiver.fetchHandler();

export default {
  // A Worker's fetch gets (request, env, ctx); the handler's context is ctx, whose waitUntil
  // fetchHandler({ waitUntil: true }) uses (as `fetch` itself, the handler would be given env).
  fetch: (request, _env, ctx) => webhookHandler(request, ctx),
} satisfies ExportedHandler;
