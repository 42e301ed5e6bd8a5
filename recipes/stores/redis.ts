// A dedupe store on Redis, for createWebhookReceiver({ dedupe: { store } }). The in-memory default
// is per process: it does nothing across instances (several servers, serverless functions), where a
// retry may land on another instance. This store is shared by all of them. The Redis client is
// yours (here node-redis, `npm install redis`); @chatspark/webhooks depends on none.
//
//   const client = await createClient({ url: process.env.REDIS_URL }).connect();
//   const receiver = createWebhookReceiver({
//     verify: { secret: process.env.WEBHOOK_SECRET! },
//     dedupe: { store: redisDedupeStore(client) },
//   });
//
// The four operations map to one Redis command each: add → SET NX EX (atomic: only one instance
// reserves a key), set → SET EX, get → GET, delete → DEL. Keys expire on their own, so a crashed
// instance's reservation frees itself after `reservationSeconds`.
import type { DedupeStore } from '@chatspark/webhooks';

/** The part of a node-redis client (v5 and later) the store uses. */
export interface RedisCommands {
  set(
    key: string,
    value: string,
    options: { condition?: 'NX'; expiration: { type: 'EX'; value: number } },
  ): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export function redisDedupeStore(client: RedisCommands, prefix = 'chatspark-webhooks:dedupe:'): DedupeStore {
  const ex = (seconds: number) => ({ type: 'EX', value: seconds }) as const;
  return {
    add: async (key, value, ttlSeconds) =>
      (await client.set(prefix + key, value, { condition: 'NX', expiration: ex(ttlSeconds) })) === 'OK',
    set: (key, value, ttlSeconds) => client.set(prefix + key, value, { expiration: ex(ttlSeconds) }),
    get: async (key) => {
      const value = await client.get(prefix + key);
      return typeof value === 'string' ? value : null;
    },
    delete: (key) => client.del(prefix + key),
  };
}
