// One receiver instance for test/dedupe-redis.test.ts: verify + dedupe on the Redis store of
// recipes/stores/redis.ts, its handler counting in Redis (so the test sees both instances' runs).
// A lead whose message is "fail-once" fails its first attempt; a lead whose message is "hold"
// waits until the test sets `release:<leadId>`. Serves on 127.0.0.1:$PORT until killed.
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { redisDedupeStore } from '../../recipes/stores/redis.js';
import { createWebhookReceiver } from '../../src/index.js';

const [redisUrl, secret, name] = process.argv.slice(2) as [string, string, string];
const client = await createClient({ url: redisUrl }).connect();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const receiver = createWebhookReceiver({
  verify: { secret },
  dedupe: { store: redisDedupeStore(client), reservationSeconds: 30, retryAfterSeconds: 1 },
  onError: () => undefined,
}).on('lead.captured', async (event) => {
  const lead = event.data.leadId;
  await client.incr(`attempts:${lead}`);
  await client.rPush(`instances:${lead}`, name);
  if (event.data.message === 'hold') while ((await client.get(`release:${lead}`)) === null) await sleep(10);
  if (event.data.message === 'fail-once' && (await client.incr(`failed:${lead}`)) === 1)
    throw new Error('first attempt fails');
  await client.incr(`runs:${lead}`);
});

createServer(receiver.nodeHandler()).listen(Number(process.env.PORT), '127.0.0.1');
