import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { keyPrefix } from '@mixtask/redis';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createMixTaskProvider, mixTaskConfigFromEnv, parseMixTaskConfig } from 'mixtask';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';

const password = 'SUPERSECRET-redis-pw';

describe('redisUrl and rateLimitKey in a config', () => {
  const base = { provider: 'tencent', credentials: { secretId: 'a', secretKey: 'b' } } as const;

  it('are read from MIXTASK_REDIS_URL and MIXTASK_RATE_LIMIT_KEY', () => {
    const config = mixTaskConfigFromEnv({
      MIXTASK_PROVIDER: 'tencent',
      TENCENTCLOUD_SECRET_ID: 'a',
      TENCENTCLOUD_SECRET_KEY: 'b',
      MIXTASK_REDIS_URL: `redis://:${password}@127.0.0.1:6390`,
      MIXTASK_RATE_LIMIT_KEY: 'account-123',
    });
    expect(E.isRight(config) && config.right).toMatchObject({ rateLimitKey: 'account-123' });
  });

  it.each([
    [{ redisUrl: `http://:${password}@127.0.0.1` }, 'redisUrl'],
    [{ redisUrl: `not a url ${password}` }, 'redisUrl'],
    [{ redisUrl: `redis://:${password}@127.0.0.1`, rateLimit: false }, 'redisUrl'],
    [{ redisUrl: 'redis://127.0.0.1', rateLimitKey: 'has spaces' }, 'rateLimitKey'],
    [{ rateLimitKey: 'account-1' }, 'rateLimitKey'],
  ])('refuses %o naming the field, never the URL', (extra, field) => {
    const result = parseMixTaskConfig({ ...base, ...extra });
    expect(E.isLeft(result) && result.left.message).toContain(field);
    expect(inspect(result, { depth: Infinity, showHidden: true })).not.toContain(password);
  });

  it('names the variable, never the URL, when MIXTASK_REDIS_URL is bad', () => {
    const result = mixTaskConfigFromEnv({
      ...{ MIXTASK_PROVIDER: 'tencent', TENCENTCLOUD_SECRET_ID: 'a' },
      TENCENTCLOUD_SECRET_KEY: 'b',
      MIXTASK_REDIS_URL: `https://u:${password}@x`,
    });
    expect(E.isLeft(result) && result.left.message).toContain('MIXTASK_REDIS_URL');
    expect(JSON.stringify(result)).not.toContain(password);
  });
});

const describeRedis = redisServerAvailable() ? describe : describe.skip;

describeRedis('createMixTaskProvider with redisUrl, against a real redis-server and the emulator', () => {
  let redis: RedisServer;
  let admin: Redis;
  let em: Emulator;
  beforeAll(async () => {
    redis = await startRedisServer({ password });
    admin = new Redis(redis.url);
    em = await startEmulator();
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
    await em.close();
  });

  it('paces stops through Redis under the key, and close() ends the limiter it made', async () => {
    const provider = createMixTaskProvider({
      provider: 'tencent',
      credentials: em.tencent.credentials,
      endpoint: em.url,
      redisUrl: redis.url,
      rateLimitKey: 'account-fleet-test',
    });
    for (const id of ['room_f1', 'room_f2', 'room_f3']) await em.tencent.createSession(id);
    const results = await Promise.all(['room_f1', 'room_f2', 'room_f3'].map((id) => provider.stopMix(id)()));
    expect(results.every(E.isRight)).toBe(true);
    expect(await admin.zcard(`${keyPrefix}account-fleet-test`)).toBe(3);
    await provider.close();
    const after = await provider.stopMix('room_f1')();
    expect(E.isLeft(after) && after.left._tag).toBe('ConfigurationError');
    expect(inspect(provider, { depth: Infinity, showHidden: true })).not.toContain(password);
  });
});
