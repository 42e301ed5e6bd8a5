import express from 'express';
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on('message.sent', (event) => console.log('message from', event.data.role, event.data.messageId));

const app = express();
// The webhook route comes before the app-wide JSON parser, so no parser touches its body: the
// receiver reads the raw bytes itself and answers exactly as under node:http (express.raw on the
// route would also work, but its 100 kB default limit answers 413 to bodies the receiver accepts).
app.post('/webhooks', receiver.nodeHandler());
app.use(express.json());
app.post('/api/echo', (req, res) => {
  res.json({ received: req.body }); // every other route gets parsed JSON as usual
});
app.listen(Number(process.env.PORT ?? 3000));
