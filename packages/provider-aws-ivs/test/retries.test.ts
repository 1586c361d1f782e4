import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { FakeClock } from '@mixtask/core/testing';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createAwsIvsProvider, type AwsIvsProviderOptions } from '@mixtask/provider-aws-ivs';

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator({ quota: { awsIvs: false } });
});
afterAll(async () => {
  await em.close();
});

const provider = (options: Partial<AwsIvsProviderOptions> = {}) =>
  createAwsIvsProvider({
    region: em.awsIvs.region,
    credentials: em.awsIvs.credentials,
    endpoint: em.url,
    rateLimit: false,
    clock: new FakeClock(Date.now()),
    retry: { maxAttempts: 3, baseDelayMs: 10 },
    ...options,
  });

describe('ConflictException (a composition changing state)', () => {
  it('is retried; once the stopping composition is gone it is SessionNotFound, not already-stopped', async () => {
    const arn = await em.awsIvs.createComposition({ state: 'STOPPING' });
    em.inject({ vendor: 'aws-ivs', action: { type: 'code', code: 'ConflictException' } });
    em.awsIvs.settle(arn); // gone by the time the retry arrives
    const result = await provider().stopMix(arn)();
    expect(E.isLeft(result) && result.left).toMatchObject({
      _tag: 'SessionNotFound',
      providerCode: 'ResourceNotFoundException',
      attempts: 2,
    });
  });

  it("with notFound: 'already-stopped', the same sequence succeeds as already-stopped", async () => {
    const arn = await em.awsIvs.createComposition({ state: 'STOPPING' });
    em.inject({ vendor: 'aws-ivs', action: { type: 'code', code: 'ConflictException' } });
    em.awsIvs.settle(arn);
    const result = await provider({ notFound: 'already-stopped' }).stopMix(arn)();
    expect(E.isRight(result) && result.right).toMatchObject({ outcome: 'already-stopped', attempts: 2 });
  });

  it('a composition still STARTING after every retry is the OperationFailed itself, retryable', async () => {
    const arn = await em.awsIvs.createComposition({ state: 'STARTING' });
    const result = await provider().stopMix(arn)();
    expect(E.isLeft(result) && result.left).toMatchObject({
      _tag: 'OperationFailed',
      providerCode: 'ConflictException',
      retryable: true,
      attempts: 3,
      httpStatus: 409,
    });
    expect(em.awsIvs.compositions()).toEqual([{ arn, state: 'STARTING' }]);
  });
});

describe('an answer lost after the stop landed', () => {
  it('a 500 after applying, then ResourceNotFoundException, is already-stopped', async () => {
    const arn = await em.awsIvs.createComposition();
    em.inject({ vendor: 'aws-ivs', action: { type: 'code', code: 'InternalServerException' }, afterApplying: true });
    const result = await provider().stopMix(arn)();
    expect(E.isRight(result) && result.right).toMatchObject({ outcome: 'already-stopped', attempts: 2 });
  });

  it('every retry is re-signed: a new X-Amz-Date and signature per attempt', async () => {
    const arn = await em.awsIvs.createComposition();
    em.clearRequests();
    em.inject({ vendor: 'aws-ivs', action: { type: 'code', code: 'ThrottlingException' } });
    // X-Amz-Date has whole seconds: start 1 ms before a second ends, so any backoff wait (full jitter may draw
    // anything from 0 to 1500 ms) moves the second attempt into the next second.
    const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000 + 999);
    const result = await provider({ clock, retry: { maxAttempts: 2, baseDelayMs: 1500, maxDelayMs: 1500 } }).stopMix(
      arn,
    )();
    expect(E.isRight(result)).toBe(true);
    const dates = em.requests().map((r) => r.headers['x-amz-date']);
    expect(dates).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
    // A draw of 0 ms (1 in 1500) leaves both attempts in one second; every other draw must give a new date.
    expect(new Set(dates).size).toBe((clock.sleeps[0] ?? 0) >= 1 ? 2 : 1);
  });
});
