import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRateLimiter, inFlightFor, stopMixes, type MixTaskProvider } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { createRedisRateLimiter } from '@mixtask/redis';
import { createMixTaskProvider } from 'mixtask';

// What stopMixes sizes its default concurrency from: every way of making a provider tells the rate its limiter keeps.
describe('provider.pacing', () => {
  const tencent = { secretId: 'AKIDexample', secretKey: 'example-secret' };
  const made: MixTaskProvider[] = [];
  afterAll(async () => {
    for (const provider of made) await provider.close();
  });
  const keep = (provider: MixTaskProvider) => (made.push(provider), provider);

  it('is the vendor quota by default, the given rate, or a shared limiter’s own; absent without a limiter', async () => {
    expect(keep(createTencentProvider({ credentials: tencent })).pacing?.requestsPerSecond).toBe(100);
    const aliyun = createAliyunProvider({
      credentials: { accessKeyId: 'LTAIexample', accessKeySecret: 'example-secret' },
      appId: 'app',
    });
    expect(keep(aliyun).pacing?.requestsPerSecond).toBe(500);
    const own = keep(createTencentProvider({ credentials: tencent, rateLimit: { requestsPerSecond: 7 } }));
    expect(own.pacing?.requestsPerSecond).toBe(7);
    const shared = keep(
      createTencentProvider({ credentials: tencent, rateLimit: createRateLimiter({ requestsPerSecond: 40 }) }),
    );
    expect(shared.pacing?.requestsPerSecond).toBe(40);
    // A fleet limiter: the rate is told without Redis being reached (the URL is never dialled here).
    const fleet = createRedisRateLimiter({ redis: 'redis://127.0.0.1:1', requestsPerSecond: 60, key: 'pacing' });
    expect(keep(createTencentProvider({ credentials: tencent, rateLimit: fleet })).pacing?.requestsPerSecond).toBe(60);
    await fleet.close();
    expect(keep(createTencentProvider({ credentials: tencent, rateLimit: false })).pacing).toBeUndefined();
    // The umbrella's, with and without a fleet limiter it makes itself.
    const umbrella = keep(createMixTaskProvider({ provider: 'tencent', credentials: tencent }));
    expect(umbrella.pacing?.requestsPerSecond).toBe(100);
    const umbrellaFleet = keep(
      createMixTaskProvider({
        provider: 'aliyun',
        appId: 'app',
        credentials: { accessKeyId: 'LTAIexample', accessKeySecret: 'example-secret' },
        redisUrl: 'redis://127.0.0.1:1',
      }),
    );
    expect(umbrellaFleet.pacing?.requestsPerSecond).toBe(500);
    // Nothing of it is a secret, and it serialises to nothing surprising.
    expect(JSON.stringify(umbrella)).not.toContain('example-secret');
  });

  describe('against the emulator', () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startEmulator({ quota: { tencent: false } });
    });
    afterAll(() => emulator.close());

    it('learns the round trip from real stops, and stopMixes keeps no more in flight than it says', async () => {
      const ids = Array.from({ length: 200 }, (_, i) => `pace_${i}`);
      for (const id of ids) await emulator.tencent.createSession(id);
      const provider = keep(
        createTencentProvider({
          credentials: emulator.tencent.credentials,
          endpoint: emulator.url,
          rateLimit: { requestsPerSecond: 1000 },
        }),
      );
      expect(provider.pacing?.roundTripMs()).toBeUndefined();
      let inFlight = 0;
      let most = 0;
      const counted: MixTaskProvider = {
        name: provider.name,
        close: () => provider.close(),
        ...(provider.pacing === undefined ? {} : { pacing: provider.pacing }),
        stopMix: (id, options) => {
          const task = provider.stopMix(id, options);
          return async () => {
            most = Math.max(most, ++inFlight);
            const result = await task();
            inFlight -= 1;
            return result;
          };
        },
      };
      const report = await stopMixes(counted, ids)();
      expect(report.totals.stopped).toBe(200);
      const rtt = provider.pacing?.roundTripMs();
      expect(rtt).toBeGreaterThan(0);
      // Never past the rate's cap, never past the slow start's 16 + settled calls (200 ids: at most 16 + 199).
      expect(most).toBeLessThanOrEqual(inFlightFor(1000, Number.POSITIVE_INFINITY));
      expect(most).toBeGreaterThanOrEqual(4);
    });
  });
});
