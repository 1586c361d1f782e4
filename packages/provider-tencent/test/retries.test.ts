import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { recordingTransport, steppingClock } from '@mixtask/test-kit';

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await em.close();
});
beforeEach(() => {
  em.clearFaults();
  em.clearRequests();
});

describe('retries', () => {
  it('re-sign every attempt: a fresh X-TC-Timestamp and Authorization, which the emulator verifies', async () => {
    await em.tencent.createSession('room_resign');
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'InternalError' }, times: 2 });
    const clock = steppingClock();
    const { transport, sent } = recordingTransport();
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      clock,
      rateLimit: false,
      transport,
    });
    const result = await provider.stopMix('room_resign')();
    expect(E.isRight(result) && result.right).toMatchObject({ outcome: 'stopped', attempts: 3 });

    const timestamps = em.requests().map((r) => r.headers['x-tc-timestamp']);
    expect(new Set(timestamps).size).toBe(3);
    expect(sent.map((r) => r.headers['X-TC-Timestamp'])).toEqual(timestamps);
    expect(new Set(sent.map((r) => r.headers.Authorization)).size).toBe(3);
    // The emulator records no secret header.
    expect(em.requests().every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(em.tencent.sessions()).not.toContain('room_resign');
  });

  it('retry a RequestLimitExceeded and succeed', async () => {
    await em.tencent.createSession('room_throttled');
    em.inject({ vendor: 'tencent', action: { type: 'code', code: 'RequestLimitExceeded.UinLimitExceeded' } });
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      clock: steppingClock(),
    });
    const result = await provider.stopMix('room_throttled')();
    expect(E.isRight(result) && result.right).toMatchObject({ outcome: 'stopped', attempts: 2 });
  });

  it('turn "session does not exist" after a lost answer into already-stopped', async () => {
    await em.tencent.createSession('room_lost_answer');
    // The first cancel lands, but its answer is a gateway's 502: the retry finds no session.
    em.inject({
      vendor: 'tencent',
      action: { type: 'body', status: 502, body: '<html>502</html>' },
      afterApplying: true,
    });
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      clock: steppingClock(),
    });
    const result = await provider.stopMix('room_lost_answer')();
    expect(E.isRight(result) && result.right).toMatchObject({ outcome: 'already-stopped', attempts: 2 });
    expect(em.requests().map((r) => r.code ?? r.status)).toEqual([502, 'FailedOperation.CancelSessionNotExist']);
  });

  it('with notFound: already-stopped, an unknown session succeeds at once', async () => {
    const provider = createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      notFound: 'already-stopped',
    });
    const result = await provider.stopMix('room_never_started')();
    expect(E.isRight(result) && result.right).toMatchObject({ outcome: 'already-stopped', attempts: 1 });
    expect(E.isRight(result) && result.right.requestId).toBe(em.requests()[0]?.requestId);
  });

  it('do not repeat a refusal: AuthFailure.SignatureFailure is sent once', async () => {
    const provider = createTencentProvider({
      credentials: { ...em.tencent.credentials, secretKey: 'not-the-key' },
      endpoint: em.url,
    });
    const result = await provider.stopMix('room_x')();
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'AuthenticationFailed', attempts: 1 });
    expect(em.requests()).toHaveLength(1);
  });
});
