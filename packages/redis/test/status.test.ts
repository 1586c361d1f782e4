import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createRedisRateLimiter, keyPrefix, type RedisRateLimitEvent } from '@mixtask/redis';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';

const describeRedis = redisServerAvailable() ? describe : describe.skip;

describeRedis('RedisRateLimiter.status(), for health checks', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());

  it('says where the limiter stands without taking a slot, through an outage and back', async () => {
    const events: RedisRateLimitEvent[] = [];
    const limiter = createRedisRateLimiter({
      redis: server.url,
      requestsPerSecond: 2,
      key: 'status',
      onEvent: (e) => events.push(e),
      probeIntervalMs: 50,
      redisTimeoutMs: 5000, // a loaded machine must not make the first call 'slow'
    });
    const admin = new Redis(server.url);
    try {
      expect(await limiter.status()).toEqual({ mode: 'redis' });
      expect(await admin.zcard(`${keyPrefix}status`)).toBe(0); // the probe asked for no slot
      admin.disconnect();
      await server.kill();
      const down = await limiter.status();
      expect(down).toEqual({
        mode: 'fallback',
        reason: 'unreachable',
        requestsPerSecond: 1,
        since: expect.any(Number),
      });
      expect(JSON.stringify(down)).not.toContain(String(server.port));
      expect(events.map((e) => e.type)).toEqual(['rate-limit-fallback']);
      await server.restart();
      let status = await limiter.status();
      for (let tries = 0; status.mode !== 'redis' && tries < 60; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = await limiter.status();
      }
      expect(status).toEqual({ mode: 'redis' });
      expect(events.map((e) => e.type)).toEqual(['rate-limit-fallback', 'rate-limit-recovered']);
    } finally {
      admin.disconnect();
      await limiter.close();
    }
    expect(await limiter.status()).toEqual({ mode: 'closed' });
  });
});
