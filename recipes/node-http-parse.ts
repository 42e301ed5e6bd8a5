import { createServer } from 'node:http';
import { parseWebhookEvent } from '@chatspark/webhooks';

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  const result = parseWebhookEvent(Buffer.concat(chunks));

  if (!result.valid) {
    // Each issue: { path: '/data/email', keyword: 'format', message: 'Expected an email address …', expected, received }
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: result.errors }));
    return;
  }

  const { event } = result;
  switch (event.event) {
    case 'lead.captured':
      console.log('new lead', event.data.leadId, typeof event.data.email); // email: string | null | undefined (not logged: personal data)
      break;
    case 'message.sent':
      console.log('message from', event.data.role); // role: 'user' | 'assistant'
      break;
    case 'training.completed':
      console.log(`trained on ${event.data.dataCount} items`); // dataCount: number
      break;
    default:
      break; // the other six events
  }
  res.writeHead(204).end();
}).listen(Number(process.env.PORT ?? 3000));
