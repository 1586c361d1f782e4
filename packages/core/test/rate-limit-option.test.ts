import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createRateLimiter, type RateLimiter, type RateLimitRequest } from '@mixtask/core';
import { FakeClock } from './support/fake-clock.js';
import { startScriptedServer, type ScriptedServer } from '@mixtask/test-kit';
import { testProvider } from './support/test-provider.js';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

describe('rateLimit: a limiter object', () => {
  it('is asked for a slot before each attempt, with what is left of the deadline, and released after', async () => {
    const asked: RateLimitRequest[] = [];
    let released = 0;
    const limiter: RateLimiter & { readonly extra: string } = {
      extra: 'kept',
      acquire: (request) => {
        asked.push(request);
        return Promise.resolve({ ok: true, waitedMs: 0, release: () => void released++ });
      },
    };
    const provider = testProvider(server.url, { rateLimit: limiter, deadlineMs: 5000 });
    const result = await provider.stopMix('room_1')();
    expect(E.isRight(result)).toBe(true);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.timeoutMs).toBeGreaterThan(4000);
    expect(asked[0]?.timeoutMs).toBeLessThanOrEqual(5000);
    expect(released).toBe(1);
  });

  it('turns a refused slot into the deadline error, never a rejected call', async () => {
    const refusing: RateLimiter = { acquire: () => Promise.resolve({ ok: false, reason: 'deadline' }) };
    const result = await testProvider(server.url, { rateLimit: refusing }).stopMix('room_1')();
    expect(E.isLeft(result) && result.left._tag).toBe('Timeout');
  });

  it('goes on unpaced when an app limiter throws, rejects or answers garbage: a stop not made is worse', async () => {
    const broken: RateLimiter[] = [
      { acquire: () => Promise.reject(new Error('bug')) },
      {
        acquire: () => {
          throw new Error('sync bug');
        },
      },
      { acquire: () => Promise.resolve({ nonsense: true } as never) },
      {
        acquire: () =>
          Promise.resolve({
            ok: true,
            waitedMs: 0,
            release: () => {
              throw new Error('release bug');
            },
          }),
      },
    ];
    for (const rateLimit of broken) {
      const result = await testProvider(server.url, { rateLimit }).stopMix('room_1')();
      expect(E.isRight(result)).toBe(true);
    }
  });

  it('refuses an object without acquire, naming the field', async () => {
    const result = await testProvider(server.url, {
      rateLimit: { acquire: 'no' } as unknown as RateLimiter,
    }).stopMix('room_1')();
    expect(E.isLeft(result) && result.left._tag).toBe('ConfigurationError');
    expect(E.isLeft(result) && result.left.message).toContain('rateLimit');
  });
});

describe('createRateLimiter', () => {
  it('is the local limiter: N at once, then wait', async () => {
    const clock = new FakeClock(0);
    const limiter = createRateLimiter({ requestsPerSecond: 2, clock });
    const first = await limiter.acquire({ timeoutMs: 10 });
    const second = await limiter.acquire({ timeoutMs: 10 });
    expect(first.ok && second.ok).toBe(true);
    if (first.ok) first.release();
    // The third would have to wait a second past its release; with 10 ms left it gives up at once.
    expect(await limiter.acquire({ timeoutMs: 10 })).toEqual({ ok: false, reason: 'deadline' });
  });
});
