import Fastify from 'fastify';
import { createWebhookReceiver } from '@chatspark/webhooks';

const receiver = createWebhookReceiver()
  .on('lead.captured', (event) => console.log('new lead', event.data.leadId)) // not the email: keep personal data out of logs
  .on('ai-action.failed', (event) => console.log(event.data.actionType, 'failed:', event.data.error));
const webhookHandler = receiver.nodeHandler();

const app = Fastify();
// The webhook route in a plugin of its own: the buffer parser applies inside it only, and every
// other route keeps Fastify's JSON parsing.
await app.register(async (webhooks) => {
  webhooks.removeAllContentTypeParsers();
  webhooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  webhooks.post('/webhooks', async (request, reply) => {
    reply.hijack(); // the receiver writes the answer
    await webhookHandler(Object.assign(request.raw, { body: request.body }), reply.raw);
  });
});
app.post('/api/echo', async (request) => ({ received: request.body }));
await app.listen({ port: Number(process.env.PORT ?? 3000) });
