import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAwsIvsProvider } from '@mixtask/provider-aws-ivs';

let em: Emulator;
beforeEach(async () => {
  em = await startEmulator({ quota: { awsIvs: 5 } });
});
afterEach(async () => {
  await em.close();
});

describe('the 5 requests/s quota', () => {
  it('answers a burst past it with ThrottlingException, which is RateLimited and retryable', async () => {
    const provider = createAwsIvsProvider({
      region: em.awsIvs.region,
      credentials: em.awsIvs.credentials,
      endpoint: em.url,
      rateLimit: false,
      retry: false,
    });
    const arns = await Promise.all(Array.from({ length: 12 }, () => em.awsIvs.createComposition()));
    const results = await Promise.all(arns.map((arn) => provider.stopMix(arn)()));
    const throttled = results.flatMap((r) => (E.isLeft(r) && r.left._tag === 'RateLimited' ? [r.left] : []));
    expect(throttled.length).toBeGreaterThanOrEqual(5);
    for (const error of throttled) {
      expect(error).toMatchObject({
        providerCode: 'ThrottlingException',
        retryable: true,
        attempts: 1,
        httpStatus: 400,
      });
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    await provider.close();
  });

  it('is never hit by a burst of 15 stops with the default rate limiter', async () => {
    const arns = await Promise.all(Array.from({ length: 15 }, () => em.awsIvs.createComposition()));
    // No retries: a single throttled answer would show as a RateLimited failure.
    const provider = createAwsIvsProvider({
      region: em.awsIvs.region,
      credentials: em.awsIvs.credentials,
      endpoint: em.url,
      retry: false,
    });
    const results = await Promise.all(arns.map((arn) => provider.stopMix(arn)()));
    expect(results.flatMap((r) => (E.isLeft(r) ? [r.left.message] : []))).toEqual([]);
    expect(em.awsIvs.compositions()).toEqual([]);
    expect(em.requests().filter((r) => r.code === 'ThrottlingException')).toHaveLength(0);
    await provider.close();
  });
});
