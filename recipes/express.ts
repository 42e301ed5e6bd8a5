// Express 4 or 5, no body parser in front of the webhook route: the receiver reads the raw body.
import express from 'express';
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on(['conversation.started', 'conversation.ended'], (event) => console.log(event.event, event.data.conversationId));

const app = express();
app.post('/webhooks', receiver.nodeHandler());
app.listen(Number(process.env.PORT ?? 3000));
