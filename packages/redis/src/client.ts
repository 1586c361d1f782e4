import { Redis } from 'ioredis';

/**
 * The client the limiter creates from a URL. Tuned so that an outage costs nothing: no offline queue (a command
 * while disconnected fails at once and the limiter falls back), no re-sent command after a drop (a re-sent acquire
 * could take a second slot), and reconnects backing off to one every 2 s — never a storm.
 */
export function createOwnClient(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)) + Math.floor(Math.random() * 100),
    reconnectOnError: () => false,
    autoResubscribe: false,
  });
  // Failures are reported through the limiter's events; without a listener ioredis prints each one.
  client.on('error', () => undefined);
  return client;
}

/**
 * Resolves once the client can take a command, for a client that is still connecting; at once otherwise (a client
 * that is down fails its command fast, which is what the limiter wants to learn).
 */
export function whenConnected(client: Redis): Promise<void> {
  // connect() itself rejects with a bare "Connection is closed."; the 'error' event says why (WRONGPASS…).
  if (client.status === 'wait') client.connect().catch(() => undefined);
  if (client.status !== 'connecting' && client.status !== 'connect' && client.status !== 'wait') {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const done = (error?: unknown) => {
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('end', onEnd);
      if (error === undefined) resolve();
      else reject(error as Error);
    };
    const onReady = () => done();
    const onError = (error: unknown) => done(error);
    const onEnd = () => done(new Error('Connection is closed.'));
    client.once('ready', onReady);
    client.once('error', onError);
    client.once('end', onEnd);
  });
}
