import { Redis } from 'ioredis';

/** A `redis://`/`rediss://` URL (this package creates and quits its clients) or an ioredis client the app owns. */
export type RedisOption = string | Redis;

export function redisProblem(redis: unknown): string | undefined {
  if (typeof redis === 'string') {
    return /^rediss?:\/\//.test(redis) && URL.canParse(redis) ? undefined : 'expected a redis:// or rediss:// URL';
  }
  const looksLikeClient =
    typeof redis === 'object' && redis !== null && typeof (redis as Partial<Redis>).duplicate === 'function';
  return looksLikeClient ? undefined : 'expected a redis:// or rediss:// URL, or an ioredis client';
}

const reconnect = (times: number) => Math.min(2000, 50 * 2 ** Math.min(times, 6)) + Math.floor(Math.random() * 100);

/**
 * The client for enqueueing: a command while Redis is away fails after one reconnection attempt instead of
 * waiting in ioredis's queue forever, so `stop()` answers a Left promptly and the app can decide what to do.
 */
export function queueClient(redis: RedisOption): { readonly client: Redis; readonly owned: boolean } {
  if (typeof redis !== 'string') return { client: redis, owned: false };
  const client = new Redis(redis, { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: reconnect });
  // Failures come back as Lefts of the calls; without a listener ioredis prints each one (with the host).
  client.on('error', () => undefined);
  return { client, owned: true };
}

/**
 * The worker's client: BullMQ's blocking reads need `maxRetriesPerRequest: null`, and a worker must ride out a
 * Redis restart, so it reconnects forever. An app's client is duplicated (same host, auth and TLS) rather than
 * changed; the duplicate is the worker's own and `close()` quits it.
 */
export function workerClient(redis: RedisOption): Redis {
  const client =
    typeof redis === 'string'
      ? new Redis(redis, { maxRetriesPerRequest: null, retryStrategy: reconnect })
      : redis.duplicate({ maxRetriesPerRequest: null, retryStrategy: reconnect });
  client.on('error', () => undefined);
  return client;
}

/** QUIT when connected (pending replies arrive first), else drop the socket and the reconnect timer at once. */
export async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    const timer = new Promise((resolve) => setTimeout(resolve, 1000).unref());
    await Promise.race([client.quit().catch(() => undefined), timer]);
  }
  client.disconnect();
}
