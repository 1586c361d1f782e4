import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { createRedisRateLimiter, keyPrefix, type RedisRateLimitEvent } from '@mixtask/redis';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';

const describeRedis = redisServerAvailable() ? describe : describe.skip;

describeRedis('createRedisRateLimiter against a real redis-server', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await server.stop();
  });

  const slot = async (limiter: ReturnType<typeof createRedisRateLimiter>, timeoutMs: number) => {
    const wait = await limiter.acquire({ timeoutMs });
    return wait;
  };

  it('grants N at once, then makes the next caller wait for a release + 1 s (Redis TIME)', async () => {
    const limiter = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 3, key: 'basic' });
    // A generous deadline for the first three: the limiter connects and loads its script first, which on a loaded
    // CI machine took over 100 ms once (the slots themselves are free at once).
    const held = await Promise.all([slot(limiter, 2000), slot(limiter, 2000), slot(limiter, 2000)]);
    expect(held.every((w) => w.ok)).toBe(true);
    expect(await admin.zcard(`${keyPrefix}basic`)).toBe(3);
    // Every slot in flight: none can come free within 100 ms, so the caller gives up at once.
    expect(await slot(limiter, 100)).toEqual({ ok: false, reason: 'deadline' });
    const [first] = held;
    if (first?.ok) first.release();
    await until(async () => {
      const [, score] = await admin.zrange(`${keyPrefix}basic`, 0, 0, 'WITHSCORES');
      const [seconds, micros] = (await admin.time()) as [number, number];
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      return Number(score) > now && Number(score) <= now + 1000;
    });
    const next = await slot(limiter, 2000);
    expect(next.ok).toBe(true);
    await limiter.close();
  });

  it('serves the waiters of a process in FIFO order and honours their signals', async () => {
    const limiter = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 1, key: 'fifo' });
    const first = await slot(limiter, 100);
    const order: string[] = [];
    const aborter = new AbortController();
    const a = limiter.acquire({ timeoutMs: 5000 }).then((w) => (order.push('a'), w));
    const b = limiter.acquire({ timeoutMs: 5000, signal: aborter.signal }).then((w) => (order.push('b'), w));
    const c = limiter.acquire({ timeoutMs: 5000 }).then((w) => (order.push('c'), w));
    aborter.abort();
    expect(await b).toEqual({ ok: false, reason: 'aborted' });
    if (first.ok) first.release();
    const gotA = await a;
    expect(gotA.ok).toBe(true);
    if (gotA.ok) gotA.release();
    expect((await c).ok).toBe(true);
    expect(order).toEqual(['b', 'a', 'c']);
    await limiter.close();
  });

  it('costs one Redis call per acquire when a slot is free', async () => {
    const limiter = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 50, key: 'calls' });
    expect((await slot(limiter, 100)).ok).toBe(true); // connects, and loads the script if it is not cached
    await admin.config('RESETSTAT');
    for (let i = 0; i < 10; i++) expect((await slot(limiter, 100)).ok).toBe(true);
    const stats = await admin.info('commandstats');
    const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    expect(calls('evalsha')).toBe(10);
    expect(calls('eval')).toBe(0);
    await limiter.close();
  });

  it('keeps two keys apart', async () => {
    const a = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 2, key: 'account-a' });
    const b = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 2, key: 'account-b' });
    expect((await slot(a, 50)).ok && (await slot(a, 50)).ok).toBe(true);
    expect(await slot(a, 50)).toEqual({ ok: false, reason: 'deadline' });
    expect((await slot(b, 50)).ok && (await slot(b, 50)).ok).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('leaves a client the app passed in open, and quits the one it created', async () => {
    const appClient = new Redis(server.url, { enableOfflineQueue: false });
    const borrowed = createRedisRateLimiter({ redis: appClient, requestsPerSecond: 5, key: 'owned' });
    expect((await slot(borrowed, 100)).ok).toBe(true);
    await borrowed.close();
    expect(await appClient.ping()).toBe('PONG');
    appClient.disconnect();
    const before = await admin.client('LIST');
    const own = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 5, key: 'owned' });
    expect((await slot(own, 100)).ok).toBe(true);
    await own.close();
    await until(
      async () =>
        (await admin.client('LIST')) === before || countLines(await admin.client('LIST')) <= countLines(before),
    );
    // After close the limiter refuses (issue 23): a closed limiter paces nothing, so it must not grant.
    expect(await slot(own, 100)).toEqual({ ok: false, reason: 'closed' });
  });

  it('falls back when Redis dies, keeps granting, and comes back on its own', async () => {
    const own = await startRedisServer();
    const events: RedisRateLimitEvent[] = [];
    const limiter = createRedisRateLimiter({
      redis: own.url,
      requestsPerSecond: 10,
      key: 'outage',
      fallback: { replicas: 2 },
      probeIntervalMs: 50,
      onEvent: (event) => events.push(event),
    });
    expect((await slot(limiter, 100)).ok).toBe(true);
    await own.kill();
    // The fallback starts with every slot taken (no burst): its first comes free a second after the switch.
    const local = await slot(limiter, 2500);
    expect(local.ok).toBe(true);
    expect(local.ok && local.waitedMs).toBeGreaterThanOrEqual(990);
    expect(events[0]).toMatchObject({
      type: 'rate-limit-fallback',
      key: 'outage',
      reason: 'unreachable',
      requestsPerSecond: 5,
    });
    await own.restart();
    await until(() => Promise.resolve(events.some((e) => e.type === 'rate-limit-recovered')));
    expect((await slot(limiter, 1000)).ok).toBe(true);
    await limiter.close();
    await own.stop();
  });

  it('back from the fallback: writes the local slots that still count into Redis before taking any from it', async () => {
    const own = await startRedisServer();
    const ownAdmin = new Redis(own.url);
    const events: RedisRateLimitEvent[] = [];
    const key = 'handover';
    const limiter = createRedisRateLimiter({
      redis: own.url,
      requestsPerSecond: 4,
      key,
      fallback: { replicas: 2 },
      probeIntervalMs: 50,
      onEvent: (event) => events.push(event),
    });
    const fromRedis = await slot(limiter, 3000);
    expect(fromRedis.ok).toBe(true);
    await own.kill();
    // Answered while Redis is away: it holds one of the fallback's two slots until a second after now.
    if (fromRedis.ok) fromRedis.release();
    // Two local slots: one answered at once, one still in flight when Redis comes back.
    const [answered, inFlight] = await Promise.all([slot(limiter, 5000), slot(limiter, 5000)]);
    expect(answered?.ok && inFlight?.ok).toBe(true);
    if (answered?.ok) answered.release();
    await own.restart();
    await until(() => Promise.resolve(events.some((e) => e.type === 'rate-limit-recovered')));
    // Redis restarted empty: what it holds now is what the limiter wrote in — both local slots, the in-flight one
    // for its lease, the answered one until a second after its answer.
    const scores = (await ownAdmin.zrange(`${keyPrefix}${key}`, 0, -1, 'WITHSCORES')).map(Number);
    const [seconds, micros] = (await ownAdmin.time()) as [number, number];
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const ends = scores.filter((_, i) => i % 2 === 1).sort((a, b) => a - b);
    expect(ends).toHaveLength(2);
    expect(ends[0]).toBeLessThanOrEqual(now + 1000);
    expect(ends[1]).toBeGreaterThan(now + 5000);
    // Its release, once answered, reaches Redis: the slot comes free a second later, not at the lease's end.
    if (inFlight?.ok) inFlight.release();
    await until(async () => {
      const latest = (await ownAdmin.zrange(`${keyPrefix}${key}`, 0, -1, 'WITHSCORES')).map(Number);
      return latest.filter((_, i) => i % 2 === 1).every((end) => end <= Date.now() + 1500);
    });
    await limiter.close();
    ownAdmin.disconnect();
    await own.stop();
  });

  it('sends a release that failed again once Redis answers: a dropped connection does not stall the fleet for a lease', async () => {
    const events: RedisRateLimitEvent[] = [];
    const key = 'dropped-release';
    const limiter = createRedisRateLimiter({
      redis: server.url,
      requestsPerSecond: 2,
      key,
      leaseMs: 10_000,
      onEvent: (event) => events.push(event),
    });
    const held = await Promise.all([slot(limiter, 1000), slot(limiter, 1000)]);
    // The connection drops (a failover, a proxy reset) while both stops are in flight; Redis keeps its data.
    const connections = async () => ((await admin.client('LIST')) as string).trim().split('\n').length;
    const before = await connections();
    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    for (const wait of held) if (wait.ok) wait.release();
    // Every client killed is back (not just any one: a client another test left could be back first, and an acquire
    // while the limiter's own is still between attempts would rightly fall back).
    await until(async () => (await connections()) >= before);
    // Both slots are still leased for 10 s in Redis. The releases sent again make them free 1 s after they land.
    const next = await slot(limiter, 3000);
    expect(next.ok).toBe(true);
    expect(events.filter((e) => e.type === 'rate-limit-fallback')).toEqual([]); // granted by Redis, not locally
    const scores = await admin.zrange(`${keyPrefix}${key}`, 0, -1, 'WITHSCORES');
    expect(scores.length / 2).toBeLessThanOrEqual(2);
    await limiter.close();
  });

  it('falls back within the bound when Redis answers slowly', async () => {
    const events: RedisRateLimitEvent[] = [];
    const limiter = createRedisRateLimiter({
      redis: server.url,
      requestsPerSecond: 10,
      key: 'slow',
      redisTimeoutMs: 100,
      probeIntervalMs: 50,
      onEvent: (event) => events.push(event),
    });
    expect((await slot(limiter, 100)).ok).toBe(true); // connected, script loaded
    const sleeper = new Redis(server.url);
    const sleeping = sleeper.call('DEBUG', 'SLEEP', '1.5');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Redis is blocked for 1.5 s. Waiting on it is bounded by redisTimeoutMs; the fallback then grants its first
    // slot one second after the switch (no burst), well before Redis answers.
    const local = await slot(limiter, 1400);
    expect(local.ok).toBe(true);
    expect(events[0]).toMatchObject({ type: 'rate-limit-fallback', reason: 'slow' });
    await sleeping;
    sleeper.disconnect();
    await until(() => Promise.resolve(events.some((e) => e.type === 'rate-limit-recovered')));
    await limiter.close();
  });

  it('a wrong password: falls back, and the password shows in no event, error or inspect output', async () => {
    const secured = await startRedisServer({ password: 'right-PASSWORD-1' });
    const wrongUrl = `redis://:WRONG-SECRET-pw@127.0.0.1:${secured.port}`;
    const events: RedisRateLimitEvent[] = [];
    const limiter = createRedisRateLimiter({
      redis: wrongUrl,
      requestsPerSecond: 10,
      key: 'auth',
      // Long enough for a connection and its AUTH on a loaded machine: the refusal, not the bound, must decide.
      redisTimeoutMs: 2000,
      onEvent: (event) => events.push(event),
    });
    expect((await slot(limiter, 5000)).ok).toBe(true);
    expect(events[0]).toMatchObject({ type: 'rate-limit-fallback', reason: 'refused' });
    expect(['WRONGPASS', 'NOAUTH']).toContain((events[0] as { code?: string }).code);
    const shown = [JSON.stringify(events), inspect(events, { depth: 10 }), inspect(limiter, { depth: 10 })].join('\n');
    expect(shown).not.toContain('WRONG-SECRET-pw');
    const invalid = (() => {
      try {
        createRedisRateLimiter({ redis: 'http://:WRONG-SECRET-pw@x', requestsPerSecond: 1, key: 'k' });
      } catch (error) {
        return error as Error;
      }
    })();
    expect(invalid?.message).toContain('redis');
    expect(`${invalid?.message} ${inspect(invalid)}`).not.toContain('WRONG-SECRET-pw');
    await limiter.close();

    const right = createRedisRateLimiter({
      redis: secured.url,
      requestsPerSecond: 10,
      key: 'auth',
      onEvent: (e) => events.push(e),
    });
    const before = events.length;
    expect((await slot(right, 1000)).ok).toBe(true);
    expect(events.length).toBe(before);
    await right.close();
    await secured.stop();
  });
});

function countLines(text: unknown): number {
  return String(text).trim().split('\n').length;
}

/** Polls a condition (a state Redis or the limiter reaches), failing the test after 5 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached within 5 s');
}
