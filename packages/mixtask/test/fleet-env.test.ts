import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import type * as RedisPackage from '@mixtask/redis';
import type { RedisRateLimiterOptions } from '@mixtask/redis';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createMixTaskProvider, mixTaskConfigFromEnv, parseMixTaskConfig, type MixTaskConfig } from 'mixtask';
import { fleetRateLimiter } from '../src/fleet-limiter.js';

// Issue 23, item 10: the limiter that redisUrl / MIXTASK_REDIS_URL builds.
const keys = { TENCENTCLOUD_SECRET_ID: 'id', TENCENTCLOUD_SECRET_KEY: 'key' };

/** A port nothing listens on: a Redis that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A stand-in for @mixtask/redis that records what the umbrella asked of it. */
function recordingModule(seen: RedisRateLimiterOptions[]): typeof RedisPackage {
  return {
    createRedisRateLimiter: (options: RedisRateLimiterOptions) => {
      seen.push(options);
      return {
        acquire: () => Promise.resolve({ ok: true, waitedMs: 0, release: () => undefined }),
        close: () => Promise.resolve(),
      };
    },
  } as unknown as typeof RedisPackage;
}

describe('the replica count and the lease', () => {
  it('come from MIXTASK_RATE_LIMIT_REPLICAS and MIXTASK_RATE_LIMIT_LEASE_MS', () => {
    const config = mixTaskConfigFromEnv({
      MIXTASK_PROVIDER: 'tencent',
      ...keys,
      MIXTASK_REDIS_URL: 'redis://127.0.0.1:6390',
      MIXTASK_RATE_LIMIT_REPLICAS: '8',
      MIXTASK_RATE_LIMIT_LEASE_MS: '31000',
    });
    expect(E.isRight(config) && config.right).toMatchObject({ rateLimitReplicas: 8, rateLimitLeaseMs: 31_000 });
  });

  it.each([
    [{ MIXTASK_RATE_LIMIT_REPLICAS: 'eight' }, 'MIXTASK_RATE_LIMIT_REPLICAS: expected a whole number from 1 to 10000'],
    [{ MIXTASK_RATE_LIMIT_LEASE_MS: '10' }, 'MIXTASK_RATE_LIMIT_LEASE_MS: expected a whole number of ms'],
  ])('a bad value is named by its variable: %o', (extra, message) => {
    const config = mixTaskConfigFromEnv({
      MIXTASK_PROVIDER: 'tencent',
      ...keys,
      MIXTASK_REDIS_URL: 'redis://127.0.0.1:6390',
      ...extra,
    });
    expect(E.isLeft(config) && config.left.message).toContain(message);
  });

  it('mean nothing without redisUrl, and a typo of one gets a hint', () => {
    const base = { provider: 'tencent', credentials: { secretId: 'a', secretKey: 'b' } };
    const alone = parseMixTaskConfig({ ...base, rateLimitReplicas: 4 });
    expect(E.isLeft(alone) && alone.left.message).toContain('rateLimitReplicas: only means something with redisUrl');
    const typo = parseMixTaskConfig({ ...base, redisUrl: 'redis://127.0.0.1', rateLimitReplica: 4 });
    expect(E.isLeft(typo) && typo.left.message).toContain('did you mean rateLimitReplicas?');
  });

  it('reach the Redis limiter, and the default lease follows timeoutMs', async () => {
    const seen: RedisRateLimiterOptions[] = [];
    const onEvent = () => undefined;
    const settings = { provider: 'tencent', redisUrl: 'redis://127.0.0.1:1', requestsPerSecond: 100, onEvent };
    const given = fleetRateLimiter(
      { ...settings, timeoutMs: 10_000, rateLimitReplicas: 8, rateLimitLeaseMs: 31_000 },
      () => Promise.resolve(recordingModule(seen)),
    );
    const derived = fleetRateLimiter({ ...settings, timeoutMs: 25_000 }, () => Promise.resolve(recordingModule(seen)));
    for (const limiter of [given, derived]) {
      if (E.isLeft(limiter)) throw new Error(limiter.left);
      await limiter.right.acquire({ timeoutMs: 1000 });
    }
    expect(seen[0]).toMatchObject({ leaseMs: 31_000, fallback: { replicas: 8 }, onEvent });
    expect(seen[1]).toMatchObject({ leaseMs: 26_000 });
    expect(seen[1]?.fallback).toBeUndefined();
  });
});

describe('a provider with redisUrl, Redis down, against the emulator', () => {
  let em: Emulator;
  beforeAll(async () => {
    em = await startEmulator({ quota: { tencent: false, aliyun: false } });
  });
  afterAll(() => em.close());

  it("passes the provider's onEvent through: rate-limit-fallback reaches the app, at quota / replicas", async () => {
    const events: { type: string; requestsPerSecond?: number }[] = [];
    const provider = createMixTaskProvider({
      provider: 'tencent',
      credentials: em.tencent.credentials,
      endpoint: em.url,
      redisUrl: `redis://127.0.0.1:${await deadPort()}`,
      rateLimitReplicas: 10,
      onEvent: (event) => events.push(event as { type: string }),
    } as MixTaskConfig);
    await em.tencent.createSession('fleet_env_1');
    const result = await provider.stopMix('fleet_env_1')();
    await provider.close();
    expect(E.isRight(result)).toBe(true);
    const fallback = events.find((e) => e.type === 'rate-limit-fallback');
    expect(fallback).toMatchObject({ type: 'rate-limit-fallback', key: 'tencent', requestsPerSecond: 10 });
    expect(events.some((e) => e.type === 'success')).toBe(true);
  });
});

describe('@mixtask/redis that cannot be loaded', () => {
  it('is a ConfigurationError at the first stop, never a local limiter at the full quota', async () => {
    const limiter = fleetRateLimiter(
      { provider: 'tencent', redisUrl: 'redis://127.0.0.1:1', requestsPerSecond: 100, timeoutMs: 10_000 },
      () =>
        Promise.reject(Object.assign(new Error('Cannot find module /secret/path'), { code: 'ERR_MODULE_NOT_FOUND' })),
    );
    if (E.isLeft(limiter)) throw new Error(limiter.left);
    const problem = await limiter.right.loaded();
    expect(problem).toMatch(/@mixtask\/redis is installed but could not be loaded \(ERR_MODULE_NOT_FOUND\)/);
    expect(problem).not.toContain('/secret/path');
    // A stop that still asked would get no slot, never an unpaced one.
    expect(await limiter.right.acquire({ timeoutMs: 100 })).toEqual({ ok: false, reason: 'closed' });
  });
});
