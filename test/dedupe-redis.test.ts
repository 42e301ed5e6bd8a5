// The shared dedupe store, proven for real: a real redis-server (Debian's package, started here on
// a free port; a missing binary fails the test), two receiver processes behind it using the Redis
// store of recipes/stores/redis.ts with node-redis, and signed deliveries sent to both. Retried
// and concurrent duplicates across the two instances complete each event's handlers exactly once;
// a key in progress on the other instance is answered 409 with Retry-After, never 2xx; a failed
// attempt frees its key so the retry runs, on whichever instance it lands.
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../src/index.js';
import { ROOT, readJson } from './helpers.js';
import { bundleSupportScript } from './support/receiver-child.js';
import { freePort, startServer, type RunningServer } from './support/recipe-runner.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const lead = readJson<any>('examples/lead.captured.json');
const servers: RunningServer[] = [];
const connectRedis = (url: string) => createClient({ url }).connect();
let redis: Awaited<ReturnType<typeof connectRedis>>;
let urls: [string, string];

beforeAll(async () => {
  const redisPort = await freePort();
  servers.push(
    await startServer(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        cwd: ROOT,
        port: redisPort,
      },
    ),
  );
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  redis = await connectRedis(redisUrl);
  const script = await bundleSupportScript('dedupe-instance');
  const instances = await Promise.all(
    ['a', 'b'].map(async (name) => {
      const port = await freePort();
      const server = await startServer(process.execPath, [script, redisUrl, SECRET, name], { cwd: ROOT, port });
      servers.push(server);
      return `http://127.0.0.1:${port}/`;
    }),
  );
  urls = instances as [string, string];
}, 60_000);

afterAll(async () => {
  await redis?.quit().catch(() => undefined);
  for (const server of servers.reverse()) await server.stop();
});

/** A lead.captured body of its own, and a signed poster of it to either instance. */
async function delivery(leadId: string, message: string, id: string) {
  const body = JSON.stringify({ ...lead, data: { ...lead.data, leadId, message } });
  return async (instance: 0 | 1) => {
    const headers = { 'content-type': 'application/json', ...(await signWebhook(body, { secret: SECRET, id })) };
    const response = await fetch(urls[instance], { method: 'POST', headers, body });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as any,
    };
  };
}
const count = async (key: string) => Number((await redis.get(key)) ?? 0);

describe('dedupe on a real Redis, two receiver processes', () => {
  it('a delivery retried on the other instance, and again on the first, runs once', async () => {
    const post = await delivery('lead_retried', 'hello', 'msg_retried');
    const answers = [await post(0), await post(1), await post(0), await post(1)];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.duplicate === true)).toEqual([false, true, true, true]);
    expect(await count('runs:lead_retried')).toBe(1);
    expect(await count('attempts:lead_retried')).toBe(1);
  });

  it('concurrent duplicates on both instances: one runs; the other instance answers 409 + Retry-After while it does', async () => {
    const post = await delivery('lead_concurrent', 'hold', 'msg_concurrent');
    const first = post(0);
    while ((await count('attempts:lead_concurrent')) === 0) await new Promise((r) => setTimeout(r, 10));
    // Instance a holds the key (its handler is waiting): b must not acknowledge what may still fail.
    const elsewhere = await Promise.all([post(1), post(1), post(1)]);
    expect(elsewhere.map((a) => [a.status, a.retryAfter, a.body.error])).toEqual(
      Array(3).fill([409, '1', 'in_progress']),
    );
    const sameInstance = post(0); // waits for the delivery in flight in its own process
    await redis.set('release:lead_concurrent', '1');
    expect([(await first).status, (await sameInstance).status]).toEqual([200, 200]);
    expect((await sameInstance).body.duplicate).toBe(true);
    // The sender retries the 409s, on either instance: duplicates now.
    for (const retry of await Promise.all([post(1), post(0), post(1)]))
      expect(retry.body).toMatchObject({ duplicate: true });
    expect(await count('runs:lead_concurrent')).toBe(1);
    expect(await count('attempts:lead_concurrent')).toBe(1);
  });

  it('a burst of 20 copies spread over both instances, retried until acknowledged: handlers complete once', async () => {
    const post = await delivery('lead_burst', 'hello', 'msg_burst');
    const settle = async (instance: 0 | 1) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const answer = await post(instance);
        if (answer.status !== 409) return answer.status;
        await new Promise((r) => setTimeout(r, 20));
      }
      return 409;
    };
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => settle((i % 2) as 0 | 1)));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(await count('runs:lead_burst')).toBe(1);
  });

  it('a failed attempt frees the key: the retry on the other instance runs, later ones are duplicates', async () => {
    const post = await delivery('lead_failing', 'fail-once', 'msg_failing');
    expect((await post(0)).status).toBe(500);
    const retry = await post(1);
    expect([retry.status, retry.body.duplicate]).toEqual([200, undefined]);
    expect((await post(0)).body.duplicate).toBe(true);
    expect(await count('attempts:lead_failing')).toBe(2);
    expect(await count('runs:lead_failing')).toBe(1);
    expect(await redis.lRange('instances:lead_failing', 0, -1)).toEqual(['a', 'b']);
  });
});
