import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { conformanceCases, createFakeProvider } from '@mixtask/core/testing';

describe('createFakeProvider', () => {
  const fake = createFakeProvider();
  let next = 0;
  describe('conformance', () => {
    for (const c of conformanceCases({
      makeProvider: () => fake,
      createSession: async () => {
        const id = `room_${++next}`;
        fake.addSession(id);
        return id;
      },
      requestCount: () => fake.requestCount(),
      holdNextAnswer: () => fake.holdNext(),
    })) {
      it(c.name, c.run);
    }
  });

  it('plays scripted errors and records calls', async () => {
    const provider = createFakeProvider({ name: 'tencent', sessions: ['a'] });
    provider.failNext('a', { tag: 'RateLimited', retryAfterMs: 1000, providerCode: 'RequestLimitExceeded' });
    const first = await provider.stopMix('a')();
    expect(E.isLeft(first) && first.left).toMatchObject({
      _tag: 'RateLimited',
      retryAfterMs: 1000,
      provider: 'tencent',
    });
    const second = await provider.stopMix('a')();
    expect(E.isRight(second) && second.right.outcome).toBe('stopped');
    expect(provider.calls().map((c) => c.id)).toEqual(['a', 'a']);
    expect(provider.sessions()).toEqual([]);
  });
});
