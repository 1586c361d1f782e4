import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createRedisRateLimiter, type RedisRateLimiterOptions } from '@mixtask/redis';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { redisServerAvailable, startRedisServer, type RedisServer } from '@mixtask/test-kit';

// Issue 23, items 7 and 11: the limiter's options are exact, and a closed limiter refuses.
const valid = { redis: 'redis://127.0.0.1:1', requestsPerSecond: 10, key: 'options-test' };
const create = (options: unknown) => () => createRedisRateLimiter(options as RedisRateLimiterOptions);

describe('createRedisRateLimiter options', () => {
  it('no argument is the documented named-field error, not a destructuring crash', () => {
    expect(create(undefined)).toThrow(
      new TypeError('createRedisRateLimiter: redis must be a redis:// or rediss:// URL, or an ioredis client'),
    );
  });

  it.each([
    ['replicas at the top level', { replicas: 8 }, 'replicas: unknown field; did you mean fallback.replicas?'],
    ['requestPerSecond', { requestPerSecond: 5 }, 'requestPerSecond: unknown field; did you mean requestsPerSecond?'],
    ['leaseMS', { leaseMs: undefined, leaseMS: 5000 }, 'leaseMS: unknown field; did you mean leaseMs?'],
    ['a typo inside fallback', { fallback: { replica: 2 } }, 'fallback.replica: unknown field; did you mean replicas?'],
    ['constructor', JSON.parse('{"constructor": 1}') as object, 'constructor: unknown field'],
  ])('%s: a TypeError naming the key and what it probably meant', (_name, extra, message) => {
    expect(create({ ...valid, ...extra })).toThrow(`createRedisRateLimiter: ${message}`);
  });

  it('a string or an array for options is one problem, never one per character', () => {
    expect(create('redis://127.0.0.1:1')).toThrow(/^createRedisRateLimiter: \(root\): expected an object/);
    expect(create(['a', 'b'])).toThrow(/got an array$/);
    expect(create({ ...valid, fallback: 4 })).toThrow(/fallback: expected an object .* got a number$/);
  });

  it('options whose getters or Proxy traps throw are the same TypeError, never the app error itself', () => {
    const trap = () => {
      throw new Error('trap: redis://user:hunter2@10.0.0.1');
    };
    const unreadable = new TypeError('createRedisRateLimiter: options could not be read (a Proxy or getter threw)');
    expect(create(new Proxy(valid, { get: trap }))).toThrow(unreadable);
    expect(create(new Proxy(valid, { ownKeys: trap }))).toThrow(unreadable);
    expect(create(Object.defineProperty({ ...valid }, 'leaseMs', { enumerable: true, get: trap }))).toThrow(unreadable);
    expect(create({ ...valid, fallback: new Proxy({}, { get: trap }) })).toThrow(unreadable);
  });

  it('a URL in a bad field is never echoed', () => {
    expect(create({ ...valid, redis: 'http://user:hunter2@127.0.0.1' })).toThrow(/^((?!hunter2).)*$/);
  });
});

const describeRedis = redisServerAvailable() ? describe : describe.skip;

describeRedis('a closed limiter refuses', () => {
  let server: RedisServer;
  let em: Emulator;
  beforeAll(async () => {
    server = await startRedisServer();
    em = await startEmulator({ quota: { tencent: false, aliyun: false } });
  });
  afterAll(async () => {
    await em.close();
    await server.stop();
  });

  it('acquire() after close() resolves closed, at once', async () => {
    const limiter = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 5, key: 'closed-1' });
    expect((await limiter.acquire({ timeoutMs: 1000 })).ok).toBe(true);
    await limiter.close();
    expect(await limiter.acquire({ timeoutMs: 1000 })).toEqual({ ok: false, reason: 'closed' });
  });

  it('a stop through a closed limiter is a ConfigurationError with nothing sent, not an unpaced stop', async () => {
    const limiter = createRedisRateLimiter({ redis: server.url, requestsPerSecond: 5, key: 'closed-2' });
    await limiter.close();
    await em.tencent.createSession('closed_room');
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      rateLimit: limiter,
    });
    const result = await provider.stopMix('closed_room')();
    await provider.close();
    expect(E.isLeft(result) && result.left._tag).toBe('ConfigurationError');
    expect(E.isLeft(result) && result.left.message).toMatch(/rate limiter was closed/);
    expect(em.tencent.sessions()).toContain('closed_room');
  });
});
