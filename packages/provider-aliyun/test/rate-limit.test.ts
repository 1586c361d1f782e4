import { describe, expect, it } from '@jest/globals';
import { startEmulator } from '@mixtask/emulator';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { left, nextTaskId } from './support/against-emulator.js';

describe('the 500 requests/s quota, against the emulator', () => {
  it('over the emulator’s quota → RateLimited (Throttling.User)', async () => {
    const strict = await startEmulator({ quota: { aliyun: 2 } });
    try {
      const p = createAliyunProvider({
        credentials: strict.aliyun.credentials,
        appId: strict.aliyun.appId,
        endpoint: strict.url,
        retry: false,
        rateLimit: false,
      });
      const results = await Promise.all([1, 2, 3, 4].map(() => p.stopMix(nextTaskId())()));
      const tags = results.map((r) => left(r)._tag).sort();
      expect(tags).toEqual(['RateLimited', 'RateLimited', 'SessionNotFound', 'SessionNotFound']);
      const throttled = results.map(left).find((e) => e._tag === 'RateLimited');
      expect(throttled).toMatchObject({ providerCode: 'Throttling.User', retryable: true });
    } finally {
      await strict.close();
    }
  });
});
