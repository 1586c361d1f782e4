import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider } from '@mixtask/provider-tencent';

let em: Emulator;
beforeEach(async () => {
  em = await startEmulator({ quota: { tencent: 100 } });
});
afterEach(async () => {
  await em.close();
});

describe('the 100 requests/s quota', () => {
  it('answers a burst past it with RequestLimitExceeded, which is RateLimited and retryable', async () => {
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      rateLimit: false,
      retry: false,
    });
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) => provider.stopMix(`burst_${i}`)()));
    const throttled = results.flatMap((r) => (E.isLeft(r) && r.left._tag === 'RateLimited' ? [r.left] : []));
    expect(throttled.length).toBeGreaterThanOrEqual(50);
    for (const error of throttled) {
      expect(error).toMatchObject({ providerCode: 'RequestLimitExceeded', retryable: true, attempts: 1 });
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is never hit by a burst of 300 stops with the default rate limiter', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `room_${i}`);
    for (const id of ids) await em.tencent.createSession(id);
    // No retries: a single throttled answer would show as a RateLimited failure.
    const provider = createTencentProvider({ credentials: em.tencent.credentials, endpoint: em.url, retry: false });
    const results = await Promise.all(ids.map((id) => provider.stopMix(id)()));
    const failures = results.flatMap((r) => (E.isLeft(r) ? [r.left.message] : []));
    expect(failures).toEqual([]);
    expect(em.tencent.sessions()).toEqual([]);
    expect(em.requests().filter((r) => r.code === 'RequestLimitExceeded')).toHaveLength(0);
    expect(em.requests()).toHaveLength(300);
  });
});
