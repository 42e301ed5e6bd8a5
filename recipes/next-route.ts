// A Next.js route handler (app router): save as app/webhooks/route.ts.
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on('training.completed', (event) => console.log(`trained on ${event.data.dataCount} items`));
const webhookHandler = receiver.fetchHandler();

export async function POST(request: Request): Promise<Response> {
  return webhookHandler(request);
}
