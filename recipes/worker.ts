// A Cloudflare Worker (the receiver answers at every path of the Worker).
import { createWebhookReceiver, redactWebhookEvent } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  // result may hold what the integration returned about the lead: logged redacted
  .on('ai-action.completed', (event) => console.log('action done', redactWebhookEvent(event)));
const webhookHandler = receiver.fetchHandler();

export default {
  // A Worker's fetch gets (request, env, ctx); the handler's context is ctx, whose waitUntil
  // fetchHandler({ waitUntil: true }) uses (as `fetch` itself, the handler would be given env).
  fetch: (request, _env, ctx) => webhookHandler(request, ctx),
} satisfies ExportedHandler;
